"""`agent-desk central init --seed-from-local`: a workstation's data becomes the central data.

For a hospital that ran one workstation on its own before it had a central server, and
for demo data (the demo generator writes with raw SQL, which the outbox never sees). Only
into an empty central database: two workstations' separate histories cannot be merged
row by row (the same department, the same patient, made twice with different ids).

Rows go up with COPY, as SQLite stores them: PostgreSQL reads 32-digit UUIDs, ISO times,
0/1 booleans and JSON text as they are. The central transaction commits before the
local one, which marks the outbox as sent and clears the cursor (the next sync then
reads everything back once and starts following the feed). Should the local commit
fail after the central one, the outbox is simply sent again: facts are ignored as
already there, versioned rows come back as conflicts to dismiss.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import update

from agent_desk.db import sync_central, sync_local
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.models import SyncOutbox, SyncState
from agent_desk.db.sync_tables import synced_tables
from agent_desk.domain.enums import OutboxStatus
from agent_desk.sync.central import CentralConfig, check_schema, connect
from agent_desk.sync.errors import CentralConfigError, explain_central


@dataclass(frozen=True)
class SeedReport:
    rows: dict[str, int]

    def summary(self) -> str:
        total = sum(self.rows.values())
        detail = ", ".join(f"{count:,} {name}" for name, count in self.rows.items() if count)
        return f"uploaded {total:,} rows from this workstation ({detail or 'nothing'})"


def seed_from_local(db: Database, config: CentralConfig) -> SeedReport:
    counts: dict[str, int] = {}
    with connect(config) as conn:
        try:
            check_schema(conn, config.where)
            with ExitStack() as stack:
                # Local first (outer), central second (inner): the server commits first.
                # BEGIN IMMEDIATE keeps local writers out until the outbox is marked.
                session = stack.enter_context(db.write())
                stack.enter_context(conn.transaction())
                # One seeding at a time, and never into a database that has data.
                conn.execute("LOCK TABLE sync_server IN EXCLUSIVE MODE")
                for table in synced_tables().values():
                    if sync_central.has_rows(conn, table):
                        raise CentralConfigError(
                            f"the central database {config.where} already holds data "
                            f"({table.name}): seeding is only for an empty one; point this "
                            "workstation at it with an empty data folder instead"
                        )
                for table in synced_tables().values():
                    names = table.column_names
                    # Ids as 32 hex digits, which COPY reads into PostgreSQL's uuid.
                    columns = sync_local.storage_select_list(table)
                    result = session.connection().exec_driver_sql(
                        f'SELECT {columns} FROM "{table.name}"'
                    )
                    counts[table.name] = sync_central.copy_rows(conn, table, _tuples(result), names)
                session.execute(
                    update(SyncOutbox)
                    .where(SyncOutbox.status == OutboxStatus.PENDING)
                    .values(status=OutboxStatus.SENT, sent_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
                session.execute(
                    update(SyncState)
                    .values(server_id=None, cursor_txid=None, cursor_seq=None)
                    .execution_options(synchronize_session=False)
                )
        except psycopg.Error as exc:
            raise explain_central(exc, config.where) from exc
    return SeedReport(counts)


def _tuples(rows: Any) -> Iterator[Sequence[Any]]:
    for row in rows:
        yield tuple(row)
