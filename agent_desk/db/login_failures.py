"""Consecutive failed logins per account name on this workstation, and the lock they set."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from agent_desk.db.models import LoginFailures


def locked_until(session: Session, username: str, now: datetime) -> datetime | None:
    """When the lock on *username* ends, if it is locked at *now*."""
    row = session.get(LoginFailures, username)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def add_failure(
    session: Session, username: str, now: datetime, limit: int, lock_for: timedelta
) -> tuple[int, datetime | None]:
    """Count one more failure; the *limit*-th locks the name until *now* + *lock_for* and
    starts the count again, so that after the lock the name has *limit* tries anew.
    Returns the failures in a row so far and the end of the lock it set, if it set one."""
    row = session.get(LoginFailures, username)
    if row is None:
        row = LoginFailures(username=username, failures=0)
        session.add(row)
    failures = row.failures + 1
    if failures >= limit:
        row.failures, row.locked_until = 0, now + lock_for
        return failures, row.locked_until
    row.failures = failures
    return failures, None


def clear(session: Session, username: str) -> None:
    """A successful login: the count starts again from nothing."""
    session.execute(delete(LoginFailures).where(LoginFailures.username == username))
