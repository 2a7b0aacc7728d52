"""The SQL of sync on the workstation's SQLite: outbox, acknowledgements, issues, cursor,
and writing rows that came from the server.

Every function runs in the caller's unit of work (Database.write() or read()).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.orm import Session

from agent_desk.db.base import new_id, utcnow
from agent_desk.db.models import SyncConflict, SyncOutbox, SyncState
from agent_desk.db.sync_codec import Wire, is_id
from agent_desk.db.sync_tables import SyncedTable
from agent_desk.domain.enums import OutboxStatus, SyncIssueKind, SyncOp
from agent_desk.foreground import in_turns, one_by_one

_STATE_ID = 1


@dataclass(frozen=True, slots=True)
class FeedCursor:
    """How far a workstation has read the central change feed: (transaction id, sequence)."""

    txid: int
    seq: int


# A cursor no feed row is behind: the next download reads everything afresh (a person
# asked for the server's rows back), without the first sync's caution.
RESYNC_WANTED = FeedCursor(-1, -1)


def want_resync(session: Session) -> None:
    session.execute(
        update(SyncState)
        .where(SyncState.id == _STATE_ID, SyncState.cursor_txid.is_not(None))
        .values(cursor_txid=RESYNC_WANTED.txid, cursor_seq=RESYNC_WANTED.seq)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class CapturedChange:
    table_name: str
    row_id: uuid.UUID
    op: SyncOp
    base_version: int | None
    payload: Wire | None


@dataclass(frozen=True, slots=True)
class Mutation:
    """One outbox row on its way up. Ids as 32 hex digits (the sync's storage form, which
    PostgreSQL reads as UUIDs) and the payload as JSON text until someone needs a dict:
    inserts go to the server as that text, untouched. This is the upload's hot path."""

    seq: int
    mutation_id: str
    table_name: str
    row_id: str
    op: SyncOp
    base_version: int | None
    payload_text: str | None

    @property
    def payload(self) -> Wire | None:
        return None if self.payload_text is None else json.loads(self.payload_text)

    @property
    def row_uuid(self) -> uuid.UUID:
        return uuid.UUID(hex=self.row_id)

    @property
    def mutation_uuid(self) -> uuid.UUID:
        return uuid.UUID(hex=self.mutation_id)


@dataclass(frozen=True, slots=True)
class SyncIssue:
    kind: SyncIssueKind
    table_name: str
    row_id: uuid.UUID
    error: str
    mutation_id: uuid.UUID | None = None
    op: SyncOp | None = None
    base_version: int | None = None
    server_version: int | None = None
    local_payload: Wire | None = None
    server_payload: Wire | None = None
    local_only: bool = False


@dataclass(frozen=True, slots=True)
class LocalSyncState:
    client_id: uuid.UUID
    server_id: uuid.UUID | None
    cursor: FeedCursor | None
    last_push_at: datetime | None
    last_pull_at: datetime | None


@dataclass(frozen=True, slots=True)
class SyncCounts:
    pending: int
    blocked: int
    open_issues: int


# --- capture -------------------------------------------------------------------------


def append_outbox(connection: Connection, changes: Sequence[CapturedChange]) -> None:
    """Queue changes in the connection's (the change's own) transaction."""
    now = utcnow()
    connection.execute(
        insert(SyncOutbox),
        [
            {
                "mutation_id": new_id(),
                "table_name": change.table_name,
                "row_id": change.row_id,
                "op": change.op,
                "base_version": change.base_version,
                "payload": change.payload,
                "created_at": now,
                "status": OutboxStatus.PENDING,
            }
            for change in changes
        ],
    )


# --- upload --------------------------------------------------------------------------


def pending_mutations(session: Session, limit: int, after_seq: int = 0) -> list[Mutation]:
    """The oldest pending changes after *after_seq*, in order. Raw SQL: this is the
    upload's hot path, and the payloads are passed on as the JSON text they are stored as."""
    rows = session.connection().exec_driver_sql(
        "SELECT seq, lower(hex(mutation_id)), table_name, lower(hex(row_id)), op, base_version, "
        "payload "
        "FROM sync_outbox WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
        (after_seq, limit),
    )
    ops = {op.value: op for op in SyncOp}
    return [
        Mutation(seq, mid, table, rid, ops[op], base, payload)
        for seq, mid, table, rid, op, base, payload in rows
    ]


def has_rows_held_back(session: Session) -> bool:
    """Whether any row is held back (its insert refused, not yet resolved)."""
    found = session.scalar(
        select(SyncConflict.id)
        .where(SyncConflict.resolved_at.is_(None), SyncConflict.local_only.is_(True))
        .limit(1)
    )
    return found is not None


def block_rows_held_back(session: Session) -> int:
    """Block pending changes to rows whose insert the server refused: they cannot apply."""
    held = select(SyncConflict.row_id).where(
        SyncConflict.resolved_at.is_(None), SyncConflict.local_only.is_(True)
    )
    result = session.execute(
        update(SyncOutbox)
        .where(SyncOutbox.status == OutboxStatus.PENDING, SyncOutbox.row_id.in_(held))
        .values(status=OutboxStatus.BLOCKED, error="an earlier change to this row was refused")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def mark_sent_through(session: Session, last_seq: int, at: datetime) -> None:
    """Mark every pending change up to *last_seq* sent: a whole batch applied (a batch is
    always the oldest pending changes, so nothing else pending lies below its end)."""
    session.execute(
        update(SyncOutbox)
        .where(SyncOutbox.seq <= last_seq, SyncOutbox.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENT, sent_at=at)
        .execution_options(synchronize_session=False)
    )


def mark_sent(session: Session, seqs: Sequence[int], at: datetime) -> None:
    if seqs:
        session.execute(
            update(SyncOutbox)
            .where(SyncOutbox.seq.in_(seqs), SyncOutbox.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=at)
            .execution_options(synchronize_session=False)
        )


def mark_failed(session: Session, seq: int, status: OutboxStatus, error: str, at: datetime) -> None:
    session.execute(
        update(SyncOutbox)
        .where(SyncOutbox.seq == seq)
        .values(status=status, error=error, sent_at=at)
        .execution_options(synchronize_session=False)
    )


def block_later(session: Session, row_id: uuid.UUID, after_seq: int, error: str) -> int:
    """Block the changes to *row_id* queued after the refused one: they were built on it."""
    result = session.execute(
        update(SyncOutbox)
        .where(
            SyncOutbox.row_id == row_id,
            SyncOutbox.seq > after_seq,
            SyncOutbox.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.BLOCKED, error=error)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def supersede_pending(session: Session, row_id: uuid.UUID, reason: str) -> int:
    """Hold back the pending changes to a row whose current state is queued afresh."""
    result = session.execute(
        update(SyncOutbox)
        .where(SyncOutbox.row_id == row_id, SyncOutbox.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.BLOCKED, error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def add_issue(session: Session, issue: SyncIssue, at: datetime) -> uuid.UUID:
    issue_id = new_id()
    session.execute(
        insert(SyncConflict).values(
            id=issue_id,
            kind=issue.kind,
            mutation_id=issue.mutation_id,
            table_name=issue.table_name,
            row_id=issue.row_id,
            op=issue.op,
            base_version=issue.base_version,
            server_version=issue.server_version,
            local_payload=issue.local_payload,
            server_payload=issue.server_payload,
            error=issue.error,
            local_only=issue.local_only,
            detected_at=at,
        )
    )
    return issue_id


def prune_sent(session: Session, older_than: datetime) -> int:
    """Forget acknowledged changes; the server keeps its own record of them."""
    result = session.execute(
        delete(SyncOutbox)
        .where(SyncOutbox.status == OutboxStatus.SENT, SyncOutbox.sent_at < older_than)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- download ------------------------------------------------------------------------


@cache
def _upsert_sql(table: SyncedTable) -> str:
    names = table.column_names
    columns = ", ".join(f'"{name}"' for name in names)
    marks = storage_marks(table)
    assignments = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name != "id")
    # A row with a change of ours still waiting to go up keeps its local state: the upload
    # that follows either applies (and comes back through the feed) or becomes a conflict
    # that restores the server's row. (The WHERE also lets SQLite parse the ON CONFLICT.)
    # A versioned row never goes back to an older version: the feed may replay rows the
    # workstation already has newer (after a resync, or when our own upload's echo comes
    # after a conflict restored the server's newer row).
    newer = f' WHERE excluded.version >= "{table.name}".version' if table.versioned else ""
    resolve = "DO NOTHING" if table.append_only else f"DO UPDATE SET {assignments}{newer}"
    return (
        f'INSERT INTO "{table.name}" ({columns}) SELECT {marks} WHERE NOT EXISTS '
        "(SELECT 1 FROM sync_outbox WHERE row_id = unhex(?) AND status = 'pending') "
        f"ON CONFLICT (id) {resolve}"
    )


@cache
def _id_index(table: SyncedTable) -> int:
    return table.column_names.index("id")


def apply_upserts(session: Session, table: SyncedTable, rows: Sequence[Sequence[Any]]) -> None:
    """Write server rows (in SQLite storage form, table column order) over local ones."""
    if not rows:
        return
    at = _id_index(table)
    for chunk in in_turns(rows):  # a call's pop goes first (agent_desk.foreground)
        session.connection().exec_driver_sql(_upsert_sql(table), [(*row, row[at]) for row in chunk])


def apply_deletes(session: Session, table: SyncedTable, storage_ids: Sequence[str]) -> None:
    if not storage_ids:
        return
    session.connection().exec_driver_sql(
        f'DELETE FROM "{table.name}" WHERE id = unhex(?) AND NOT EXISTS '
        "(SELECT 1 FROM sync_outbox WHERE row_id = unhex(?) AND status = 'pending')",
        [(row_id, row_id) for row_id in storage_ids],
    )


def delete_rows(session: Session, table: SyncedTable, storage_ids: Sequence[str]) -> None:
    """Delete rows outright (a refused change restored to the server's state: no row)."""
    if storage_ids:
        session.connection().exec_driver_sql(
            f'DELETE FROM "{table.name}" WHERE id = unhex(?)',
            [(row_id,) for row_id in storage_ids],
        )


def upsert_rows(session: Session, table: SyncedTable, rows: Sequence[Sequence[Any]]) -> None:
    """Write server rows even over pending local changes (a conflict restoring the server)."""
    if not rows:
        return
    names = table.column_names
    columns = ", ".join(f'"{name}"' for name in names)
    marks = storage_marks(table)
    assignments = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name != "id")
    session.connection().exec_driver_sql(
        f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks}) '
        f"ON CONFLICT (id) {'DO NOTHING' if table.append_only else 'DO UPDATE SET ' + assignments}",
        [tuple(row) for row in rows],
    )


def storage_id(row_id: uuid.UUID) -> str:
    """A UUID in the sync's storage form: 32 hex digits, as PostgreSQL renders it for the
    download (sync_codec.pg_sqlite_select_list) and compares in order with the local ids.
    SQLite itself keeps the 16 bytes (db.base.Id): the statements here convert at the
    boundary, with unhex() going in and lower(hex()) coming out."""
    return row_id.hex


def storage_marks(table: SyncedTable) -> str:
    """The VALUES placeholders of *table*'s columns for rows in the sync's storage form."""
    return ", ".join("unhex(?)" if is_id(column) else "?" for column in table.columns)


def storage_select_list(table: SyncedTable) -> str:
    """*table*'s columns read in the sync's storage form (ids as 32 hex digits)."""
    return ", ".join(
        # hex(NULL) is '': nullif keeps a missing reference NULL.
        f"nullif(lower(hex(\"{column.name}\")), '')" if is_id(column) else f'"{column.name}"'
        for column in table.columns
    )


def count_rows(session: Session, table: SyncedTable) -> int:
    return int(session.scalar(select(func.count()).select_from(table.table)) or 0)


def local_ids(session: Session, table: SyncedTable) -> Iterator[str]:
    """Every id of *table* in storage form, in byte order (the server's uuid order)."""
    result = session.connection().exec_driver_sql(
        f'SELECT lower(hex(id)) FROM "{table.name}" ORDER BY id'
    )
    for (row_id,) in one_by_one(result):  # a call's pop goes first (agent_desk.foreground)
        yield row_id


def ids_with_unsent_changes(session: Session, storage_ids: Sequence[str]) -> set[str]:
    """Of these rows, those with a local change not yet on the server (pending, blocked,
    refused): a full resync must not delete them."""
    found: set[str] = set()
    for start in range(0, len(storage_ids), 500):
        chunk = storage_ids[start : start + 500]
        marks = ", ".join("unhex(?)" for _ in chunk)
        result = session.connection().exec_driver_sql(
            f"SELECT DISTINCT lower(hex(row_id)) FROM sync_outbox WHERE row_id IN ({marks}) "
            "AND status != 'sent'",
            tuple(chunk),
        )
        found.update(row_id for (row_id,) in result)
    return found


# --- state ---------------------------------------------------------------------------


def ensure_state(session: Session) -> LocalSyncState:
    """This workstation's sync row, made (with a new client id) on first use."""
    state = session.get(SyncState, _STATE_ID)
    if state is None:
        state = SyncState(id=_STATE_ID, client_id=new_id())
        session.add(state)
        session.flush()
    return _state_view(state)


def read_state(session: Session) -> LocalSyncState | None:
    state = session.get(SyncState, _STATE_ID)
    return None if state is None else _state_view(state)


def _state_view(state: SyncState) -> LocalSyncState:
    cursor = None
    if state.cursor_txid is not None and state.cursor_seq is not None:
        cursor = FeedCursor(state.cursor_txid, state.cursor_seq)
    return LocalSyncState(
        state.client_id, state.server_id, cursor, state.last_push_at, state.last_pull_at
    )


def save_cursor(
    session: Session, server_id: uuid.UUID, cursor: FeedCursor | None, at: datetime
) -> None:
    session.execute(
        update(SyncState)
        .where(SyncState.id == _STATE_ID)
        .values(
            server_id=server_id,
            cursor_txid=None if cursor is None else cursor.txid,
            cursor_seq=None if cursor is None else cursor.seq,
            last_pull_at=at,
        )
        .execution_options(synchronize_session=False)
    )


def note_push(session: Session, at: datetime) -> None:
    session.execute(
        update(SyncState)
        .where(SyncState.id == _STATE_ID)
        .values(last_push_at=at)
        .execution_options(synchronize_session=False)
    )


def counts(session: Session) -> SyncCounts:
    rows = session.execute(
        select(SyncOutbox.status, func.count())
        .where(SyncOutbox.status.in_((OutboxStatus.PENDING, OutboxStatus.BLOCKED)))
        .group_by(SyncOutbox.status)
    )
    by_status = {status: count for status, count in rows}
    issues = session.scalar(
        select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
    )
    return SyncCounts(
        pending=int(by_status.get(OutboxStatus.PENDING, 0)),
        blocked=int(by_status.get(OutboxStatus.BLOCKED, 0)),
        open_issues=int(issues or 0),
    )
