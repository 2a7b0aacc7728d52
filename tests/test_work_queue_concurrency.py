"""Eight workstation processes empty one queue at once: every task is claimed exactly once."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from agent_desk.bench.sync_claims import measure_claims
from agent_desk.db import leases
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.models import TaskLease
from tests.pg import ADMIN_URL
from tests.test_work_queue import add_tasks, central_server, emptied, make_pool

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    return emptied(central_engine)


AGENTS = 8
TASKS = 240


def claim_until_empty(dsn: str, holder: str, start: Any, results: Any) -> None:
    """One workstation: its own process and connection, claiming until nothing is left."""
    engine = make_engine(dsn, pool_size=1, max_overflow=0)
    db = Database(engine)
    claimed: list[tuple[str, int]] = []
    start.wait()
    while True:
        with db.write() as session:
            lease = leases.claim_next(session, holder, None, timedelta(minutes=3))
        if lease is None:
            break
        claimed.append((str(lease.task_id), lease.fence))
    engine.dispose()
    results.put(claimed)


def test_eight_agents_never_claim_a_task_twice(central: Database) -> None:
    pool = make_pool(central)
    tasks = set(add_tasks(central, pool.department, [pool.today - timedelta(1)] * TASKS))
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(AGENTS), context.Queue()
    dsn = central.engine.url.render_as_string(hide_password=False)
    agents = [
        context.Process(target=claim_until_empty, args=(dsn, f"ws-{n}", start, results))
        for n in range(AGENTS)
    ]
    for agent in agents:
        agent.start()
    claims = [claim for _ in agents for claim in results.get(timeout=120)]
    for agent in agents:
        agent.join(timeout=30)
    claimed = [uuid.UUID(task_id) for task_id, _ in claims]
    assert len(claimed) == len(set(claimed)) == TASKS  # double_claims = 0
    assert set(claimed) == tasks
    assert len({fence for _, fence in claims}) == TASKS
    with central.read() as session:
        assert session.scalar(select(func.count()).select_from(TaskLease)) == TASKS


# The fixture only skips the test, with the reason, when no server answers.
@pytest.mark.usefixtures("central")
def test_the_claim_benchmark_reports_no_double_claims() -> None:
    figures = measure_claims(ADMIN_URL, agents=4, tasks=120)
    assert figures["double_claims"] == 0 and figures["claims"] == 120
    assert figures["claim_p95_ms"] > 0
