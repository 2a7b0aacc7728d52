"""The claim on the real server: one round trip, and a connection the server dropped while
it sat in the pool costs a retry, not an Offline.

Round trips are counted in libpq's own protocol trace: each Sync (extended protocol) or
Query (simple protocol) the client sends is one wait for the server.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.pool import Pool as ConnectionPool

from agent_desk.db.engine import Database
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.queue import WorkQueue
from tests.test_work_queue import add_tasks, central_server, emptied, make_pool

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    return emptied(central_engine)


class ProtocolTrace:
    """libpq's trace of every connection the work queue opens, in one file."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        event.listen(ConnectionPool, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: Any, _record: object) -> None:
        if isinstance(dbapi_connection, psycopg.Connection):
            dbapi_connection.pgconn.trace(self.file.fileno())
            dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    def lines(self) -> list[str]:
        self.file.seek(0)
        return self.file.read().decode("utf-8", "replace").splitlines()

    def round_trips_since(self, mark: int) -> list[str]:
        sent = [line.split("\t") for line in self.lines()[mark:] if line.startswith("F\t")]
        return [fields[2].strip() for fields in sent if fields[2].strip() in ("Sync", "Query")]

    def close(self) -> None:
        event.remove(ConnectionPool, "connect", self._on_connect)
        self.file.close()


@pytest.fixture
def trace() -> Iterator[ProtocolTrace]:
    trace = ProtocolTrace()
    yield trace
    trace.close()


def _queue(central: Database, journal: Path) -> WorkQueue:
    """The queue exactly as a workstation makes it from its settings."""
    url = central.engine.url
    config = CentralConfig(url=url.set(drivername="postgresql").render_as_string())
    return WorkQueue.for_central(config, journal, holder="ward-7", staff_id=None)


def test_a_claim_is_one_round_trip(central: Database, trace: ProtocolTrace, tmp_path: Path) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today] * 3)
    queue = _queue(central, tmp_path / "queue.json")
    try:
        assert queue.claim_next() is not None  # connects and sets the session up
        mark = len(trace.lines())
        assert queue.claim_next() is not None
        assert trace.round_trips_since(mark) == ["Sync"]
    finally:
        queue.close()


def test_a_connection_dropped_in_the_pool_is_replaced_without_going_offline(
    central: Database, tmp_path: Path
) -> None:
    pool = make_pool(central)
    tasks = add_tasks(central, pool.department, [pool.today] * 2)
    queue = _queue(central, tmp_path / "queue.json")
    try:
        first = queue.claim_next()
        assert first is not None
        # The server restarts, or a firewall drops the idle connection: the pooled
        # connection is dead, and nothing pings it before the next claim.
        with central.engine.connect() as admin:
            killed = admin.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert killed >= 1
        second = queue.claim_next()
        assert second is not None and {first.task_id, second.task_id} == set(tasks)
    finally:
        queue.close()


def test_statement_units_are_for_servers(tmp_path: Path) -> None:
    from agent_desk.db.open import open_local

    local = open_local(tmp_path / "local.sqlite3")
    try:
        with pytest.raises(ValueError, match="server"), local.statement():
            pass
    finally:
        local.dispose()
