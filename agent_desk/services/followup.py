"""Attempts and outcomes: an attempt, a form and the task's new state in one unit of work.

The figures supervisors read (回访率, 成功率, …) are agent_desk.services.statistics.

Both need FILL_FORMS and the task in the user's departments (agents: the whole hospital);
a form without a task (a caller with none open) needs FILL_FORMS alone."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from agent_desk.db import followup as followup_db
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.followup import AttemptMade, AttemptResult, TaskNotOpen
from agent_desk.db.models import FeedbackEntry, FollowupTask
from agent_desk.db.tickets import NewTicket
from agent_desk.domain.enums import (
    AlertSeverity,
    AttemptOutcome,
    Channel,
    FeedbackKind,
    Role,
    TicketKind,
    TicketSeverity,
    TicketSource,
)
from agent_desk.domain.permissions import Permission, PermissionDenied, Principal
from agent_desk.errors import UserError
from agent_desk.forms import Alert, AnswerProblem, FeedbackItem, FormState, extract_feedback
from agent_desk.forms.scoring import ScoreResult
from agent_desk.plans.retry import RetryPolicy
from agent_desk.services.tickets import open_in as open_ticket
from agent_desk.sync.capture import leave_to_server
from agent_desk.sync.queue_errors import NotHeld

log = logging.getLogger(__name__)

# A complaint heard on a form whose template has no alert for it raises this one. Alert
# texts are stored in Chinese, as the forms' are, so every workstation shows the same words.
COMPLAINT_ALERT = "complaint"
COMPLAINT_PREFIX = "投诉："


@dataclass(frozen=True)
class FormSubmission:
    state: FormState
    patient_id: uuid.UUID
    task_id: uuid.UUID | None
    staff_id: uuid.UUID | None
    outcome: AttemptOutcome = AttemptOutcome.REACHED
    channel: Channel = Channel.PHONE
    call_id: uuid.UUID | None = None


class FormIncomplete(UserError):
    """The form cannot be stored as it is: required answers missing or answers refused."""

    def __init__(self, problems: Sequence[AnswerProblem]) -> None:
        super().__init__("the form is not complete: " + "; ".join(map(str, problems)))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class SubmitResult:
    record_id: uuid.UUID
    attempt: AttemptResult | None
    feedback_items: int
    alerts: int


class HeldTasks(Protocol):
    """The shared work queue, as attempts see it (agent_desk.sync.queue.WorkQueue)."""

    def holds(self, task_id: uuid.UUID) -> bool: ...

    def hand_over(self, made: AttemptMade) -> object: ...  # raises NotHeld


class FollowupService:
    """Attempts and forms on the local database.

    With a shared work queue (*held*), an attempt on a task this workstation leased is
    stored here as usual, and the task's new state is left to the central server: the
    attempt is handed to the queue, which sends it with the lease's fence, so that two
    workstations never both move the same task on.
    """

    def __init__(
        self,
        db: Database,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        held: HeldTasks | None = None,
        thresholds: Callable[[str], float | None] = lambda _plan: None,
    ) -> None:
        """*thresholds*: a plan's recoveryThreshold by plan code (a score below it opens
        a red-flag ticket)."""
        self._db = db
        self._thresholds = thresholds
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._held = held

    def record_attempt(
        self,
        task_id: uuid.UUID,
        channel: Channel,
        outcome: AttemptOutcome,
        principal: Principal,
        *,
        staff_id: uuid.UUID | None = None,
        at: datetime | None = None,
        note: str | None = None,
        number: str | None = None,
        call_id: uuid.UUID | None = None,
    ) -> AttemptResult:
        """Store the attempt and the task's new state together (raises TaskNotOpen,
        PermissionDenied)."""
        principal.require(Permission.FILL_FORMS)
        leased = self._leased(task_id)
        with self._db.write() as session:
            _require_task_in_scope(session, principal, task_id)
            if leased:
                leave_to_server(session, FollowupTask.__tablename__)
            result = followup_db.record_attempt(
                session,
                task_id,
                channel=channel,
                outcome=outcome,
                at=at or self._clock(),
                policy=self.policy,
                staff_id=staff_id,
                note=note,
                number=number,
                call_id=call_id,
            )
            made = followup_db.attempt_fact(session, result.attempt_id)
        if leased:
            self._hand_over(made)
        return result

    def submit(self, form: FormSubmission, principal: Principal) -> SubmitResult:
        """The completed form, its attempt and the task's new state, feedback and alerts:
        one transaction, so a crash leaves all of it or none (raises FormIncomplete,
        TaskNotOpen, PermissionDenied). Whoever submits, window or command line, the form
        must be complete."""
        principal.require(Permission.FILL_FORMS)
        state = form.state
        if state.checked.problems:
            raise FormIncomplete(state.checked.problems)
        template = state.template
        result = state.score()
        answers = state.record_answers()
        feedback = extract_feedback(template, answers)
        at = self._clock()
        leased = form.task_id is not None and self._leased(form.task_id)
        made: AttemptMade | None = None
        with self._db.write() as session:
            if form.task_id is not None:
                _require_task_in_scope(session, principal, form.task_id)
            attempt: AttemptResult | None = None
            if leased:
                leave_to_server(session, FollowupTask.__tablename__)
            if form.task_id is not None:
                attempt = followup_db.record_attempt(
                    session,
                    form.task_id,
                    channel=form.channel,
                    outcome=form.outcome,
                    at=at,
                    policy=self.policy,
                    staff_id=form.staff_id,
                    call_id=form.call_id,
                )
                made = followup_db.attempt_fact(session, attempt.attempt_id)
            record_id = followup_db.add_record(
                session,
                task_id=form.task_id,
                patient_id=form.patient_id,
                attempt_id=attempt.attempt_id if attempt else None,
                template_code=template.code,
                template_version=template.version,
                answers=dict(answers),
                scores=result.to_dict(),
                recovery_score=None
                if result.recovery_score is None
                else float(result.recovery_score),
                staff_id=form.staff_id,
                completed_at=at,
                satisfaction={s.dimension: float(s.score) for s in feedback.satisfaction},
            )
            department = followup_db.task_department(session, form.task_id)
            tickets = []
            for item in feedback.items:
                entry = followup_db.add_feedback(
                    session, record_id, form.patient_id, department, item.kind, item.text
                )
                tickets.append(_feedback_ticket(entry, form))
            # An alert on a feedback answer is the complaint's own: its ticket is above.
            feedback_links = {i.link_id for i in template.all_items() if i.feedback_kind}
            flags = [a for a in result.alerts if not set(a.link_ids) <= feedback_links]
            tickets += self._red_flags(session, form, record_id, flags, result)
            for ticket in tickets:
                open_ticket(session, ticket, principal.username, at)
            raised = _alerts_with_complaints(result.alerts, feedback.items)
            for code, severity, notify, text in raised:
                followup_db.add_alert(
                    session,
                    record_id,
                    form.patient_id,
                    code,
                    severity,
                    notify,
                    text,
                    at,
                    department,
                )
        if leased and made is not None:
            self._hand_over(made)
        return SubmitResult(record_id, attempt, len(feedback.items), len(raised))

    def _red_flags(
        self,
        session: Session,
        form: FormSubmission,
        record_id: uuid.UUID,
        alerts: Sequence[Alert],
        result: ScoreResult,
    ) -> list[NewTicket]:
        """Red-flag tickets: each answer the template marks as needing action (its alerts),
        and a recovery score below the plan's threshold."""
        flags = [
            NewTicket(
                TicketKind.RED_FLAG,
                TicketSource.RED_FLAG,
                alert.text.zh,
                patient_id=form.patient_id,
                call_id=form.call_id,
                record_id=record_id,
                task_id=form.task_id,
                severity=TicketSeverity.CRITICAL
                if alert.severity is AlertSeverity.CRITICAL
                else TicketSeverity.HIGH,
            )
            for alert in alerts
        ]
        plan = followup_db.task_plan(session, form.task_id)
        threshold = self._thresholds(plan) if plan is not None else None
        score = result.recovery_score
        if threshold is not None and score is not None and float(score) < threshold:
            flags.append(
                NewTicket(
                    TicketKind.RED_FLAG,
                    TicketSource.RED_FLAG,
                    f"康复评分 {float(score):g} 低于随访计划的阈值 {threshold:g}",
                    patient_id=form.patient_id,
                    call_id=form.call_id,
                    record_id=record_id,
                    task_id=form.task_id,
                    severity=TicketSeverity.HIGH,
                )
            )
        return flags

    def _leased(self, task_id: uuid.UUID) -> bool:
        return self._held is not None and self._held.holds(task_id)

    def _hand_over(self, made: AttemptMade) -> None:
        """Queue the committed attempt for the server, which moves the task on.

        After the local commit: a crash in between leaves the attempt and its record on
        this workstation (and, through the outbox, on the server) with the task still
        open there, which the next agent sees; never a completion without its attempt."""
        assert self._held is not None
        try:
            self._held.hand_over(made)
        except NotHeld:
            # The lease was lost (lapsed and taken over) while the form was open: the
            # attempt and record still go up as facts, and the colleague who holds the
            # task now decides its state; the server's row comes back down with pull.
            log.warning("task %s was no longer held when its call was finished", made.task_id)


__all__ = [
    "AttemptResult",
    "FollowupService",
    "FormIncomplete",
    "FormSubmission",
    "SubmitResult",
    "TaskNotOpen",
]


def _feedback_ticket(entry: FeedbackEntry, form: FormSubmission) -> NewTicket:
    """A form's praise, complaint or suggestion, for the department it names (the task's)."""
    kind = {
        FeedbackKind.PRAISE: TicketKind.PRAISE,
        FeedbackKind.COMPLAINT: TicketKind.COMPLAINT,
        FeedbackKind.SUGGESTION: TicketKind.SUGGESTION,
    }[entry.kind]
    return NewTicket(
        kind,
        TicketSource.FORM,
        entry.text,
        patient_id=entry.patient_id,
        call_id=form.call_id,
        record_id=entry.record_id,
        feedback_id=entry.id,
        department_id=entry.department_id,
        task_id=form.task_id,
    )


def _require_task_in_scope(session: Session, principal: Principal, task_id: uuid.UUID) -> None:
    if not principal.sees_department(followup_db.task_department(session, task_id)):
        raise PermissionDenied(principal.username, Permission.FILL_FORMS)


def _alerts_with_complaints(
    alerts: Sequence[Alert], feedback: Sequence[FeedbackItem]
) -> list[tuple[str, AlertSeverity, Role, str]]:
    """The alerts a submitted form raises (code, severity, role, text), complaints among
    them. A complaint wants a supervisor's answer to the patient, not only the department's
    routing: its words join the template's alert on that answer, or, where the template
    has none, raise an alert of their own."""
    complaints = {i.link_id: i.text for i in feedback if i.kind is FeedbackKind.COMPLAINT}
    raised = []
    for alert in alerts:
        heard = [complaints.pop(link) for link in alert.link_ids if link in complaints]
        text = "\n".join([alert.text.zh, *(f"{COMPLAINT_PREFIX}{words}" for words in heard)])
        raised.append((alert.code, alert.severity, alert.notify, text))
    for words in complaints.values():
        raised.append(
            (COMPLAINT_ALERT, AlertSeverity.WARNING, Role.SUPERVISOR, f"{COMPLAINT_PREFIX}{words}")
        )
    return raised
