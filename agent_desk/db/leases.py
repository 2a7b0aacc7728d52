"""The SQL of the shared work queue: leases on follow-up tasks, on the central PostgreSQL.

Two nurses must never call the same patient for the same task, so a task is called
only under a lease taken on the central server:

- A claim picks a pending task with no live lease using ``FOR UPDATE SKIP LOCKED``, so
  agents claiming at the same moment neither wait for each other nor get the same task.
- Every claim draws a new fence from the ``task_lease_fence`` sequence. Renewal,
  release and completion name their fence, so a workstation whose lease lapsed and was
  taken over is refused, however late its message arrives.
- Only the server's clock judges a lease: every time below is ``now()`` on the server,
  and no client time is ever sent. Stored times are naive UTC, as UTCDateTime expects.

Locks are always taken task row first, lease row second (claims, completion), so that a
claim and a completion of the same task can never deadlock.

Every function runs in the caller's unit of work (``Database.write()`` on the central
database); the caller commits. PostgreSQL only: SQLite has no SKIP LOCKED, and a
workstation never leases from its local database.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Interval,
    Select,
    String,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from agent_desk.db.base import Id, UTCDateTime
from agent_desk.db.followup import AttemptResult, record_attempt
from agent_desk.db.models import FollowupTask, SyncAppliedMutation, TaskLease
from agent_desk.domain.enums import AttemptOutcome, Channel, MutationOutcome, TaskStatus
from agent_desk.errors import UserError
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.plans.retry import RetryPolicy

FENCE_SEQUENCE = "task_lease_fence"
# A claim that loses a race (its snapshot predates a rival's commit) tries again with a
# fresh snapshot; each retry means another agent just got a task, so few are ever needed.
_CLAIM_RETRIES = 8


class LeaseProblem(StrEnum):
    """Why a lease cannot be renewed, completed or used to start a call."""

    NO_LEASE = "no_lease"  # released, completed, or never claimed
    TAKEN_OVER = "taken_over"  # it lapsed and another agent claimed it (a newer fence)
    EXPIRED = "expired"  # lapsed by the server clock; nobody has claimed it since


class Unavailable(StrEnum):
    """Why a specific task cannot be claimed."""

    NOT_FOUND = "not_found"
    NOT_OPEN = "not_open"  # done, lost or cancelled
    LEASED = "leased"  # another workstation holds a live lease
    BUSY = "busy"  # another transaction is claiming or completing it this instant


class FenceRule(StrEnum):
    """What a completion demands of its lease."""

    # The lease is live by the server clock and carries this fence: a completion sent
    # while the workstation is online, as it hangs up.
    LIVE = "live"
    # This fence is still the task's lease, even if it lapsed: nobody has claimed the
    # task since. For a completion recorded offline under a lease that was live when
    # the call started, and sent once the server answers again.
    UNCHALLENGED = "unchallenged"


class CompletionOutcome(StrEnum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"  # a resend of a completion the server has


class LeaseLost(UserError):
    """The fence no longer holds the task; nothing was written."""

    def __init__(self, task_id: uuid.UUID, fence: int, problem: LeaseProblem) -> None:
        self.task_id, self.fence, self.problem = task_id, fence, problem
        why = {
            LeaseProblem.NO_LEASE: "there is no lease on it any more",
            LeaseProblem.TAKEN_OVER: "the lease lapsed and another agent has claimed it",
            LeaseProblem.EXPIRED: "the lease has expired by the server's clock",
        }[problem]
        super().__init__(f"task {task_id}: fence {fence} is stale: {why}")


class TaskUnavailable(UserError):
    """A specific task cannot be claimed now; *holder* names who has it when LEASED."""

    def __init__(
        self,
        task_id: uuid.UUID,
        reason: Unavailable,
        holder: str | None = None,
        staff_id: uuid.UUID | None = None,
    ) -> None:
        self.task_id, self.reason, self.holder, self.staff_id = task_id, reason, holder, staff_id
        why = {
            Unavailable.NOT_FOUND: "no such task",
            Unavailable.NOT_OPEN: "it is no longer open",
            Unavailable.LEASED: f"workstation {holder} is working on it",
            Unavailable.BUSY: "another agent is claiming it right now",
        }[reason]
        super().__init__(f"task {task_id} cannot be claimed: {why}")


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease as the server granted it; times are the server's, in aware UTC."""

    task_id: uuid.UUID
    holder: str
    staff_id: uuid.UUID | None
    fence: int
    claimed_at: datetime
    expires_at: datetime
    server_now: datetime  # the server's clock when it answered

    @property
    def remaining(self) -> timedelta:
        """How long the lease had left when the server answered: a duration, not a time,
        so that a workstation can count it down on its own monotonic clock."""
        return self.expires_at - self.server_now


@dataclass(frozen=True, slots=True)
class Completion:
    task_id: uuid.UUID
    fence: int
    outcome: CompletionOutcome
    attempt: AttemptResult | None  # None when the server already had it


def _server_now() -> ColumnElement[datetime]:
    # now() is the transaction's start on the server; the columns hold naive UTC.
    return type_coerce(func.timezone("UTC", func.now()), UTCDateTime())


def _server_expiry(ttl: timedelta | ColumnElement[timedelta]) -> ColumnElement[Any]:
    if isinstance(ttl, timedelta):
        ttl = literal(ttl, Interval())
    return func.timezone("UTC", func.now() + ttl)


def _hospital_today() -> ColumnElement[Any]:
    offset = HOSPITAL_TZ.utcoffset(None)
    return func.date(func.timezone(literal(offset, Interval()), func.now()))


def _lease_columns() -> tuple[Any, ...]:
    return (
        TaskLease.task_id,
        TaskLease.holder,
        TaskLease.staff_id,
        TaskLease.fence,
        TaskLease.claimed_at,
        TaskLease.expires_at,
    )


def _lease(row: Sequence[Any]) -> Lease:
    task_id, holder, staff_id, fence, claimed_at, expires_at, now = row
    return Lease(task_id, holder, staff_id, fence, claimed_at, expires_at, now)


def _validated(ttl: timedelta) -> timedelta:
    if ttl <= timedelta(0):
        raise ValueError("a lease needs a positive time to live")
    return ttl


def claim_next(
    session: Session,
    holder: str,
    staff_id: uuid.UUID | None,
    ttl: timedelta,
    department_id: uuid.UUID | None = None,
) -> Lease | None:
    """Lease the first task due now, in worklist order, that nobody holds; None when none is.

    "Due now" is the server's judgement: due on or before today in the hospital, and past
    the retry policy's callback_after. A department narrows the search to its tasks.
    """
    _validated(ttl)
    statement = _claim_next_statement(by_department=department_id is not None)
    params = {"holder": holder, "staff_id": staff_id, "ttl": ttl, "department_id": department_id}
    for _ in range(_CLAIM_RETRIES):
        row = session.execute(statement, params).one_or_none()
        if row is None:
            return None
        if row.fence is not None:
            return _lease(row[1:])
        # Lost a race: the candidate's lease was committed after this statement's
        # snapshot was taken. A new statement sees it and moves on to the next task.
    raise RuntimeError(f"no lease after {_CLAIM_RETRIES} tries; the queue is in heavy contention")


@cache
def _claim_next_statement(by_department: bool) -> Select[Any]:
    # Built once with bind parameters: the hot path of the queue, where building the
    # statement anew would cost more than the server takes to run it.
    task, now = FollowupTask, _server_now()
    live_lease = exists().where(TaskLease.task_id == task.id, TaskLease.expires_at >= now)
    conditions = [
        task.status == TaskStatus.PENDING,
        task.due_date <= _hospital_today(),
        or_(task.callback_after.is_(None), task.callback_after <= now),
        ~live_lease,
    ]
    if by_department:
        conditions.append(task.department_id == bindparam("department_id", type_=Id()))
    candidate = (
        select(task.id)
        .where(*conditions)
        .order_by(task.due_date, task.priority, task.id)
        .limit(1)
        .with_for_update(of=task, skip_locked=True)
        .cte("candidate")
    )
    granted = _upsert_lease(
        select(
            candidate.c.id,
            bindparam("holder", type_=String()),
            bindparam("staff_id", type_=Id()),
            func.nextval(FENCE_SEQUENCE),
            now,
            _server_expiry(bindparam("ttl", type_=Interval())),
        )
    ).cte("granted")
    # One round trip answers both questions: was there a candidate, and did we get it?
    return select(candidate.c.id, *granted.c, now).select_from(candidate.outerjoin(granted, true()))


def _upsert_lease(rows: Select[Any], *also_return: ColumnElement[Any]) -> Any:
    insert = pg_insert(TaskLease).from_select(
        ["task_id", "holder", "staff_id", "fence", "claimed_at", "expires_at"], rows
    )
    return insert.on_conflict_do_update(
        index_elements=[TaskLease.task_id],
        set_={
            "holder": insert.excluded.holder,
            "staff_id": insert.excluded.staff_id,
            "fence": insert.excluded.fence,
            "claimed_at": insert.excluded.claimed_at,
            "expires_at": insert.excluded.expires_at,
        },
        # ON CONFLICT sees the newest committed lease, not this statement's snapshot, so
        # a lease granted a moment ago is never overwritten: this is the race's referee.
        where=TaskLease.expires_at < _server_now(),
    ).returning(*_lease_columns(), *also_return)


def claim_task(
    session: Session, task_id: uuid.UUID, holder: str, staff_id: uuid.UUID | None, ttl: timedelta
) -> Lease:
    """Lease one named task: the agent clicked it, or an inbound call popped it.

    Any open task may be claimed this way, due or not. A live lease of this same holder
    is renewed and returned with its fence; anyone else's is refused (TaskUnavailable).
    """
    _validated(ttl)
    task, now = FollowupTask, _server_now()
    status = session.scalar(
        select(task.status).where(task.id == task_id).with_for_update(skip_locked=True)
    )
    if status is None:
        found = session.scalar(select(exists().where(task.id == task_id)))
        raise TaskUnavailable(task_id, Unavailable.BUSY if found else Unavailable.NOT_FOUND)
    if status is not TaskStatus.PENDING:
        raise TaskUnavailable(task_id, Unavailable.NOT_OPEN)
    current = session.execute(
        select(TaskLease.holder, TaskLease.staff_id, TaskLease.fence, TaskLease.expires_at >= now)
        .where(TaskLease.task_id == task_id)
        .with_for_update()
    ).one_or_none()
    if current is not None and current[3]:
        if current.holder != holder:
            raise TaskUnavailable(task_id, Unavailable.LEASED, current.holder, current.staff_id)
        return renew(session, task_id, holder, current.fence, ttl)
    # Both rows are locked and the old lease (if any) has lapsed, so this cannot miss.
    row = session.execute(
        _upsert_lease(_new_lease_rows(task_id, holder, staff_id, ttl), _server_now())
    ).one()
    return _lease(row)


def _new_lease_rows(
    task_id: uuid.UUID, holder: str, staff_id: uuid.UUID | None, ttl: timedelta
) -> Select[Any]:
    return select(
        literal(task_id, TaskLease.task_id.type),
        literal(holder),
        literal(staff_id, TaskLease.staff_id.type),
        func.nextval(FENCE_SEQUENCE),
        _server_now(),
        _server_expiry(ttl),
    )


def renew(session: Session, task_id: uuid.UUID, holder: str, fence: int, ttl: timedelta) -> Lease:
    """Extend a live lease to now + ttl (server time); LeaseLost when it is not ours to extend."""
    renewed = renew_all(session, holder, [(task_id, fence)], ttl)
    if not renewed:
        raise LeaseLost(task_id, fence, _problem(session, task_id, fence))
    return renewed[0]


def renew_all(
    session: Session, holder: str, held: list[tuple[uuid.UUID, int]], ttl: timedelta
) -> list[Lease]:
    """The heartbeat: extend every (task, fence) still ours and live, in one statement.

    Leases missing from the answer are lost: lapsed, taken over, or gone.
    """
    _validated(ttl)
    if not held:
        return []
    now = _server_now()
    statement = (
        update(TaskLease)
        .where(
            TaskLease.holder == holder,
            tuple_(TaskLease.task_id, TaskLease.fence).in_(held),
            TaskLease.expires_at >= now,
        )
        .values(expires_at=_server_expiry(ttl))
        .returning(*_lease_columns(), now)
    )
    return [_lease(row) for row in session.execute(statement)]


def ensure_live(session: Session, task_id: uuid.UUID, fence: int) -> Lease:
    """The lease with this fence, if it is live by the server clock; LeaseLost otherwise.

    Asked before a call is dialled: a workstation whose lease lapsed must not start it.
    """
    now = _server_now()
    row = session.execute(
        select(*_lease_columns(), now).where(
            TaskLease.task_id == task_id, TaskLease.fence == fence, TaskLease.expires_at >= now
        )
    ).one_or_none()
    if row is None:
        raise LeaseLost(task_id, fence, _problem(session, task_id, fence))
    return _lease(row)


def release(session: Session, task_id: uuid.UUID, holder: str, fence: int) -> bool:
    """Give the task back: delete the lease if this fence still holds it (lapsed or not)."""
    deleted = session.execute(
        delete(TaskLease)
        .where(TaskLease.task_id == task_id, TaskLease.holder == holder, TaskLease.fence == fence)
        .returning(TaskLease.task_id)
    ).first()
    return deleted is not None


def held_by(session: Session, holder: str) -> list[Lease]:
    """The live leases of one workstation, for picking up where it left off after a restart."""
    now = _server_now()
    rows = session.execute(
        select(*_lease_columns(), now)
        .where(TaskLease.holder == holder, TaskLease.expires_at >= now)
        .order_by(TaskLease.claimed_at)
    )
    return [_lease(row) for row in rows]


def complete_with_fence(
    session: Session,
    task_id: uuid.UUID,
    fence: int,
    *,
    completion_id: uuid.UUID,
    client_id: uuid.UUID,
    outcome: AttemptOutcome,
    at: datetime,
    policy: RetryPolicy,
    channel: Channel = Channel.PHONE,
    staff_id: uuid.UUID | None = None,
    note: str | None = None,
    number: str | None = None,
    call_id: uuid.UUID | None = None,
    attempt_id: uuid.UUID | None = None,
    rule: FenceRule = FenceRule.LIVE,
) -> Completion:
    """Record the attempt that ends this agent's turn on the task, and drop the lease.

    The attempt goes through record_attempt, so the retry policy moves the task on
    (reached: done; no answer: rescheduled) exactly as on a workstation; *attempt_id* is
    the workstation's own attempt, which may have arrived already as a synced fact. The
    fence is checked first, under the task's and the lease's row locks; a stale fence
    raises LeaseLost and the caller's rollback leaves nothing written. *completion_id*
    goes into sync_applied_mutations with the completion, in the same transaction: a
    resend after a crash is recognised by it and reported as ALREADY_APPLIED.
    """
    task = FollowupTask
    # Task row first, then the lease: the order every claim takes its locks in.
    session.execute(select(task.id).where(task.id == task_id).with_for_update())
    now = _server_now()
    lease = session.execute(
        select(TaskLease.fence, TaskLease.expires_at >= now)
        .where(TaskLease.task_id == task_id)
        .with_for_update()
    ).one_or_none()
    if lease is None or lease.fence != fence:
        if session.get(SyncAppliedMutation, completion_id) is not None:
            return Completion(task_id, fence, CompletionOutcome.ALREADY_APPLIED, None)
        problem = LeaseProblem.NO_LEASE if lease is None else LeaseProblem.TAKEN_OVER
        raise LeaseLost(task_id, fence, problem)
    if rule is FenceRule.LIVE and not lease[1]:
        raise LeaseLost(task_id, fence, LeaseProblem.EXPIRED)
    attempt = record_attempt(
        session,
        task_id,
        channel=channel,
        outcome=outcome,
        at=at,
        policy=policy,
        staff_id=staff_id,
        note=note,
        number=number,
        call_id=call_id,
        attempt_id=attempt_id,
    )
    session.execute(delete(TaskLease).where(TaskLease.task_id == task_id))
    session.execute(
        insert(SyncAppliedMutation).values(
            mutation_id=completion_id,
            client_id=client_id,
            outcome=MutationOutcome.APPLIED,
            applied_at=now,
        )
    )
    return Completion(task_id, fence, CompletionOutcome.APPLIED, attempt)


def _problem(session: Session, task_id: uuid.UUID, fence: int) -> LeaseProblem:
    row = session.execute(
        select(TaskLease.fence).where(TaskLease.task_id == task_id)
    ).scalar_one_or_none()
    if row is None:
        return LeaseProblem.NO_LEASE
    return LeaseProblem.EXPIRED if row == fence else LeaseProblem.TAKEN_OVER
