"""Leases on the real central PostgreSQL: claims, fencing, SKIP LOCKED, completion."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from agent_desk.db import leases
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.followup import TaskNotOpen
from agent_desk.db.leases import (
    CompletionOutcome,
    FenceRule,
    LeaseLost,
    LeaseProblem,
    TaskUnavailable,
    Unavailable,
)
from agent_desk.db.migrate import ensure_schema
from agent_desk.db.models import Department, FollowupAttempt, FollowupTask, Patient, TaskLease
from agent_desk.domain.enums import AttemptOutcome, TaskStatus
from agent_desk.plans.retry import RetryPolicy
from tests.pg import scratch_database

pytestmark = pytest.mark.postgres

TTL = timedelta(minutes=3)
POLICY = RetryPolicy()
CLIENT = uuid.uuid4()


@contextmanager
def central_server() -> Iterator[Engine]:
    """A scratch central database at the newest schema, for one test module."""
    with scratch_database() as url:
        engine = make_engine(url)
        ensure_schema(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def emptied(engine: Engine) -> Database:
    with engine.begin() as connection:
        # Every test starts from an empty queue; CASCADE reaches leases and attempts.
        connection.execute(text("TRUNCATE departments, patients CASCADE"))
    return Database(engine)


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    return emptied(central_engine)


@dataclass
class Pool:
    department: uuid.UUID
    other_department: uuid.UUID
    today: date  # the hospital's day by the server's clock


def server_today(db: Database) -> date:
    with db.read() as session:
        day = session.scalar(text("SELECT date(timezone(interval '8 hours', now()))"))
    assert isinstance(day, date)
    return day


def make_pool(db: Database) -> Pool:
    with db.write() as session:
        one, two = Department(code="CARD", name="心血管内科"), Department(code="ORTH", name="骨科")
        session.add_all([one, two])
        session.flush()
        return Pool(one.id, two.id, server_today(db))


def add_tasks(
    db: Database,
    department: uuid.UUID,
    dues: list[date],
    status: TaskStatus = TaskStatus.PENDING,
    priority: int = 3,
) -> list[uuid.UUID]:
    with db.write() as session:
        tasks = []
        for due in dues:
            patient = Patient(record_no=uuid.uuid4().hex[:16], name="患者")
            session.add(patient)
            session.flush()
            task = FollowupTask(
                patient_id=patient.id,
                plan_code="discharge_7d",
                due_date=due,
                window_start=due - timedelta(days=2),
                window_end=due + timedelta(days=7),
                priority=priority,
                department_id=department,
                status=status,
            )
            session.add(task)
            tasks.append(task)
        session.flush()
        return [task.id for task in tasks]


def expire(db: Database, task_id: uuid.UUID) -> None:
    """Lapse a lease by the server's own clock, as if its ttl had run out."""
    with db.write() as session:
        session.execute(
            text(
                "UPDATE task_leases SET expires_at = timezone('UTC', now()) - interval '1 second'"
                " WHERE task_id = :task"
            ),
            {"task": task_id},
        )


def claim(db: Database, holder: str, department: uuid.UUID | None) -> leases.Lease | None:
    with db.write() as session:
        return leases.claim_next(session, holder, None, TTL, department)


def complete(
    db: Database,
    lease: leases.Lease,
    outcome: AttemptOutcome = AttemptOutcome.REACHED,
    rule: FenceRule = FenceRule.LIVE,
) -> leases.Completion:
    # One completion per lease: sending it again is a resend, with the same id.
    completion_id = uuid.uuid5(lease.task_id, str(lease.fence))
    with db.write() as session:
        return leases.complete_with_fence(
            session,
            lease.task_id,
            lease.fence,
            completion_id=completion_id,
            client_id=CLIENT,
            outcome=outcome,
            at=lease.claimed_at,
            policy=POLICY,
            rule=rule,
        )


def test_claims_follow_worklist_order_and_skip_live_leases(central: Database) -> None:
    pool = make_pool(central)
    today = pool.today
    later, urgent, earliest = add_tasks(
        central, pool.department, [today, today, today - timedelta(1)]
    )
    with central.write() as session:
        session.get_one(FollowupTask, urgent).priority = 1
    got = [claim(central, f"ws{n}", pool.department) for n in range(4)]
    assert [lease.task_id for lease in got if lease] == [earliest, urgent, later]
    assert got[3] is None


def test_a_lease_is_timed_by_the_server_and_fences_grow(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today, pool.today])
    first, second = claim(central, "a", None), claim(central, "b", None)
    assert first and second
    assert first.remaining == TTL and first.claimed_at == first.server_now
    assert second.fence > first.fence


def test_a_department_claim_returns_only_that_departments_tasks(central: Database) -> None:
    pool = make_pool(central)
    [theirs] = add_tasks(central, pool.other_department, [pool.today - timedelta(3)])
    [ours] = add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "ward", pool.department)
    assert lease and lease.task_id == ours
    assert claim(central, "ward", pool.department) is None
    assert (lease := claim(central, "centre", None)) and lease.task_id == theirs


def test_closed_and_future_tasks_are_never_claimed(central: Database) -> None:
    pool = make_pool(central)
    day = pool.today - timedelta(1)
    add_tasks(central, pool.department, [day], TaskStatus.DONE)
    add_tasks(central, pool.department, [day], TaskStatus.CANCELLED)
    add_tasks(central, pool.department, [day], TaskStatus.LOST)
    add_tasks(central, pool.department, [pool.today + timedelta(2)])
    assert claim(central, "ws", None) is None


def test_a_claimed_done_task_is_refused(central: Database) -> None:
    pool = make_pool(central)
    [done] = add_tasks(central, pool.department, [pool.today], TaskStatus.DONE)
    with pytest.raises(TaskUnavailable) as caught, central.write() as session:
        leases.claim_task(session, done, "ws", None, TTL)
    assert caught.value.reason is Unavailable.NOT_OPEN


def test_skip_locked_claim_does_not_wait_for_a_locked_task(central: Database) -> None:
    pool = make_pool(central)
    first, second = add_tasks(central, pool.department, [pool.today - timedelta(1), pool.today])
    with central.engine.connect() as other:
        other.execute(select(FollowupTask.id).where(FollowupTask.id == first).with_for_update())
        # Had the claim waited for the lock, this would stop the test, not slow it.
        with central.write() as session:
            session.execute(text("SET LOCAL lock_timeout = '200ms'"))
            lease = leases.claim_next(session, "ws", None, TTL, pool.department)
        other.rollback()
    assert lease and lease.task_id == second


def test_a_specific_claim_names_who_holds_the_task(central: Database) -> None:
    pool = make_pool(central)
    [task] = add_tasks(central, pool.department, [pool.today + timedelta(5)])
    with central.write() as session:
        mine = leases.claim_task(session, task, "nurse-station-3", None, TTL)
    with pytest.raises(TaskUnavailable) as caught, central.write() as session:
        leases.claim_task(session, task, "service-centre-1", None, TTL)
    assert (caught.value.reason, caught.value.holder) == (Unavailable.LEASED, "nurse-station-3")
    with central.write() as session:
        again = leases.claim_task(session, task, "nurse-station-3", None, TTL)
    assert again.fence == mine.fence  # the holder's own click keeps its lease


def test_an_expired_lease_is_taken_over_and_the_old_fence_is_refused(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    old = claim(central, "a", None)
    assert old is not None
    expire(central, old.task_id)
    new = claim(central, "b", None)
    assert new and new.task_id == old.task_id and new.fence > old.fence
    with pytest.raises(LeaseLost) as renewal, central.write() as session:
        leases.renew(session, old.task_id, "a", old.fence, TTL)
    with pytest.raises(LeaseLost) as completion:
        complete(central, old)
    assert renewal.value.problem is completion.value.problem is LeaseProblem.TAKEN_OVER
    with central.read() as session:
        assert session.scalar(select(func.count()).select_from(FollowupAttempt)) == 0
        assert session.get_one(TaskLease, old.task_id).fence == new.fence


def test_an_expired_lease_is_neither_renewed_nor_completed_live(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    expire(central, lease.task_id)
    with pytest.raises(LeaseLost) as renewal, central.write() as session:
        leases.renew(session, lease.task_id, "a", lease.fence, TTL)
    with pytest.raises(LeaseLost) as checked, central.read() as session:
        leases.ensure_live(session, lease.task_id, lease.fence)
    with pytest.raises(LeaseLost) as completion:
        complete(central, lease)
    assert {renewal.value.problem, checked.value.problem, completion.value.problem} == {
        LeaseProblem.EXPIRED
    }
    # Nobody claimed it since: a completion queued offline under this fence still counts.
    assert (
        complete(central, lease, rule=FenceRule.UNCHALLENGED).outcome is CompletionOutcome.APPLIED
    )


def test_renewal_extends_by_the_server_clock(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    with central.write() as session:
        renewed = leases.renew(session, lease.task_id, "a", lease.fence, timedelta(minutes=10))
    assert renewed.fence == lease.fence and renewed.remaining == timedelta(minutes=10)
    assert renewed.expires_at > lease.expires_at


def test_completion_closes_the_task_and_drops_the_lease(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    done = complete(central, lease)
    assert done.attempt and done.attempt.status is TaskStatus.DONE
    with central.read() as session:
        assert session.get(TaskLease, lease.task_id) is None
    assert claim(central, "b", None) is None


def test_a_resent_completion_is_recognised_not_applied_twice(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    complete(central, lease)
    assert complete(central, lease).outcome is CompletionOutcome.ALREADY_APPLIED
    with central.read() as session:
        assert session.scalar(select(func.count()).select_from(FollowupAttempt)) == 1


def test_an_unanswered_call_reschedules_and_frees_the_task(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    done = complete(central, lease, outcome=AttemptOutcome.NO_ANSWER)
    assert done.attempt and done.attempt.status is TaskStatus.PENDING
    assert done.attempt.due_date > pool.today
    assert claim(central, "b", None) is None  # not due again until the retry's day


def test_completion_of_a_task_closed_meanwhile_writes_nothing(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    with central.write() as session:
        session.get_one(FollowupTask, lease.task_id).status = TaskStatus.CANCELLED
    with pytest.raises(TaskNotOpen):
        complete(central, lease)
    with central.read() as session:
        assert session.get_one(TaskLease, lease.task_id).fence == lease.fence


def test_release_needs_the_current_fence(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today])
    lease = claim(central, "a", None)
    assert lease is not None
    with central.write() as session:
        assert not leases.release(session, lease.task_id, "a", lease.fence + 1000)
        assert leases.release(session, lease.task_id, "a", lease.fence)
    assert (again := claim(central, "b", None)) and again.task_id == lease.task_id


def test_held_by_lists_a_workstations_live_leases(central: Database) -> None:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today] * 3)
    mine = [claim(central, "a", None), claim(central, "a", None)]
    claim(central, "b", None)
    assert mine[0] is not None
    expire(central, mine[0].task_id)
    with central.read() as session:
        held = leases.held_by(session, "a")
    assert [lease.task_id for lease in held] == [mine[1].task_id if mine[1] else None]
