"""Download: the central change feed into the local SQLite, or everything afresh.

Incremental: feed rows after the workstation's cursor, in (txid, seq) order and below
the reading snapshot's xmin (see agent_desk.db.sync_central), one local transaction per
batch that also moves the cursor, so a crash or a full disk leaves the batch applied
with its cursor or neither. Rows are upserted by id with the server's version; deletes
arrive as tombstones. A row with a local change still waiting to go up is left alone:
its upload decides (applied, or a conflict that restores the server's row).

Afresh (a resync): on the first sync with a central database, and when the cursor is
older than the feed's retention horizon. Every synced table is copied from one
REPEATABLE READ snapshot; the cursor then starts just below that snapshot's xmin, so
nothing committed after it is missed (what is read twice is applied twice, harmlessly,
in order). Local rows the server no longer has are deleted, unless they hold unsent
changes. On the first sync such rows were never uploaded at all (made before sync was
set up, or demo data), so the sync is refused instead of deleting them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent_desk.db import sync_central, sync_local
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.sync_central import FeedEntry, PgConnection, ServerInfo
from agent_desk.db.sync_codec import to_sqlite
from agent_desk.db.sync_local import (
    RESYNC_WANTED,
    FeedCursor,
    LocalSyncState,
    SyncIssue,
)
from agent_desk.db.sync_snapshot import SnapshotWriter, takes_plain_inserts
from agent_desk.db.sync_tables import SyncedTable, synced_table, synced_tables
from agent_desk.domain.enums import SyncIssueKind, SyncOp
from agent_desk.foreground import in_turns
from agent_desk.sync.capture import APPLYING
from agent_desk.sync.errors import FirstSyncRefused, first_line

log = logging.getLogger(__name__)

_MAX_SEQ = 2**63 - 1
# A resync finds the local rows the server no longer has. Up to this many local rows of a
# table, it asks the server for those ids; beyond, it reads all the server's ids in order
# beside the local ones. A new workstation that registered a patient before its first sync
# had made the server sort and send a million ids to compare with one.
ASK_BY_ID_UP_TO = 50_000


@dataclass
class PullReport:
    applied: int = 0  # feed rows (or snapshot rows) written
    resynced: bool = False
    removed: int = 0  # local rows the server no longer had (resync only)
    issues: int = 0
    waiting: bool = False  # committed rows held back behind a transaction still running


def pull(
    db: Database,
    conn: PgConnection,
    server: ServerInfo,
    *,
    batch_size: int = 2000,
    snapshot_batch: int = 20_000,
) -> PullReport:
    with db.read() as session:
        state = sync_local.read_state(session)
    if state is None:
        with db.write() as session:
            state = sync_local.ensure_state(session)
    if state.server_id != server.server_id or state.cursor is None:
        return resync(db, conn, server, first=True, batch=snapshot_batch)
    if state.cursor == RESYNC_WANTED:
        return resync(db, conn, server, first=False, batch=snapshot_batch)
    return _follow(db, conn, server, state, batch_size, snapshot_batch)


def _behind(cursor: FeedCursor, horizon: FeedCursor) -> bool:
    return (cursor.txid, cursor.seq) < (horizon.txid, horizon.seq)


def _follow(
    db: Database,
    conn: PgConnection,
    server: ServerInfo,
    state: LocalSyncState,
    batch_size: int,
    snapshot_batch: int,
) -> PullReport:
    report = PullReport()
    assert state.cursor is not None
    cursor = state.cursor
    while True:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # Read in the same snapshot as the feed, so a prune cannot slip in between.
            horizon = sync_central.server_info(conn).horizon
            if _behind(cursor, horizon):
                log.info("cursor %s is behind the feed's horizon %s: resync", cursor, horizon)
                break
            entries, bound = sync_central.read_feed(conn, cursor, batch_size)
            last_batch = len(entries) < batch_size
            if last_batch:
                after = entries[-1] if entries else None
                at = cursor if after is None else FeedCursor(after.txid, after.seq)
                report.waiting = sync_central.feed_waiting(conn, at, bound)
        if entries:
            cursor = FeedCursor(entries[-1].txid, entries[-1].seq)
            report.issues += _apply_feed(db, server, entries, cursor)
            report.applied += len(entries)
        if last_batch:
            return report
    resynced = resync(db, conn, server, first=False, batch=snapshot_batch)
    resynced.applied += report.applied
    return resynced


# --- applying feed rows --------------------------------------------------------------


def _apply_feed(
    db: Database, server: ServerInfo, entries: Sequence[FeedEntry], cursor: FeedCursor
) -> int:
    """Apply one batch and move the cursor, in one local transaction; returns the number
    of rows recorded as issues (only when the batch had to go row by row)."""
    try:
        with db.write() as session:
            session.info[APPLYING] = True
            for run in _runs(entries):
                _apply_run(session, run)
            sync_local.save_cursor(session, server.server_id, cursor, utcnow())
        return 0
    except IntegrityError:
        return _apply_one_by_one(db, server, entries, cursor)


def _runs(entries: Sequence[FeedEntry]) -> Iterator[list[FeedEntry]]:
    for _key, run in groupby(entries, key=lambda e: (e.table_name, e.op is SyncOp.DELETE)):
        yield list(run)


def _apply_run(session: Session, run: list[FeedEntry]) -> None:
    table = synced_table(run[0].table_name)
    if run[0].op is SyncOp.DELETE:
        sync_local.apply_deletes(session, table, [sync_local.storage_id(e.row_id) for e in run])
    else:
        sync_local.apply_upserts(
            session, table, [to_sqlite(table, e.payload) for e in run if e.payload is not None]
        )


def _apply_one_by_one(
    db: Database, server: ServerInfo, entries: Sequence[FeedEntry], cursor: FeedCursor
) -> int:
    """A server row this database cannot take (a local row holding the same record number,
    say) is recorded for review; the rest of the batch goes in."""
    issues = 0
    at = utcnow()
    with db.write() as session:
        session.info[APPLYING] = True
        for entry in entries:
            try:
                with session.begin_nested():
                    _apply_run(session, [entry])
            except IntegrityError as exc:
                issues += 1
                sync_local.add_issue(
                    session,
                    SyncIssue(
                        kind=SyncIssueKind.PULL_FAILED,
                        table_name=entry.table_name,
                        row_id=entry.row_id,
                        error=first_line(exc.orig or exc),
                        op=entry.op,
                        server_payload=entry.payload,
                        server_version=None
                        if entry.payload is None
                        else entry.payload.get("version"),
                    ),
                    at,
                )
        sync_local.save_cursor(session, server.server_id, cursor, at)
    return issues


# --- resync --------------------------------------------------------------------------


def resync(
    db: Database, conn: PgConnection, server: ServerInfo, *, first: bool, batch: int = 20_000
) -> PullReport:
    report = PullReport(resynced=True)
    tables = list(synced_tables().values())
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        bound = sync_central.snapshot_bound(conn)
        doomed = _rows_gone_from_server(db, conn)
        if first and doomed:
            count = sum(len(ids) for ids in doomed.values())
            tables_named = ", ".join(sorted(doomed))
            raise FirstSyncRefused(
                f"this workstation holds {count:,} rows ({tables_named}) that were never "
                "uploaded and are not on the central server: upload them once with "
                "'agent-desk central init --seed-from-local' (only into an empty central "
                "database), or start this workstation from an empty data folder"
            )
        with SnapshotWriter(db) as writer:
            for table in tables:
                with db.read() as session:
                    plain = takes_plain_inserts(session, table)
                for rows in _read_ahead(sync_central.snapshot_rows(conn, table, batch)):
                    if plain:
                        report.issues += _insert_snapshot_rows(db, writer, table, rows)
                    else:
                        report.issues += _apply_snapshot_rows(db, table, rows)
                    report.applied += len(rows)
    with db.write() as session:
        session.info[APPLYING] = True
        for table in reversed(tables):
            for storage_id in doomed.get(table.name, ()):
                try:
                    with session.begin_nested():
                        sync_local.apply_deletes(session, table, [storage_id])
                    report.removed += 1
                except IntegrityError as exc:
                    report.issues += 1
                    _record_stuck(session, table.name, storage_id, exc, SyncOp.DELETE)
        # Just below the snapshot: everything from its xmin on is read again.
        sync_local.save_cursor(session, server.server_id, FeedCursor(bound - 1, _MAX_SEQ), utcnow())
    return report


def _read_ahead(batches: Iterator[list[tuple[Any, ...]]]) -> Iterator[list[tuple[Any, ...]]]:
    """The batches of *batches*, the next one read and decoded on a helper thread while the
    caller writes this one: the server, the decoding and SQLite's inserts then share the
    machine's cores instead of taking turns (psycopg and SQLite let go of the GIL while
    they wait on the network and while a statement runs)."""
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as helper:
            ahead = helper.submit(next, batches, None)
            while (rows := ahead.result()) is not None:
                ahead = helper.submit(next, batches, None)
                yield rows
    finally:
        # Leaving the executor waited for the helper's last read, so the copy is ended
        # here with no other thread in it (a generator must not run on two at once).
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def _insert_snapshot_rows(
    db: Database, writer: SnapshotWriter, table: SyncedTable, rows: Sequence[Sequence[Any]]
) -> int:
    """Rows for an empty table: plain inserts; a batch a constraint refuses (a row made
    locally meanwhile, say) goes the careful way, row by row, as upserts."""
    if writer.insert(table, rows):
        return 0
    return _apply_snapshot_rows(db, table, rows)


def _apply_snapshot_rows(db: Database, table: SyncedTable, rows: Sequence[Sequence[Any]]) -> int:
    try:
        with db.write() as session:
            session.info[APPLYING] = True
            sync_local.apply_upserts(session, table, rows)
        return 0
    except IntegrityError:
        pass
    issues = 0
    with db.write() as session:
        session.info[APPLYING] = True
        for row in rows:
            try:
                with session.begin_nested():
                    sync_local.apply_upserts(session, table, [row])
            except IntegrityError as exc:
                issues += 1
                row_id = str(row[table.column_names.index("id")])
                _record_stuck(session, table.name, row_id, exc, SyncOp.INSERT)
    return issues


def _rows_gone_from_server(db: Database, conn: PgConnection) -> dict[str, list[str]]:
    """Local rows (storage ids) of synced tables that the server's snapshot lacks and
    that hold no unsent local change."""
    gone: dict[str, list[str]] = {}
    for table in synced_tables().values():
        with db.read() as session:
            local = sync_local.count_rows(session, table)
            if not local:
                continue
            if local <= ASK_BY_ID_UP_TO:
                missing = _missing_by_id(conn, table, list(sync_local.local_ids(session, table)))
            else:
                missing = _missing(
                    sync_local.local_ids(session, table), sync_central.snapshot_ids(conn, table)
                )
            if missing:
                keep = sync_local.ids_with_unsent_changes(session, missing)
                missing = [row_id for row_id in missing if row_id not in keep]
        if missing:
            gone[table.name] = missing
    return gone


def _missing_by_id(conn: PgConnection, table: SyncedTable, local: list[str]) -> list[str]:
    """Ids in *local* that the server lacks, asked of the server a turn of ids at a time."""
    found: set[str] = set()
    for chunk in in_turns(local):
        found |= sync_central.ids_on_server(conn, table, chunk)
    return [row_id for row_id in local if row_id not in found]


def _missing(local: Iterator[str], server: Iterator[str]) -> list[str]:
    """Ids in *local* but not in *server*; both ascending in the same (byte) order."""
    missing = []
    current = next(server, None)
    for row_id in local:
        while current is not None and current < row_id:
            current = next(server, None)
        if current != row_id:
            missing.append(row_id)
    return missing


def _record_stuck(
    session: Session, table_name: str, storage_id: str, exc: IntegrityError, op: SyncOp
) -> None:
    reason = first_line(exc.orig or exc)
    error = (
        f"deleted on the server, but local rows still refer to it ({reason})"
        if op is SyncOp.DELETE
        else f"the server's row does not fit this database ({reason})"
    )
    sync_local.add_issue(
        session,
        SyncIssue(
            kind=SyncIssueKind.PULL_FAILED,
            table_name=table_name,
            row_id=uuid.UUID(hex=storage_id),
            error=error,
            op=op,
        ),
        utcnow(),
    )
