"""Claim latency of the shared work queue with concurrent agents (`agent-desk bench sync`).

Run in a scratch database on the server given, never in the hospital's own: the claims
and completions would otherwise reach every workstation's change feed.
"""

from __future__ import annotations

import multiprocessing
import time
import uuid
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL

from agent_desk.bench.scratch import run_agents, scratch_database
from agent_desk.bench.stats import percentile, rounded
from agent_desk.db import leases
from agent_desk.db.base import new_id, utcnow
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.models import Department, FollowupTask, Patient
from agent_desk.domain.enums import AttemptOutcome
from agent_desk.plans.retry import RetryPolicy
from agent_desk.sync.queue import DEFAULT_TTL

BENCH_TASKS = 2000


def measure_claims(url: str | URL, agents: int = 8, tasks: int = BENCH_TASKS) -> dict[str, float]:
    """Claim latency with *agents* workstation processes emptying a queue of *tasks*.

    Each agent, with its own process and connection, claims the next task, completes it
    (as an agent hangs up) and claims again until the queue is empty; only the claims are
    timed. Returns claim_p95_ms and double_claims (tasks claimed twice: must be 0), with
    claim_p50_ms and claims. Needs a role that may CREATE DATABASE.
    """
    with scratch_database(url, "claim") as scratch:
        department = _bench_seed(scratch, tasks)
        samples, claimed = _bench_run(scratch, agents, department)
    distinct = set(claimed)
    if len(distinct) != tasks:
        raise RuntimeError(f"{tasks - len(distinct)} of {tasks} tasks were never claimed")
    return {
        "claim_p95_ms": rounded(percentile(samples, 95)),
        "claim_p50_ms": rounded(percentile(samples, 50)),
        "claims": len(claimed),
        "double_claims": len(claimed) - len(distinct),
    }


def _bench_seed(url: URL, tasks: int) -> uuid.UUID:
    engine = make_engine(url)
    try:
        with Database(engine).write() as session:
            department = Department(code="BENCH", name="基准测试科")
            session.add(department)
            session.flush()
            # Due yesterday by the server's clock, so that every task is claimable now.
            due = session.scalar(select(func.date(func.timezone("UTC", func.now())) - 1))
            patients = [
                {"id": new_id(), "record_no": f"B{n:09d}", "name": "患者"} for n in range(tasks)
            ]
            session.execute(insert(Patient), patients)
            session.execute(
                insert(FollowupTask),
                [
                    {
                        "id": new_id(),
                        "patient_id": patient["id"],
                        "plan_code": "discharge_7d",
                        "due_date": due,
                        "window_start": due,
                        "window_end": due,
                        "priority": 1 + n % 3,
                        "department_id": department.id,
                    }
                    for n, patient in enumerate(patients)
                ],
            )
        with engine.connect() as connection:
            # A live central server has its statistics; a fresh table has none yet.
            connection.exec_driver_sql("ANALYZE")
        return department.id
    finally:
        engine.dispose()


def _bench_run(url: URL, agents: int, department: uuid.UUID) -> tuple[list[float], list[uuid.UUID]]:
    dsn = url.render_as_string(hide_password=False)
    reports = run_agents(_bench_agent, [(dsn, f"bench-{n}", department) for n in range(agents)])
    samples = [t for timings, _ in reports for t in timings]
    return samples, [uuid.UUID(task_id) for _, task_ids in reports for task_id in task_ids]


def _bench_agent(
    dsn: str,
    holder: str,
    department: uuid.UUID,
    start: Any,
    results: multiprocessing.Queue[tuple[list[float], list[str]]],
) -> None:
    # As WorkQueue.for_central makes it: no ping before each claim.
    engine = make_engine(dsn, pool_size=1, max_overflow=0, pool_pre_ping=False)
    db = Database(engine)
    policy = RetryPolicy()
    client = uuid.uuid4()
    timings: list[float] = []
    claimed: list[str] = []
    with db.statement() as session:  # connect and compile once, as a running workstation has
        leases.claim_next(session, holder, None, DEFAULT_TTL, new_id())
    start.wait()
    while True:
        began = time.perf_counter()
        with db.statement() as session:  # the workstation's claim: one round trip
            lease = leases.claim_next(session, holder, None, DEFAULT_TTL, department)
        timings.append((time.perf_counter() - began) * 1000)
        if lease is None:
            break
        claimed.append(str(lease.task_id))
        with db.write() as session:
            leases.complete_with_fence(
                session,
                lease.task_id,
                lease.fence,
                completion_id=new_id(),
                client_id=client,
                outcome=AttemptOutcome.REACHED,
                at=utcnow(),
                policy=policy,
            )
    engine.dispose()
    results.put((timings, claimed))
