"""The SQL of attempts and outcomes: an attempt and the task's new state in one unit of
work. The figures counted from them are agent_desk/db/statistics.py."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_desk.db.alerts import pending_escalation
from agent_desk.db.models import (
    FeedbackEntry,
    FollowupAlert,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    PatientContact,
)
from agent_desk.domain.enums import (
    AlertSeverity,
    AttemptOutcome,
    CancelReason,
    Channel,
    FeedbackKind,
    LostReason,
    Role,
    SatisfactionDimension,
    TaskStatus,
)
from agent_desk.plans.retry import BAD_NUMBER, AttemptFact, RetryPolicy, decide


class TaskNotOpen(ValueError):
    """An attempt on a task that is missing, done, lost or cancelled."""


@dataclass(frozen=True, slots=True)
class AttemptResult:
    attempt_id: uuid.UUID
    task_id: uuid.UUID
    status: TaskStatus
    attempts: int  # on this task, this one included
    due_date: date
    callback_after: datetime | None
    lost_code: LostReason | None
    lost_reason: str | None
    other_tasks_cancelled: int  # the patient's open tasks cancelled because they died


@dataclass(frozen=True, slots=True)
class AttemptMade:
    """An attempt as stored, with what the central server needs to apply it to its task."""

    attempt_id: uuid.UUID
    task_id: uuid.UUID
    outcome: AttemptOutcome
    channel: Channel
    at: datetime
    note: str | None
    number: str | None
    call_id: uuid.UUID | None


def attempt_fact(session: Session, attempt_id: uuid.UUID) -> AttemptMade:
    a = session.get_one(FollowupAttempt, attempt_id)
    return AttemptMade(
        a.id, a.task_id, a.outcome, a.channel, a.attempted_at, a.note, a.number, a.call_id
    )


def _numbers(session: Session, patient_id: uuid.UUID) -> list[str]:
    rows = session.scalars(
        select(PatientContact.e164)
        .where(PatientContact.patient_id == patient_id, PatientContact.e164.is_not(None))
        .order_by(PatientContact.is_primary.desc(), PatientContact.created_at)
    )
    return [number for number in rows if number is not None]


def record_attempt(
    session: Session,
    task_id: uuid.UUID,
    *,
    channel: Channel,
    outcome: AttemptOutcome,
    at: datetime,
    policy: RetryPolicy,
    staff_id: uuid.UUID | None = None,
    note: str | None = None,
    number: str | None = None,
    call_id: uuid.UUID | None = None,
    attempt_id: uuid.UUID | None = None,
) -> AttemptResult:
    """Add the attempt and move the task on by the retry policy, in the caller's unit of
    work (a form submit adds its record to the same one).

    *attempt_id* names an attempt made on a workstation: the central server applies a
    leased task's completion with the workstation's own id, and when that attempt has
    already arrived as a synced fact it is used as it is, not added a second time.
    """
    # FOR UPDATE on PostgreSQL: two agents on one task are applied one after the other.
    task = session.get(FollowupTask, task_id, with_for_update=True)
    if task is None:
        raise TaskNotOpen(f"no follow-up task {task_id}")
    if task.status is not TaskStatus.PENDING:
        raise TaskNotOpen(f"the task is already {task.status.value}; no attempt can be added")
    numbers = _numbers(session, task.patient_id)
    if number is None and numbers:
        number = numbers[0]  # unless told otherwise, the primary number was the one dialled
    earlier = select(FollowupAttempt).where(FollowupAttempt.task_id == task_id)
    if attempt_id is not None:
        earlier = earlier.where(FollowupAttempt.id != attempt_id)
    history = [
        AttemptFact(a.attempted_at, a.outcome, a.number)
        for a in session.scalars(earlier.order_by(FollowupAttempt.attempted_at, FollowupAttempt.id))
    ]
    attempt = None if attempt_id is None else session.get(FollowupAttempt, attempt_id)
    if attempt is None:
        attempt = FollowupAttempt(
            task_id=task_id,
            patient_id=task.patient_id,
            attempted_at=at,
            channel=channel,
            staff_id=staff_id,
            outcome=outcome,
            note=note,
            call_id=call_id,
            number=number,
        )
        if attempt_id is not None:
            attempt.id = attempt_id
        session.add(attempt)
    history.append(AttemptFact(attempt.attempted_at, attempt.outcome, attempt.number))
    dead = {fact.number for fact in history if fact.outcome in BAD_NUMBER}
    decision = decide(policy, history, sum(n not in dead for n in numbers))
    task.status = decision.status
    task.callback_after = decision.callback_after
    if decision.due_date is not None:
        task.due_date = decision.due_date
        task.window_start = min(task.window_start, decision.due_date)
        # A retry past the window is still due, not overdue: the policy moved it there.
        task.window_end = max(task.window_end, decision.due_date)
    if decision.status is TaskStatus.LOST:
        task.lost_code, task.lost_reason = decision.lost_code, decision.lost_reason
    cancelled = 0
    if decision.patient_deceased:
        cancelled = _cancel_open_tasks(session, task.patient_id, task.id)
    session.flush()
    return AttemptResult(
        attempt_id=attempt.id,
        task_id=task.id,
        status=task.status,
        attempts=len(history),
        due_date=task.due_date,
        callback_after=task.callback_after,
        lost_code=task.lost_code,
        lost_reason=task.lost_reason,
        other_tasks_cancelled=cancelled,
    )


def _cancel_open_tasks(session: Session, patient_id: uuid.UUID, except_id: uuid.UUID) -> int:
    """No more calls to a bereaved family: every other open task of the patient ends."""
    count = 0
    for other in session.scalars(
        select(FollowupTask).where(
            FollowupTask.patient_id == patient_id,
            FollowupTask.status == TaskStatus.PENDING,
            FollowupTask.id != except_id,
        )
    ):
        other.status = TaskStatus.CANCELLED
        other.cancel_reason = CancelReason.PATIENT_DECEASED
        other.callback_after = None
        count += 1
    return count


def add_record(
    session: Session,
    *,
    task_id: uuid.UUID | None,
    patient_id: uuid.UUID,
    attempt_id: uuid.UUID | None,
    template_code: str,
    template_version: str,
    answers: dict[str, Any],
    scores: dict[str, Any],
    recovery_score: float | None,
    staff_id: uuid.UUID | None,
    completed_at: datetime,
    satisfaction: Mapping[SatisfactionDimension, float] | None = None,
) -> uuid.UUID:
    """*satisfaction*: the score the form gives each dimension it rates and was answered
    (agent_desk.forms.feedback's FormFeedback.satisfaction), stored beside the answers."""
    record = FollowupRecord(
        task_id=task_id,
        patient_id=patient_id,
        attempt_id=attempt_id,
        template_code=template_code,
        template_version=template_version,
        answers=answers,
        scores=scores,
        recovery_score=recovery_score,
        staff_id=staff_id,
        completed_at=completed_at,
    )
    for dimension, score in (satisfaction or {}).items():
        setattr(record, satisfaction_column(dimension), score)
    session.add(record)
    session.flush()
    return record.id


def satisfaction_column(dimension: SatisfactionDimension) -> str:
    """The followup_records column holding a record's score of *dimension*."""
    return f"satisfaction_{dimension.value}"


def task_department(session: Session, task_id: uuid.UUID | None) -> uuid.UUID | None:
    if task_id is None:
        return None
    return session.scalar(select(FollowupTask.department_id).where(FollowupTask.id == task_id))


def task_plan(session: Session, task_id: uuid.UUID | None) -> str | None:
    if task_id is None:
        return None
    return session.scalar(select(FollowupTask.plan_code).where(FollowupTask.id == task_id))


def add_feedback(
    session: Session,
    record_id: uuid.UUID,
    patient_id: uuid.UUID,
    department_id: uuid.UUID | None,
    kind: FeedbackKind,
    text: str,
) -> FeedbackEntry:
    entry = FeedbackEntry(
        record_id=record_id,
        patient_id=patient_id,
        department_id=department_id,
        kind=kind,
        text=text,
    )
    session.add(entry)
    session.flush()
    return entry


def add_alert(
    session: Session,
    record_id: uuid.UUID,
    patient_id: uuid.UUID,
    code: str,
    severity: AlertSeverity,
    notify_role: Role,
    text: str,
    raised_at: datetime,
    department_id: uuid.UUID | None = None,
) -> None:
    escalated = pending_escalation(session, patient_id, code)
    if escalated is not None:  # raised from the open form already: the record joins it
        escalated.record_id = record_id
        escalated.department_id = escalated.department_id or department_id
        return
    session.add(
        FollowupAlert(
            record_id=record_id,
            patient_id=patient_id,
            department_id=department_id,
            code=code,
            severity=severity,
            notify_role=notify_role,
            text=text,
            raised_at=raised_at,
        )
    )
