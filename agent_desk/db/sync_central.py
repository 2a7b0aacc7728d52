"""The SQL of sync on the central PostgreSQL, through psycopg 3 directly.

psycopg rather than the ORM here, for what sync needs from the server: COPY (claims,
seeding, the initial download), JSON handed to the server untouched, executemany with
RETURNING in one round trip, and LISTEN. Every function works in the caller's transaction
on the caller's connection.

The feed (read_feed) is read in (txid, seq) order and only below the xmin of the reading
snapshot: every transaction with a smaller id has ended by then, so no row can still
appear behind the cursor. A plain high-water mark on seq would skip a row whose
transaction took its sequence number first and committed last. The price: any
transaction still running on the cluster holds the feed back until it ends (rows wait,
none are lost), so the central server should set idle_in_transaction_session_timeout.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import psycopg
from psycopg import sql

from agent_desk.db.sync_codec import Wire, pg_sqlite_select_list, to_pg
from agent_desk.db.sync_local import FeedCursor
from agent_desk.db.sync_tables import SyncedTable
from agent_desk.domain.enums import MutationOutcome, SyncOp
from agent_desk.foreground import one_by_one

PgConnection = psycopg.Connection[Any]
NOTIFY_CHANNEL = "agent_desk_sync"

_UTC_NOW = "now() AT TIME ZONE 'UTC'"
_XMIN = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
# A uuid as SQLite stores it (32 hex digits), so that ids compare without conversions.
_HEX = "replace({}::text, '-', '')"
_ID_LIST = "string_to_array(%(ids)s, ',')::uuid[]"


@dataclass(frozen=True, slots=True)
class ServerInfo:
    server_id: uuid.UUID
    horizon: FeedCursor


@dataclass(frozen=True, slots=True)
class FeedEntry:
    txid: int
    seq: int
    table_name: str
    row_id: uuid.UUID
    op: SyncOp
    payload: Wire | None


@dataclass(frozen=True, slots=True)
class ClientSeen:
    client_id: uuid.UUID
    name: str
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class FeedStats:
    rows: int
    oldest: datetime | None
    newest: datetime | None
    applied_mutations: int


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _columns(names: Sequence[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(_ident, names))


# --- identity ------------------------------------------------------------------------


def schema_revision(conn: PgConnection) -> str | None:
    """The central schema's Alembic revision, or None for a database never initialised."""
    row = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return None
    found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if found is None else str(found[0])


def server_info(conn: PgConnection) -> ServerInfo:
    row = conn.execute(
        "SELECT server_id, horizon_txid, horizon_seq FROM sync_server WHERE id = 1"
    ).fetchone()
    if row is None:
        raise LookupError("sync_server has no row: the central schema was not made by init")
    return ServerInfo(row[0], FeedCursor(row[1], row[2]))


def register_client(conn: PgConnection, client_id: uuid.UUID, name: str) -> None:
    conn.execute(
        f"INSERT INTO sync_clients (client_id, name, first_seen, last_seen) "
        f"VALUES (%s, %s, {_UTC_NOW}, {_UTC_NOW}) "
        "ON CONFLICT (client_id) DO UPDATE "
        "SET name = excluded.name, last_seen = excluded.last_seen",
        (client_id, name[:128]),
    )


# --- uploads -------------------------------------------------------------------------


def claim_new_mutations(
    conn: PgConnection, client_id: uuid.UUID, mutation_ids: Sequence[str]
) -> bool:
    """Record uploads that have never been seen, by COPY (the common case, and the cheap
    one); False, with nothing written, when any of them had been (a resend): the caller
    then uses claim_mutations, which sorts them out."""
    client = str(client_id)
    try:
        with conn.transaction(), conn.cursor() as cur:  # a savepoint: a resend undoes it
            query = "COPY sync_applied_mutations (mutation_id, client_id, outcome) FROM STDIN"
            with cur.copy(query) as copy:
                copy.write("".join(f"{m}\t{client}\tapplied\n" for m in mutation_ids))
    except psycopg.errors.UniqueViolation:
        return False
    return True


def claim_mutations(
    conn: PgConnection, client_id: uuid.UUID, mutation_ids: Sequence[str]
) -> set[str]:
    """Record these uploads (ids as 32 hex digits) as applied; return those that were
    recorded before: resends, already judged. (Returning the few old ones rather than
    the many new ones keeps a big upload's round trip small.)"""
    rows = conn.execute(
        "WITH claimed AS ("
        "INSERT INTO sync_applied_mutations (mutation_id, client_id, outcome, applied_at) "
        f"SELECT m, %(client)s, 'applied', {_UTC_NOW} FROM unnest({_ID_LIST}) AS m "
        "ON CONFLICT (mutation_id) DO NOTHING RETURNING mutation_id) "
        f"SELECT {_HEX.format('m')} FROM unnest({_ID_LIST}) AS m "
        "WHERE m NOT IN (SELECT mutation_id FROM claimed)",
        # One comma-separated string: the server splits it far faster than a driver
        # adapts an array of thousands of strings.
        {"client": client_id, "ids": ",".join(mutation_ids)},
    ).fetchall()
    return {row[0] for row in rows}


def recorded_outcomes(
    conn: PgConnection, mutation_ids: Sequence[str]
) -> dict[str, MutationOutcome]:
    if not mutation_ids:
        return {}
    rows = conn.execute(
        f"SELECT {_HEX.format('mutation_id')}, outcome FROM sync_applied_mutations "
        "WHERE mutation_id = ANY(%s::uuid[])",
        (list(mutation_ids),),
    ).fetchall()
    return {row[0]: MutationOutcome(row[1]) for row in rows}


def set_outcomes(conn: PgConnection, outcomes: dict[str, MutationOutcome]) -> None:
    if outcomes:
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE sync_applied_mutations SET outcome = %s WHERE mutation_id = %s::uuid",
                [(outcome.value, mutation_id) for mutation_id, outcome in outcomes.items()],
            )


def _returned(cur: psycopg.Cursor[Any], count: int) -> list[bool]:
    """After executemany(returning=True): whether each statement returned a row."""
    found = []
    for index in range(count):
        found.append(cur.fetchone() is not None)
        if index + 1 < count:
            cur.nextset()
    return found


def _json_array(texts: Sequence[str]) -> str:
    return "[" + ",".join(texts) + "]"


def insert_rows(
    conn: PgConnection, table: SyncedTable, payload_texts: Sequence[str], *, returning: bool
) -> set[str] | None:
    """Insert rows given as wire JSON, in one statement (one feed-trigger call for them
    all); PostgreSQL itself turns the JSON into typed rows. An id already there is left as
    it is. None when every row went in; otherwise, with *returning*, the ids inserted (hex).

    A plain INSERT goes first, in a savepoint: it is faster than INSERT … ON CONFLICT,
    which inserts each row speculatively, and an upload's rows are new but for a resend
    or a conflict. When it succeeds, the other would have inserted every row too; when a
    constraint refuses it (an id already there, say), the savepoint undoes it and the
    statement that sorts rows out runs instead, exactly as it would have alone."""
    rows = (_json_array(payload_texts),)
    populate = "INSERT INTO {t} SELECT * FROM json_populate_recordset(NULL::{t}, %s)"
    try:
        with conn.transaction():
            conn.execute(sql.SQL(populate).format(t=_ident(table.name)), rows)
        return None
    except psycopg.errors.IntegrityError:
        pass  # refused as a whole: the statement below sorts the rows out
    sorting = populate + " ON CONFLICT (id) DO NOTHING"
    if not returning:
        conn.execute(sql.SQL(sorting).format(t=_ident(table.name)), rows)
        return set()
    sorting += " RETURNING " + _HEX.format("id")
    return {row[0] for row in conn.execute(sql.SQL(sorting).format(t=_ident(table.name)), rows)}


@cache
def _update_sql(table: SyncedTable, names: tuple[str, ...]) -> sql.Composed:
    settable = [name for name in names if name not in ("id", "version")]
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(_ident(name), sql.Placeholder()) for name in settable
    )
    if table.versioned:
        return sql.SQL(
            "UPDATE {} SET {}, version = %s WHERE id = %s AND version = %s RETURNING id"
        ).format(_ident(table.name), assignments)
    return sql.SQL("UPDATE {} SET {} WHERE id = %s RETURNING id").format(
        _ident(table.name), assignments
    )


def update_rows(
    conn: PgConnection, table: SyncedTable, changes: Sequence[tuple[Wire, int | None]]
) -> list[bool]:
    """Apply updates (payload, base version); False where the row was not at that version
    (versioned tables) or is gone: a conflict."""
    names = _names(table, changes[0][0])
    settable = tuple(name for name in names if name not in ("id", "version"))
    params: list[list[Any]] = []
    for payload, base_version in changes:
        values = to_pg(table, payload, settable)
        if table.versioned:
            # The server sets the next version itself; the client's own number is not trusted.
            assert base_version is not None
            values += [base_version + 1, payload["id"], base_version]
        else:
            values.append(payload["id"])
        params.append(values)
    with conn.cursor() as cur:
        cur.executemany(_update_sql(table, names), params, returning=True)
        return _returned(cur, len(changes))


def delete_rows(
    conn: PgConnection, table: SyncedTable, changes: Sequence[tuple[str, int | None]]
) -> list[bool]:
    """Delete rows (hex id, base version); False where a versioned row has moved on. A
    row already gone counts as deleted: deleting twice is the same as once."""
    version_test = sql.SQL(" AND version = %s") if table.versioned else sql.SQL("")
    query = sql.SQL(
        "WITH gone AS (DELETE FROM {t} WHERE id = %s::uuid{v} RETURNING id) "
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM gone) "
        "OR NOT EXISTS (SELECT 1 FROM {t} WHERE id = %s::uuid)"
    ).format(t=_ident(table.name), v=version_test)
    params = [
        (row_id, base_version, row_id) if table.versioned else (row_id, row_id)
        for row_id, base_version in changes
    ]
    with conn.cursor() as cur:
        cur.executemany(query, params, returning=True)
        return _returned(cur, len(changes))


def current_rows(conn: PgConnection, table: SyncedTable, row_ids: Sequence[str]) -> dict[str, Wire]:
    """The server's rows now (by hex id), in wire form: what a refused change goes back to."""
    rows = conn.execute(
        sql.SQL("SELECT {}, to_json(t) FROM {} AS t WHERE id = ANY(%s::uuid[])").format(
            sql.SQL(_HEX.format("id")), _ident(table.name)
        ),
        (list(row_ids),),
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def _names(table: SyncedTable, payload: Wire) -> tuple[str, ...]:
    # A change captured by an older build may lack a newer column: it is left to its default.
    return tuple(name for name in table.column_names if name in payload)


# --- the feed ------------------------------------------------------------------------


def read_feed(conn: PgConnection, cursor: FeedCursor, limit: int) -> tuple[list[FeedEntry], int]:
    """Up to *limit* feed rows after *cursor*, and the xmin bound they were read below."""
    rows = conn.execute(
        f"WITH bound AS (SELECT {_XMIN} AS xmin) "
        "SELECT l.txid, l.seq, l.table_name, l.row_id, l.op, l.payload, b.xmin "
        "FROM sync_change_log l CROSS JOIN bound b "
        "WHERE (l.txid, l.seq) > (%s, %s) AND l.txid < b.xmin "
        "ORDER BY l.txid, l.seq LIMIT %s",
        (cursor.txid, cursor.seq, limit),
    ).fetchall()
    if rows:
        bound = int(rows[0][6])
    else:
        found = conn.execute(f"SELECT {_XMIN}").fetchone()
        assert found is not None
        bound = int(found[0])
    entries = [FeedEntry(r[0], r[1], r[2], r[3], SyncOp(r[4]), r[5]) for r in rows]
    return entries, bound


def feed_waiting(conn: PgConnection, cursor: FeedCursor, bound: int) -> bool:
    """Whether committed rows after *cursor* wait behind a transaction still running."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM sync_change_log WHERE txid >= %s AND (txid, seq) > (%s, %s))",
        (bound, cursor.txid, cursor.seq),
    ).fetchone()
    return bool(row and row[0])


def snapshot_bound(conn: PgConnection) -> int:
    row = conn.execute(f"SELECT {_XMIN}").fetchone()
    assert row is not None
    return int(row[0])


def snapshot_rows(
    conn: PgConnection, table: SyncedTable, batch: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of *table*, already in SQLite's storage form, in batches."""
    query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT").format(
        sql.SQL(pg_sqlite_select_list(table)), _ident(table.name)
    )
    with conn.cursor() as cur, cur.copy(query) as copy:
        rows: list[tuple[Any, ...]] = []
        for row in one_by_one(copy.rows()):  # a call's pop goes first (agent_desk.foreground)
            rows.append(row)
            if len(rows) >= batch:
                yield rows
                rows = []
        if rows:
            yield rows


def snapshot_ids(conn: PgConnection, table: SyncedTable) -> Iterator[str]:
    """Every id of *table* in SQLite storage form, in uuid (byte) order."""
    query = sql.SQL(
        "COPY (SELECT replace(id::text, '-', '') FROM {} ORDER BY id) TO STDOUT"
    ).format(_ident(table.name))
    with conn.cursor() as cur, cur.copy(query) as copy:
        # A million ids at a full resync: a call's pop goes first (agent_desk.foreground).
        for row in one_by_one(copy.rows()):
            yield str(row[0])


def ids_on_server(conn: PgConnection, table: SyncedTable, storage_ids: Sequence[str]) -> set[str]:
    """Which of these ids (SQLite storage form) the server's *table* holds."""
    query = sql.SQL("SELECT " + _HEX.format("id") + " FROM {} WHERE id = ANY(%s::uuid[])")
    rows = conn.execute(query.format(_ident(table.name)), (list(storage_ids),)).fetchall()
    return {str(row[0]) for row in rows}


def has_rows(conn: PgConnection, table: SyncedTable) -> bool:
    row = conn.execute(
        sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(_ident(table.name))
    ).fetchone()
    return bool(row and row[0])


def copy_rows(
    conn: PgConnection, table: SyncedTable, rows: Iterator[Sequence[Any]], names: tuple[str, ...]
) -> int:
    """COPY rows (PostgreSQL parameter form, *names* order) into *table*; returns the count."""
    count = 0
    with conn.cursor() as cur:
        query = sql.SQL("COPY {} ({}) FROM STDIN").format(_ident(table.name), _columns(names))
        with cur.copy(query) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


# --- retention and status -------------------------------------------------------------


def prune_change_log(conn: PgConnection, older_than: datetime) -> tuple[int, FeedCursor]:
    """Delete feed rows older than *older_than* (naive UTC) and every row ordered before
    them, and move the horizon to the last row deleted. Clients behind it resync."""
    conn.execute("LOCK TABLE sync_server IN EXCLUSIVE MODE")
    row = conn.execute(
        "SELECT txid, seq FROM sync_change_log "
        f"WHERE changed_at < %s AND txid < {_XMIN} ORDER BY txid DESC, seq DESC LIMIT 1",
        (older_than,),
    ).fetchone()
    info = server_info(conn)
    if row is None:
        return 0, info.horizon
    horizon = FeedCursor(int(row[0]), int(row[1]))
    deleted = conn.execute(
        "DELETE FROM sync_change_log WHERE (txid, seq) <= (%s, %s)", (horizon.txid, horizon.seq)
    ).rowcount
    conn.execute(
        "UPDATE sync_server SET horizon_txid = %s, horizon_seq = %s WHERE id = 1",
        (horizon.txid, horizon.seq),
    )
    return deleted, horizon


def feed_stats(conn: PgConnection) -> FeedStats:
    row = conn.execute(
        "SELECT count(*), min(changed_at), max(changed_at) FROM sync_change_log"
    ).fetchone()
    applied = conn.execute("SELECT count(*) FROM sync_applied_mutations").fetchone()
    assert row is not None and applied is not None
    return FeedStats(int(row[0]), row[1], row[2], int(applied[0]))


def clients_seen(conn: PgConnection) -> list[ClientSeen]:
    rows = conn.execute(
        "SELECT client_id, name, first_seen, last_seen FROM sync_clients ORDER BY last_seen DESC"
    ).fetchall()
    return [ClientSeen(*row) for row in rows]
