"""Feedback tickets (工单): opened from forms, red flags and calls, routed to a department,
answered by it within a deadline on the working calendar, called back and closed, and
escalated when late. Every method takes the principal and checks it here, below the
window and the command line.

open_tickets_for(principal) is what a user has to act on: the to-do list reads it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from agent_desk.db import audit, ticket_rules
from agent_desk.db import tickets as tickets_db
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.ticket_models import Ticket
from agent_desk.db.tickets import EventRow, NewTicket, TicketDetail, TicketFilter, TicketRow
from agent_desk.domain.enums import (
    AuditAction,
    AuditSubject,
    CallbackSatisfaction,
    FeedbackStatus,
    RoutedBy,
    TicketEventKind,
    TicketKind,
    TicketState,
)
from agent_desk.domain.permissions import Permission, PermissionDenied, Principal
from agent_desk.errors import UserError
from agent_desk.plans.calendar import parse_calendar
from agent_desk.services.ticket_suggest import DepartmentClassifier, Suggestion

__all__ = [
    "CaseRecord",
    "EscalationReport",
    "EventRow",
    "NewTicket",
    "TicketDetail",
    "TicketError",
    "TicketFilter",
    "TicketRow",
    "TicketService",
]

# Kinds whose closing needs the patient called back about how it was handled.
CALLBACK_BEFORE_CLOSING = frozenset({TicketKind.COMPLAINT, TicketKind.DISPUTE})
_TICKET = AuditSubject.TICKET.value


class TicketError(UserError):
    """A ticket cannot do that now (closed, not answered yet, no such ticket)."""


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A dispute's case record, as the window and the command line show it."""

    what_happened: str = ""
    people_involved: str = ""
    steps_taken: str = ""
    outcome: str = ""
    compensation: str = ""
    updated_by: str | None = None


@dataclass(frozen=True, slots=True)
class EscalationReport:
    escalated: int  # to the department heads and the supervisors
    to_office: int  # past the second deadline: to 医务处/护理部
    skipped_outside_hours: bool = False


class TicketService:
    def __init__(
        self,
        db: Database,
        office: Callable[[], str] = lambda: "医务处",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._office = office  # the tickets.office setting, read at each pass
        self._clock = clock

    # --- opening ---------------------------------------------------------------------

    def open_ticket(self, new: NewTicket, principal: Principal) -> uuid.UUID:
        """登记投诉 (and praise, suggestions, disputes) on a call: routed and timed now."""
        principal.require(Permission.OPEN_TICKETS)
        if not new.text.strip():
            raise TicketError("a ticket needs a text: what the patient said")
        with self._db.write() as session:
            ticket = open_in(session, new, principal.username, self._clock())
            return ticket.id

    # --- reading ---------------------------------------------------------------------

    def list_tickets(
        self, principal: Principal, flt: TicketFilter | None = None
    ) -> list[TicketRow]:
        principal.require(Permission.VIEW_TICKETS)
        flt = flt or TicketFilter()
        with self._db.read() as session:
            return tickets_db.list_tickets(
                session, flt, principal.department_filter(), self._clock(), principal.username
            )

    def open_tickets_for(self, principal: Principal) -> list[TicketRow]:
        """The tickets *principal* has to act on: awaiting an answer from their departments
        or assigned to them, and, for supervisors, every overdue one in their scope."""
        principal.require(Permission.VIEW_TICKETS)
        managed = principal.may(Permission.MANAGE_TICKETS)
        with self._db.read() as session:
            return tickets_db.open_for(
                session, principal.department_filter(), principal.username, self._clock(), managed
            )

    def detail(self, ticket_id: uuid.UUID, principal: Principal) -> TicketDetail:
        principal.require(Permission.VIEW_TICKETS)
        with self._db.read() as session:
            return self._detail(session, ticket_id, principal)

    def _detail(self, session: Session, ticket_id: uuid.UUID, principal: Principal) -> TicketDetail:
        found = tickets_db.ticket_detail(session, ticket_id, self._clock())
        if found is None or not _sees(principal, found):
            raise TicketError(f"no ticket {ticket_id} in your departments")
        return found

    def departments(self, principal: Principal) -> list[tuple[uuid.UUID, str, str]]:
        """(id, code, name) of every department, for the filters and the reroute."""
        principal.require(Permission.VIEW_TICKETS)
        from agent_desk.db.staff import departments as all_departments

        with self._db.read() as session:
            return [(d.id, d.code, d.name) for d in all_departments(session)]

    # --- routing ---------------------------------------------------------------------

    def suggest(self, ticket_id: uuid.UUID, principal: Principal) -> Suggestion | None:
        """The department the earlier routings point to for this text; a suggestion only."""
        principal.require(Permission.MANAGE_TICKETS)
        with self._db.read() as session:
            detail = self._detail(session, ticket_id, principal)
            history = [
                (text, department)
                for text, department in tickets_db.routing_history(session)
                if text != detail.row.text
            ]
        return DepartmentClassifier(history).predict(detail.row.text)

    def reroute(
        self, ticket_id: uuid.UUID, department_id: uuid.UUID, principal: Principal, note: str = ""
    ) -> None:
        principal.require(Permission.MANAGE_TICKETS)
        with self._db.write() as session:
            ticket = self._open_ticket_row(session, ticket_id, principal)
            before = ticket.department_id
            if before == department_id:
                raise TicketError("the ticket is with that department already")
            ticket.department_id, ticket.routed_by = department_id, RoutedBy.SUPERVISOR
            if ticket.state is TicketState.NEW:
                ticket.state = TicketState.DISPATCHED
            tickets_db.mark_feedback(session, ticket.feedback_id, FeedbackStatus.ROUTED)
            kind = TicketEventKind.ROUTED if before is None else TicketEventKind.REROUTED
            at = self._clock()
            tickets_db.add_event(
                session, ticket.id, principal.username, kind, at, department_id, note or None
            )
            audit.record(
                session,
                principal.username,
                AuditAction.TICKET_REROUTED,
                _TICKET,
                ticket.id,
                before=str(before) if before else None,
                after=str(department_id),
                note=note,
            )

    # --- answering, calling back, closing ----------------------------------------------

    def reply(self, ticket_id: uuid.UUID, text: str, principal: Principal) -> None:
        """The department's answer: its staff (or a supervisor) in the window."""
        principal.require(Permission.REPLY_TICKETS)
        if not text.strip():
            raise TicketError("the reply is empty")
        with self._db.write() as session:
            ticket = self._open_ticket_row(session, ticket_id, principal)
            if ticket.department_id is None:
                raise TicketError("the ticket has no department yet: a supervisor routes it")
            if ticket.state not in tickets_db.AWAITING and ticket.state is not TicketState.REPLIED:
                raise TicketError("the patient was called back already: the reply stands")
            at = self._clock()
            ticket.reply, ticket.replied_by, ticket.replied_at = (
                text.strip(),
                principal.username,
                at,
            )
            ticket.state = TicketState.REPLIED
            tickets_db.add_event(
                session, ticket.id, principal.username, TicketEventKind.REPLIED, at, None, text
            )

    def call_back(
        self,
        ticket_id: uuid.UUID,
        satisfaction: CallbackSatisfaction,
        note: str,
        principal: Principal,
        close: bool = True,
    ) -> None:
        """The patient called back about the department's answer, with their satisfaction
        with how it was handled; *close* closes the ticket in the same step."""
        principal.require(Permission.CALL_BACK_TICKETS)
        with self._db.write() as session:
            ticket = self._open_ticket_row(session, ticket_id, principal)
            if ticket.state is not TicketState.REPLIED:
                raise TicketError("the department has not replied yet: nothing to call back about")
            at = self._clock()
            ticket.callback_satisfaction, ticket.callback_note = satisfaction, note.strip() or None
            ticket.called_back_by, ticket.called_back_at = principal.username, at
            ticket.state = TicketState.CALLED_BACK
            tickets_db.add_event(
                session,
                ticket.id,
                principal.username,
                TicketEventKind.CALLED_BACK,
                at,
                None,
                note.strip() or None,
                {"satisfaction": satisfaction.value},
            )
            if close:
                self._close(session, ticket, principal, at)

    def close(self, ticket_id: uuid.UUID, principal: Principal) -> None:
        """Close an answered ticket; a complaint or a dispute only after the callback."""
        if not principal.may(Permission.MANAGE_TICKETS):
            principal.require(Permission.CALL_BACK_TICKETS)
        with self._db.write() as session:
            ticket = self._open_ticket_row(session, ticket_id, principal)
            self._close(session, ticket, principal, self._clock())

    def _close(self, session: Session, ticket: Ticket, principal: Principal, at: datetime) -> None:
        if ticket.kind in CALLBACK_BEFORE_CLOSING and ticket.state is not TicketState.CALLED_BACK:
            raise TicketError(
                "a complaint is closed only after the patient was called back about how it "
                "was handled"
            )
        if ticket.state not in (TicketState.REPLIED, TicketState.CALLED_BACK):
            raise TicketError("the department has not replied yet")
        ticket.state, ticket.closed_by, ticket.closed_at = (
            TicketState.CLOSED,
            principal.username,
            at,
        )
        tickets_db.mark_feedback(session, ticket.feedback_id, FeedbackStatus.CLOSED)
        tickets_db.add_event(session, ticket.id, principal.username, TicketEventKind.CLOSED, at)

    def _open_ticket_row(
        self, session: Session, ticket_id: uuid.UUID, principal: Principal
    ) -> Ticket:
        """The ticket to change, if *principal* sees it and it is not closed."""
        self._detail(session, ticket_id, principal)
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        if ticket.state is TicketState.CLOSED:
            raise TicketError("the ticket is closed")
        return ticket

    # --- escalation --------------------------------------------------------------------

    def escalate(self, principal: Principal, now: datetime | None = None) -> EscalationReport:
        """One pass: overdue tickets to the department heads and the supervisors, and past
        their second deadline to the office (the tickets.office setting). Outside working
        time nothing moves: deadlines fall in working hours, so nobody is told at night."""
        principal.require(Permission.MANAGE_TICKETS)
        now = now or self._clock()
        with self._db.write() as session:
            if not ticket_rules.working_calendar(session).is_working_time(now):
                return EscalationReport(0, 0, skipped_outside_hours=True)
            office = tickets_db.department_named(session, self._office())
            escalated = to_office = 0
            for ticket in tickets_db.overdue_steps(session, now):
                level = ticket.escalation_level
                if tickets_db.escalate(session, ticket, now, office):
                    escalated += level < 1
                    to_office += ticket.escalation_level == 2
        return EscalationReport(escalated, to_office)

    # --- the supervisors' tables ---------------------------------------------------------

    def set_rule(self, keyword: str, department_id: uuid.UUID | None, principal: Principal) -> None:
        principal.require(Permission.MANAGE_TICKETS)
        keyword = keyword.strip()
        if not keyword:
            raise TicketError("a routing rule needs a keyword")
        with self._db.write() as session:
            ticket_rules.set_rule(session, keyword, department_id)
            audit.record(
                session,
                principal.username,
                AuditAction.TICKET_RULES_CHANGED,
                _TICKET,
                None,
                keyword=keyword,
                department=str(department_id) if department_id else None,
            )

    def rules(self, principal: Principal) -> list[tuple[str, uuid.UUID, bool]]:
        principal.require(Permission.VIEW_TICKETS)
        with self._db.read() as session:
            return ticket_rules.rules(session)

    def set_deadline(
        self, kind: TicketKind, working_days: int, office_days: int, principal: Principal
    ) -> None:
        principal.require(Permission.MANAGE_TICKETS)
        if not (1 <= working_days <= 60 and 1 <= office_days <= 60):
            raise TicketError("deadlines are 1 to 60 working days")
        with self._db.write() as session:
            ticket_rules.set_deadline(session, kind, working_days, office_days)
            audit.record(
                session,
                principal.username,
                AuditAction.TICKET_RULES_CHANGED,
                _TICKET,
                None,
                kind=kind.value,
                working_days=working_days,
                office_days=office_days,
            )

    def deadlines(self, principal: Principal) -> dict[TicketKind, tuple[int, int]]:
        principal.require(Permission.VIEW_TICKETS)
        with self._db.read() as session:
            return ticket_rules.deadlines(session)

    def import_calendar(self, text: str, source: str, principal: Principal) -> int:
        """Next year's holidays and 调休 working days from a small CSV (date,type,name);
        a bad line refuses the whole file, and nothing is saved."""
        principal.require(Permission.MANAGE_TICKETS)
        exceptions = parse_calendar(text, source)
        if not exceptions:
            raise TicketError(f"{source} lists no days")
        with self._db.write() as session:
            count = ticket_rules.import_calendar(session, exceptions)
            years = sorted({e.day.year for e in exceptions})
            audit.record(
                session,
                principal.username,
                AuditAction.CALENDAR_IMPORTED,
                _TICKET,
                None,
                source=source,
                days=count,
                years=years,
            )
        return count

    # --- disputes --------------------------------------------------------------------------

    def assign(self, ticket_id: uuid.UUID, usernames: Sequence[str], principal: Principal) -> None:
        principal.require(Permission.MANAGE_TICKETS)
        with self._db.write() as session:
            ticket = self._open_ticket_row(session, ticket_id, principal)
            ticket.assignees = sorted({name.strip() for name in usernames if name.strip()})

    def case(self, ticket_id: uuid.UUID, principal: Principal) -> CaseRecord:
        """A dispute's case record; every view is audited, and only supervisors and the
        people assigned to the ticket may look."""
        with self._db.write() as session:  # the view's audit event is written with it
            ticket = self._case_ticket(session, ticket_id, principal)
            case = tickets_db.ensure_case(session, ticket.id)
            audit.record(
                session, principal.username, AuditAction.VIEW_DISPUTE_CASE, _TICKET, ticket.id
            )
            return CaseRecord(
                case.what_happened,
                case.people_involved,
                case.steps_taken,
                case.outcome,
                case.compensation,
                case.updated_by,
            )

    def save_case(self, ticket_id: uuid.UUID, record: CaseRecord, principal: Principal) -> None:
        with self._db.write() as session:
            ticket = self._case_ticket(session, ticket_id, principal)
            case = tickets_db.ensure_case(session, ticket.id)
            case.what_happened, case.people_involved = record.what_happened, record.people_involved
            case.steps_taken, case.outcome = record.steps_taken, record.outcome
            case.compensation, case.updated_by = record.compensation, principal.username
            audit.record(
                session, principal.username, AuditAction.DISPUTE_CASE_CHANGED, _TICKET, ticket.id
            )

    def _case_ticket(self, session: Session, ticket_id: uuid.UUID, principal: Principal) -> Ticket:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.kind is not TicketKind.DISPUTE:
            raise TicketError(f"no dispute {ticket_id}")
        if not (principal.may(Permission.MANAGE_TICKETS) or principal.username in ticket.assignees):
            raise PermissionDenied(principal.username, Permission.MANAGE_TICKETS)
        return ticket


def open_in(session: Session, new: NewTicket, actor: str, at: datetime) -> Ticket:
    """Open a ticket in the caller's unit of work (a form's submit opens its feedback's)."""
    calendar = ticket_rules.working_calendar(session)
    return tickets_db.add_ticket(session, new, actor, at, calendar)


def _sees(principal: Principal, detail: TicketDetail) -> bool:
    scope = principal.department_filter()
    if scope is None or principal.username in detail.assignees:
        return True
    return detail.row.department_id in scope or detail.escalated_to_id in scope
