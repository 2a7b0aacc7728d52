"""What the work queue raises, and how it tells a lost server from a failed statement."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from agent_desk.errors import UserError
from agent_desk.sync.errors import sqlstate
from agent_desk.sync.queue_records import RefusedCompletion

# SQLSTATE classes that mean no working connection can be had now: 08 connection,
# 28 wrong user or password, 3D no such database, 53 too many connections or out of
# resources, 57 the server shutting down or starting up. Nothing can be claimed.
_UNUSABLE_CLASSES = ("08", "28", "3D", "53", "57")


class Offline(UserError):
    """The central server cannot be reached or used now; str() says what failed."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"the central server cannot be reached: {detail}")


class JournalDamaged(UserError):
    """The journal file cannot be read; it is left as it is."""


class NotHeld(UserError):
    """The workstation holds no lease on this task, so it cannot call or finish it."""

    def __init__(self, task_id: uuid.UUID) -> None:
        self.task_id = task_id
        super().__init__(f"this workstation holds no lease on task {task_id}")


class CompletionRefused(UserError):
    """The server refused the completion; nothing was written there, and the journal keeps it."""

    def __init__(self, refused: RefusedCompletion) -> None:
        self.refused = refused
        super().__init__(refused.message)


def is_unreachable(exc: BaseException) -> bool:
    """True when no working connection to the server can be had, not a statement's failure."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False  # e.g. an integrity error: the server answered
    # psycopg gives no SQLSTATE when it never reached the server or lost it mid-way;
    # a deadlock or serialization failure is also an OperationalError, but has one.
    state = sqlstate(exc.orig)
    return not state or state[:2] in _UNUSABLE_CLASSES
