"""A scratch PostgreSQL database for a benchmark that writes on a server, and the agent
processes that run in it at once.

The benchmarks never write in the database their URL names (the hospital's own, where
claims and bookings would reach every workstation's change feed): they create one beside
it, run the schema's migrations there, and drop it afterwards, even when the run fails.
The role needs CREATEDB.
"""

from __future__ import annotations

import multiprocessing
import queue
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

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


def run_agents(target: Callable[..., None], arguments: Sequence[tuple[Any, ...]]) -> list[Any]:
    """One process per tuple of *arguments*, each running target(*args, start, results):
    they wait at *start* (a barrier) so that they begin together, and each puts one report
    in *results*. Returns the reports, in the order they came.

    Spawned, as on Windows: each agent is a fresh interpreter, like a workstation. An agent
    that dies without reporting stops the run (its traceback is on stderr) rather than
    leaving it waiting forever."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(arguments))
    results: multiprocessing.Queue[Any] = context.Queue()
    workers = [context.Process(target=target, args=(*args, start, results)) for args in arguments]
    for worker in workers:
        worker.start()
    reports: list[Any] = []
    while len(reports) < len(workers):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            if any(worker.exitcode not in (None, 0) for worker in workers):
                for worker in workers:
                    worker.kill()
                raise RuntimeError("a benchmark agent failed; see its traceback above") from None
    for worker in workers:
        worker.join()
    return reports
