"""A scratch PostgreSQL database for a benchmark that writes on a server.

The benchmarks never write in the database their URL names (the hospital's own, where
claims and bookings would reach every workstation's change feed): they create one beside
it, run the schema's migrations there, and drop it afterwards, even when the run fails.
The role needs CREATEDB.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from agent_desk.db.engine import make_engine
from agent_desk.db.migrate import ensure_schema
from agent_desk.errors import UserError
from agent_desk.sync.errors import first_line

SCRATCH_PREFIX = "agent_desk_bench_"


@contextmanager
def scratch_database(url: str | URL, purpose: str) -> Iterator[URL]:
    """The URL of a new database on *url*'s server, at the schema's head; dropped on exit.

    *purpose* names the benchmark in the error when the role may not create databases."""
    name = f"{SCRATCH_PREFIX}{uuid.uuid4().hex[:12]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except DBAPIError as exc:
        admin.dispose()
        raise UserError(
            f"the {purpose} benchmark needs to create a scratch database on the server: "
            f"{first_line(exc.orig or exc)}"
        ) from exc
    scratch = admin.url.set(database=name)
    try:
        engine = make_engine(scratch)
        try:
            ensure_schema(engine)
        finally:
            engine.dispose()
        yield scratch
    finally:
        with admin.connect() as connection:
            # FORCE: an agent process that died may still hold a session, and a failing
            # DROP would hide the error that killed it.
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
