"""The SQL the sync benchmark needs on the server: its own databases, and many patients.

The benchmark never touches the database named in its URL: it creates databases of its
own beside it (the user needs CREATEDB) and drops them afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from psycopg import sql

from agent_desk.db.sync_central import PgConnection
from agent_desk.db.sync_tables import SyncedTable

BENCH_PREFIX = "agent_desk_bench_sync_"


def create_database(conn: PgConnection) -> str:
    name = f"{BENCH_PREFIX}{uuid.uuid4().hex[:10]}"
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_database(conn: PgConnection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def generate_patients(conn: PgConnection, count: int) -> None:
    """*count* patients made on the server itself (generate_series), with time-ordered ids
    like UUIDv7 and the feed's triggers off: an initial download reads the tables, not the
    feed, and the benchmark measures the download, not this."""
    with conn.transaction():
        conn.execute("ALTER TABLE patients DISABLE TRIGGER USER")
        conn.execute(
            """
            INSERT INTO patients (id, record_no, name, sex, birth_date, id_number, occupation,
                address, insurance_no, allergies, family_history, cardiac_history,
                chronic_conditions, tags, consent_call, consent_sms, consent_recording,
                version, created_at, updated_at)
            SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
                   'B' || lpad(i::text, 9, '0'),
                   (ARRAY['王','李','张','刘','陈','杨','黄','赵'])[1 + i %% 8]
                       || (ARRAY['秀英','建国','桂兰','伟','芳','军','敏','静'])[1 + (i / 8) %% 8],
                   (ARRAY['M','F'])[1 + i %% 2],
                   date '1940-01-01' + (i %% 25000),
                   '110101' || lpad((i %% 100000000)::text, 12, '0'),
                   NULL,
                   '北京市海淀区学院路' || (i %% 500) || '号',
                   NULL,
                   CASE WHEN i %% 10 = 0 THEN '青霉素过敏' END,
                   NULL, NULL, NULL,
                   '[]', true, true, true,
                   1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
            FROM generate_series(1, %s) AS i
            """,
            (count,),
        )
        conn.execute("ALTER TABLE patients ENABLE TRIGGER USER")
    conn.execute("ANALYZE patients")


def copy_into(
    conn: PgConnection, table: SyncedTable, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """The baseline: a raw COPY of rows into the table itself (its triggers fire, as they
    do for an upload), in one transaction."""
    with conn.transaction(), conn.cursor() as cur:
        query = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
        )
        with cur.copy(query) as copy:
            for row in rows:
                copy.write_row(row)
