"""What can go wrong with sync, each as one sentence the window and the CLI can show.

Transient errors (the server unreachable or restarting, a dropped connection, a
serialization failure) are retried later and lose nothing; the others need a person
(a wrong password, a schema mismatch, a full disk) but are retried too, more slowly, so
that fixing the cause is enough.
"""

from __future__ import annotations

import sys

from sqlalchemy.exc import OperationalError as SAOperationalError

from agent_desk.db.sqlcipher import driver
from agent_desk.domain.enums import SyncProblem
from agent_desk.errors import UserError


class SyncError(UserError):
    """A sync problem; str() is the message for the user."""

    transient = False
    problem = SyncProblem.OTHER


class CentralUnavailable(SyncError):
    """The central server cannot be reached now, or went away mid-transaction."""

    transient = True
    problem = SyncProblem.UNREACHABLE


class CentralRefused(SyncError):
    """The central server refused us: a wrong password or user, a missing database, TLS."""

    problem = SyncProblem.REFUSED


class CentralConfigError(SyncError):
    """The central server is not configured, or configured in a way we refuse."""

    problem = SyncProblem.CONFIG


class CentralSchemaMismatch(SyncError):
    """The central schema is newer than this build, older, or not initialised."""

    problem = SyncProblem.SCHEMA


class LocalDiskFull(SyncError):
    """The local database could not grow: nothing was half-applied."""

    transient = True
    problem = SyncProblem.DISK_FULL


class FirstSyncRefused(SyncError):
    """This workstation holds rows that never went through the outbox (made before sync
    was set up, or demo data): syncing would delete them, so it is refused."""

    problem = SyncProblem.FIRST_SYNC


# SQLSTATE classes: 08 connection, 40 transaction rollback (serialization, deadlock),
# 53 insufficient resources, 57 operator intervention (shutdown, terminated), 58 system.
_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")
# 22 data exception, 23 integrity violation, P0 raised by a trigger (append-only audit):
# the change itself is refused, and sending it again would be refused again.
_REJECTING_CLASSES = ("22", "23", "P0")


def sqlstate(exc: BaseException | None) -> str:
    return getattr(exc, "sqlstate", None) or ""


def _psycopg_error(exc: BaseException) -> bool:
    # psycopg is not imported for this: every module holding SyncError would load it at
    # start-up. An exception of psycopg's can only exist once psycopg has been imported.
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def is_rejection(exc: BaseException) -> bool:
    """A database error that refuses one change for good (not the connection, not the server)."""
    return _psycopg_error(exc) and sqlstate(exc)[:2] in _REJECTING_CLASSES


def is_transient(exc: BaseException) -> bool:
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return True
    return _psycopg_error(exc) and sqlstate(exc)[:2] in _TRANSIENT_CLASSES


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def explain_central(exc: BaseException, where: str) -> SyncError:
    """A psycopg error from talking to the central server, as a SyncError."""
    message = first_line(exc)
    lowered = str(exc).lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return CentralRefused(
            f"the central server {where} refused the password: store the right one with "
            "'agent-desk secret set central.password'"
        )
    if "does not exist" in lowered and ("database" in lowered or "role" in lowered):
        return CentralRefused(f"the central server {where} says: {message}")
    if "pg_hba.conf" in lowered:
        hint = " (it may want TLS: set central.sslmode)" if "no encryption" in lowered else ""
        return CentralRefused(
            f"the central server {where} does not accept this workstation{hint}: {message}"
        )
    if "ssl" in lowered or "certificate" in lowered:
        return CentralRefused(f"TLS with the central server {where} failed: {message}")
    if is_transient(exc):
        return CentralUnavailable(
            f"the central server {where} cannot be reached ({message}); local work goes on "
            "and sync retries"
        )
    return SyncError(f"the central server {where} failed: {message}")


def explain_local(exc: BaseException, path: str) -> SyncError | None:
    """A local SQLite failure worth its own message, or None."""
    original = exc.orig if isinstance(exc, SAOperationalError) else exc
    if isinstance(original, driver.OperationalError) and "full" in str(original):
        return LocalDiskFull(
            f"the local database {path} is full (the disk, or its size limit): free some "
            "space; nothing was half-applied and sync resumes on its own"
        )
    return None
