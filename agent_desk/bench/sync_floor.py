"""pull_sqlite_floor_s: what SQLite alone takes to store the rows a first download brings.

The same rows as the pull receives them (read with the pull's own COPY, in its batches),
into a fresh file under the workstation's key, with the workstation table's own schema
and indexes, in one transaction on a connection tuned as the download's is, and
checkpointed as the download is at its end. Only the SQLite calls are timed: no network,
no decoding, no second thread, no commit every 20,000 rows. No download into a SQLite
workstation can beat it; pull_vs_floor (floor ÷ pull) says how close the pull comes.
"""

from __future__ import annotations

import time
from pathlib import Path

from agent_desk.bench.bench_files import bench_file
from agent_desk.db import sync_central
from agent_desk.db.engine import Database
from agent_desk.db.sync_snapshot import SnapshotWriter, insert_sql
from agent_desk.db.sync_tables import SyncedTable
from agent_desk.sync.central import CentralConfig, connect

FLOOR_NAME = "floor"
_BATCH = 20_000  # the download's own batch size (pull.resync)


def table_schema(ws: Database, table: SyncedTable) -> list[str]:
    """The CREATE statements of *table* in the workstation's file: the table first, then
    its indexes and triggers (SQLite's own constraint indexes come with the table)."""
    with ws.read() as session:
        found = session.connection().exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
            "ORDER BY type != 'table', name",
            (table.name,),
        )
        return [str(row[0]) for row in found]


def sqlite_floor_s(
    config: CentralConfig, folder: Path, table: SyncedTable, schema: list[str]
) -> float:
    """Seconds SQLite spends storing every server row of *table* (see the module)."""
    path = folder / f"{FLOOR_NAME}.sqlite3"
    discard(folder)
    conn = bench_file(path).connect(create=True)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        for name, value in SnapshotWriter.PRAGMAS.items():
            conn.execute(f"PRAGMA {name}={value}")
        conn.execute("PRAGMA synchronous=OFF")  # a floor: not even the commit's flush
        for statement in schema:
            conn.execute(statement)
        spent = 0.0
        with connect(config) as server, server.transaction():
            conn.execute("BEGIN")
            for rows in sync_central.snapshot_rows(server, table, _BATCH):
                started = time.perf_counter()
                conn.executemany(insert_sql(table), rows)
                spent += time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return spent + time.perf_counter() - started
    finally:
        conn.close()
        discard(folder)


def discard(folder: Path) -> None:
    for leftover in folder.glob(f"{FLOOR_NAME}.sqlite3*"):
        leftover.unlink()
