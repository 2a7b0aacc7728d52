"""Outbox capture: every ORM change to a synced row queues itself, in its own transaction.

install_capture(db) hooks the workstation's Database (its session factories, not the
Session class), so that the central database and other Database objects are untouched.
After each flush the changed rows are written to sync_outbox on the same connection: a
unit of work that rolls back leaves no outbox row, and one that commits always leaves
one. Rows written from the server (pull) carry session.info[APPLYING] and are not
captured again.

What is not captured: raw SQL (the demo generator's bulk load goes through the sqlite3
connection). A bulk ORM statement (session.execute(update(Patient)…)) on a synced table
would bypass the outbox silently, so it is refused instead.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

from agent_desk.db.engine import Database
from agent_desk.db.sync_codec import to_wire
from agent_desk.db.sync_local import CapturedChange, append_outbox
from agent_desk.db.sync_tables import SyncedTable, is_synced, synced_tables
from agent_desk.domain.enums import SyncOp

log = logging.getLogger(__name__)

APPLYING = "agent_desk.sync.applying"  # session.info key: rows from the server, not ours
_SERVER_DECIDES = "agent_desk.sync.server_decides"  # tables whose updates the server makes
_WROTE = "agent_desk.sync.captured"

Listener = Callable[[], None]


def leave_to_server(session: Session, table_name: str) -> None:
    """In this unit of work, updates to *table_name* are not queued: the server makes the
    same change itself. A leased task's new state is decided on the server when the
    queue's completion arrives there (with the fence checked); the workstation's own
    copy of that change is for its window only, and pull replaces it with the server's.
    Inserts are still queued: the attempt and the record are facts either way."""
    session.info.setdefault(_SERVER_DECIDES, set()).add(table_name)


class BypassesOutbox(RuntimeError):
    """A bulk statement on a synced table: it would change rows without queueing them."""


class Capture:
    """The capture installed on one Database; listeners hear of each committed change."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._order = {name: index for index, name in enumerate(synced_tables())}

    def subscribe(self, listener: Listener) -> None:
        """Call *listener* (on the committing thread: keep it short) after each commit
        that queued changes; the sync runner uses it to upload at once."""
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # --- session events ---------------------------------------------------------------

    def after_flush(self, session: Session, _context: UOWTransaction) -> None:
        if session.info.get(APPLYING):
            return
        changes = self._changes(session)
        if changes:
            append_outbox(session.connection(), changes)
            session.info[_WROTE] = True

    def after_commit(self, session: Session) -> None:
        session.info.pop(_SERVER_DECIDES, None)
        if not session.info.pop(_WROTE, False):
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception:  # a listener's failure must not undo a committed change
                log.exception("sync listener failed")

    def after_rollback(self, session: Session) -> None:
        session.info.pop(_SERVER_DECIDES, None)
        session.info.pop(_WROTE, None)

    def guard_bulk(self, state: ORMExecuteState) -> None:
        if state.session.info.get(APPLYING):
            return
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            name = getattr(table, "name", None)
            if isinstance(name, str) and is_synced(name):
                raise BypassesOutbox(
                    f"a bulk {type(state.statement).__name__.lower()} on {name} would not be "
                    "synced: change the rows through the ORM unit of work instead"
                )

    # --- what changed -----------------------------------------------------------------

    def _changes(self, session: Session) -> list[CapturedChange]:
        tables = synced_tables()
        server_decides = session.info.get(_SERVER_DECIDES, ())
        keyed: list[tuple[tuple[int, int], CapturedChange]] = []
        for obj in session.new:
            table = tables.get(_table_name(obj))
            if table is not None:
                keyed.append(((0, self._order[table.name]), _insert(table, obj)))
        for obj in session.dirty:
            table = tables.get(_table_name(obj))
            if table is None or table.name in server_decides:
                continue
            if session.is_modified(obj, include_collections=False):
                keyed.append(((0, self._order[table.name]), _update(table, obj)))
        for obj in session.deleted:
            table = tables.get(_table_name(obj))
            if table is not None:
                # Children go before their parents, as the flush itself deleted them.
                keyed.append(((1, -self._order[table.name]), _delete(table, obj)))
        # Parents before children, as the flush wrote them and the server must apply them.
        keyed.sort(key=lambda item: item[0])
        return [change for _key, change in keyed]


def _table_name(obj: Any) -> str:
    table = getattr(type(obj), "__table__", None)
    return str(getattr(table, "name", ""))


def _insert(table: SyncedTable, obj: Any) -> CapturedChange:
    return CapturedChange(table.name, obj.id, SyncOp.INSERT, None, to_wire(table, obj))


def _update(table: SyncedTable, obj: Any) -> CapturedChange:
    # The flush has already moved the version on; the change was made on the one before.
    base = obj.version - 1 if table.versioned else None
    return CapturedChange(table.name, obj.id, SyncOp.UPDATE, base, to_wire(table, obj))


def _delete(table: SyncedTable, obj: Any) -> CapturedChange:
    base = inspect(obj).attrs.version.value if table.versioned else None
    return CapturedChange(table.name, obj.id, SyncOp.DELETE, base, None)


_installed: weakref.WeakKeyDictionary[Database, Capture] = weakref.WeakKeyDictionary()
_install_lock = threading.Lock()


def _session_factories(db: Database) -> tuple[sessionmaker[Session], ...]:
    # Database keeps its two factories private; capture is the one thing that must hook
    # both (a write through read() must not escape the outbox either).
    return (db._writer, db._reader)


def install_capture(db: Database) -> Capture:
    """Capture every change to synced rows made through *db*; idempotent per Database."""
    if not db.is_sqlite:
        raise ValueError("capture belongs on a workstation's SQLite database, not the server")
    with _install_lock:
        capture = _installed.get(db)
        if capture is not None:
            return capture
        capture = Capture()
        for factory in _session_factories(db):
            event.listen(factory, "after_flush", capture.after_flush)
            event.listen(factory, "after_commit", capture.after_commit)
            event.listen(factory, "after_rollback", capture.after_rollback)
            event.listen(factory, "do_orm_execute", capture.guard_bulk)
        _installed[db] = capture
        return capture


def capture_of(db: Database) -> Capture | None:
    return _installed.get(db)
