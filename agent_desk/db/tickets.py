"""The SQL of feedback tickets: opening and routing one, the list, the detail with its
history, and the escalation pass. Who may do what is agent_desk.services.tickets'."""

from __future__ import annotations

import uuid
from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    cast,
    exists,
    false,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from agent_desk.db import natural_keys, ticket_rules
from agent_desk.db.models import (
    Call,
    Department,
    Encounter,
    FeedbackEntry,
    FollowupTask,
    Patient,
    StaffUser,
)
from agent_desk.db.scope import Scope
from agent_desk.db.ticket_models import DisputeCase, Ticket, TicketEvent
from agent_desk.domain.enums import (
    FeedbackStatus,
    RecordingStatus,
    Role,
    RoutedBy,
    TicketEventKind,
    TicketKind,
    TicketSeverity,
    TicketSource,
    TicketState,
)
from agent_desk.plans.calendar import WorkingCalendar

SYSTEM = "system"  # the actor of what the escalation pass does
# Waiting for the department's answer: these run late, and escalate.
AWAITING = (TicketState.NEW, TicketState.DISPATCHED, TicketState.ESCALATED)


@dataclass(frozen=True, slots=True)
class NewTicket:
    kind: TicketKind
    source: TicketSource
    text: str
    patient_id: uuid.UUID | None = None
    call_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    feedback_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None  # named in the form or on the call
    task_id: uuid.UUID | None = None  # whose visit's department routes it next
    severity: TicketSeverity = TicketSeverity.NORMAL


@dataclass(frozen=True, slots=True)
class TicketRow:
    id: uuid.UUID
    kind: TicketKind
    state: TicketState
    severity: TicketSeverity
    patient_name: str | None
    department_id: uuid.UUID | None
    department: str | None
    text: str
    opened_at: datetime
    due_at: datetime
    escalation_level: int
    overdue: bool
    patient_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class TicketFilter:
    overdue: bool = False
    department_id: uuid.UUID | None = None
    kind: TicketKind | None = None
    state: TicketState | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class EventRow:
    at: datetime
    actor: str
    kind: TicketEventKind
    department: str | None
    note: str | None


@dataclass(frozen=True)
class TicketDetail:
    row: TicketRow
    version: int
    source: TicketSource
    routed_by: RoutedBy | None
    patient_id: uuid.UUID | None
    call_id: uuid.UUID | None
    recording: RecordingStatus | None  # the call's recording, when it came from a call
    office_due_at: datetime
    escalated_to_id: uuid.UUID | None
    escalated_to: str | None  # the office's name
    assignees: tuple[str, ...]
    reply: str | None
    replied_by: str | None
    replied_at: datetime | None
    callback_satisfaction: str | None
    callback_note: str | None
    called_back_by: str | None
    called_back_at: datetime | None
    closed_by: str | None
    closed_at: datetime | None
    events: tuple[EventRow, ...]


def _visit_department(session: Session, new: NewTicket) -> uuid.UUID | None:
    """The department of the follow-up's visit (or task), else of the patient's latest visit."""
    if new.task_id is not None:
        found = session.execute(
            select(Encounter.department_id, FollowupTask.department_id)
            .select_from(FollowupTask)
            .outerjoin(Encounter, Encounter.id == FollowupTask.encounter_id)
            .where(FollowupTask.id == new.task_id)
        ).first()
        if found is not None and (found[0] or found[1]):
            return found[0] or found[1]
    if new.patient_id is None:
        return None
    return session.scalar(
        select(Encounter.department_id)
        .where(Encounter.patient_id == new.patient_id)
        .order_by(Encounter.discharged_at.desc().nulls_last(), Encounter.created_at.desc())
        .limit(1)
    )


def rule_department(session: Session, text: str) -> tuple[uuid.UUID, str] | None:
    """The active rule whose keyword the text holds; the longest keyword wins a tie."""
    matches = [(k, d) for k, d, active in ticket_rules.rules(session) if active and k and k in text]
    if not matches:
        return None
    keyword, department = max(matches, key=lambda m: (len(m[0]), m[0]))
    return department, keyword


def route(session: Session, new: NewTicket) -> tuple[uuid.UUID | None, RoutedBy | None]:
    if new.department_id is not None:
        return new.department_id, RoutedBy.FORM
    visit = _visit_department(session, new)
    if visit is not None:
        return visit, RoutedBy.ENCOUNTER
    ruled = rule_department(session, new.text)
    if ruled is not None:
        return ruled[0], RoutedBy.RULE
    return None, None


# --- opening and changing -------------------------------------------------------------------


def add_ticket(
    session: Session, new: NewTicket, actor: str, at: datetime, calendar: WorkingCalendar
) -> Ticket:
    department, routed_by = route(session, new)
    days, office_days = ticket_rules.deadlines(session)[new.kind]
    due = calendar.add_working_days(at, days)
    ticket = Ticket(
        kind=new.kind,
        state=TicketState.DISPATCHED if department is not None else TicketState.NEW,
        severity=new.severity,
        source=new.source,
        patient_id=new.patient_id,
        call_id=new.call_id,
        record_id=new.record_id,
        feedback_id=new.feedback_id,
        department_id=department,
        routed_by=routed_by,
        text=new.text,
        opened_at=at,
        opened_by=actor,
        due_at=due,
        office_due_at=calendar.add_working_days(due, office_days),
        escalation_level=0,
        assignees=[],
    )
    session.add(ticket)
    session.flush()
    detail: dict[str, object] = {"routed_by": routed_by.value} if routed_by else {}
    add_event(session, ticket.id, actor, TicketEventKind.CREATED, at, department, None, detail)
    if new.kind is TicketKind.DISPUTE:
        ensure_case(session, ticket.id)
    return ticket


def add_event(
    session: Session,
    ticket_id: uuid.UUID,
    actor: str,
    kind: TicketEventKind,
    at: datetime,
    department_id: uuid.UUID | None = None,
    note: str | None = None,
    detail: dict[str, object] | None = None,
    event_id: uuid.UUID | None = None,
) -> None:
    event = TicketEvent(
        ticket_id=ticket_id,
        actor=actor,
        kind=kind,
        at=at,
        department_id=department_id,
        note=note,
        detail=detail or {},
    )
    if event_id is not None:
        event.id = event_id
    session.add(event)


def ensure_case(session: Session, ticket_id: uuid.UUID) -> DisputeCase:
    case = session.scalar(select(DisputeCase).where(DisputeCase.ticket_id == ticket_id))
    if case is None:
        case = DisputeCase(id=natural_keys.dispute_case_id(ticket_id), ticket_id=ticket_id)
        session.add(case)
        session.flush()
    return case


def department_named(session: Session, code_or_name: str) -> uuid.UUID | None:
    wanted = code_or_name.strip()
    if not wanted:
        return None
    return session.scalar(
        select(Department.id).where(or_(Department.code == wanted, Department.name == wanted))
    )


# --- reading ---------------------------------------------------------------------------------


def visible(scope: Scope, username: str | None = None) -> ColumnElement[bool]:
    """Tickets of *scope*'s departments (the office's escalated ones too) and those the
    user is assigned to; the whole hospital sees every one."""
    if scope is None:
        return true()
    departments = list(scope)
    clauses = [Ticket.department_id.in_(departments), Ticket.escalated_to_id.in_(departments)]
    if username:
        clauses.append(cast(Ticket.assignees, String).like(f'%"{username}"%'))
    return or_(*clauses) if departments or username else false()


def list_tickets(
    session: Session, flt: TicketFilter, scope: Scope, now: datetime, username: str | None = None
) -> list[TicketRow]:
    query = _row_query(now).where(visible(scope, username))
    if flt.department_id is not None:
        query = query.where(Ticket.department_id == flt.department_id)
    if flt.kind is not None:
        query = query.where(Ticket.kind == flt.kind)
    if flt.state is not None:
        query = query.where(Ticket.state == flt.state)
    if flt.overdue:
        # The most overdue first, read from ix_tickets_state_due.
        # Walked in deadline order (ix_tickets_due) until a page is found: the state as an
        # expression, so that SQLite does not gather every awaiting ticket through
        # ix_tickets_state_due and sort them all (200 ms at 100,000 tickets).
        state = cast(Ticket.state, String)
        late = or_(state == TicketState.ESCALATED.value, Ticket.due_at < now)
        awaiting = state.in_([s.value for s in AWAITING])
        query = query.where(awaiting, late).order_by(Ticket.due_at, Ticket.id)
    else:
        query = query.order_by(Ticket.opened_at.desc(), Ticket.id.desc())
    return [_row(found, now) for found in session.execute(query.limit(flt.limit))]


def open_for(
    session: Session, scope: Scope, username: str, now: datetime, managed: bool
) -> list[TicketRow]:
    """Awaiting tickets of the departments in *scope* or assigned to *username*, and, for
    those who manage tickets, every overdue one in scope; the most urgent first."""
    mine = or_(
        visible(scope, username) if scope is not None else false(),
        cast(Ticket.assignees, String).like(f'%"{username}"%'),
    )
    late = or_(Ticket.state == TicketState.ESCALATED, Ticket.due_at < now)
    overdue = late if managed else false()
    query = (
        _row_query(now)
        .where(Ticket.state.in_(AWAITING), or_(mine, overdue & visible(scope)))
        .order_by(Ticket.due_at, Ticket.id)
    )
    return [_row(found, now) for found in session.execute(query.limit(500))]


def _row_query(now: datetime) -> Select[Ticket, str, str]:
    return (
        select(Ticket, Patient.name, Department.name)
        .outerjoin(Patient, Patient.id == Ticket.patient_id)
        .outerjoin(Department, Department.id == Ticket.department_id)
    )


def _row(found: Row[Ticket, str, str], now: datetime) -> TicketRow:
    ticket, patient, department = found
    return TicketRow(
        ticket.id,
        ticket.kind,
        ticket.state,
        ticket.severity,
        patient,
        ticket.department_id,
        department,
        ticket.text,
        ticket.opened_at,
        ticket.due_at,
        ticket.escalation_level,
        ticket.state is TicketState.ESCALATED or (ticket.state in AWAITING and ticket.due_at < now),
        ticket.patient_id,
    )


def ticket_detail(session: Session, ticket_id: uuid.UUID, now: datetime) -> TicketDetail | None:
    found = session.execute(_row_query(now).where(Ticket.id == ticket_id)).first()
    if found is None:
        return None
    ticket: Ticket = found[0]
    office = aliased(Department)
    events = session.execute(
        select(TicketEvent, office.name)
        .outerjoin(office, office.id == TicketEvent.department_id)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    recording = (
        session.scalar(select(Call.recording_status).where(Call.id == ticket.call_id))
        if ticket.call_id is not None
        else None
    )
    escalated_to = (
        session.scalar(select(Department.name).where(Department.id == ticket.escalated_to_id))
        if ticket.escalated_to_id is not None
        else None
    )
    return TicketDetail(
        _row(found, now),
        ticket.version,
        ticket.source,
        ticket.routed_by,
        ticket.patient_id,
        ticket.call_id,
        recording,
        ticket.office_due_at,
        ticket.escalated_to_id,
        escalated_to,
        tuple(ticket.assignees or ()),
        ticket.reply,
        ticket.replied_by,
        ticket.replied_at,
        ticket.callback_satisfaction.value if ticket.callback_satisfaction else None,
        ticket.callback_note,
        ticket.called_back_by,
        ticket.called_back_at,
        ticket.closed_by,
        ticket.closed_at,
        tuple(EventRow(e.at, e.actor, e.kind, name, e.note) for e, name in events),
    )


def routing_history(session: Session, limit: int = 5000) -> list[tuple[str, uuid.UUID]]:
    """(text, department) of the latest routed tickets: what the suggestion learns from."""
    rows = session.execute(
        select(Ticket.text, Ticket.department_id)
        .where(Ticket.department_id.is_not(None))
        .order_by(Ticket.opened_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return [(text, department) for text, department in rows if department is not None]


# --- escalation ------------------------------------------------------------------------------


def supervisors_of(session: Session, department_id: uuid.UUID | None) -> list[str]:
    """The department's heads (supervisors of it) and the hospital-wide supervisors."""
    names = []
    for user in session.scalars(select(StaffUser).where(StaffUser.active.is_(True))):
        roles = {user.role.value, *(user.extra_roles or ())}
        if Role.SUPERVISOR.value not in roles:
            continue
        departments = {str(d) for d in (user.extra_departments or ())}
        if user.department_id is not None:
            departments.add(str(user.department_id))
        if not departments or str(department_id) in departments:
            names.append(user.username)
    return sorted(names)


def overdue_steps(session: Session, now: datetime) -> list[Ticket]:
    """Awaiting tickets past their first deadline and not yet at the office."""
    return list(
        session.scalars(
            select(Ticket)
            .where(Ticket.state.in_(AWAITING), Ticket.due_at <= now, Ticket.escalation_level < 2)
            .order_by(Ticket.due_at, Ticket.id)
        )
    )


def escalate(session: Session, ticket: Ticket, now: datetime, office: uuid.UUID | None) -> int:
    """Move the ticket up the levels it is due for; return how many steps were taken. Each
    step is dated by the deadline it passed, so that two workstations make the same change."""
    steps = 0
    if ticket.escalation_level < 1:
        notified = supervisors_of(session, ticket.department_id)
        ticket.state, ticket.escalation_level = TicketState.ESCALATED, 1
        add_event(
            session,
            ticket.id,
            SYSTEM,
            TicketEventKind.ESCALATED,
            ticket.due_at,
            ticket.department_id,
            None,
            {"notified": notified},
            natural_keys.ticket_event_id(ticket.id, "escalated-1"),
        )
        steps += 1
    if ticket.escalation_level < 2 and ticket.office_due_at <= now and office is not None:
        ticket.escalation_level, ticket.escalated_to_id = 2, office
        add_event(
            session,
            ticket.id,
            SYSTEM,
            TicketEventKind.ESCALATED_OFFICE,
            ticket.office_due_at,
            office,
            None,
            {},
            natural_keys.ticket_event_id(ticket.id, "escalated-2"),
        )
        steps += 1
    return steps


def department_names(session: Session, ids: Set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    return {department: name for department, name in rows}


def insert_many(
    session: Session,
    tickets: list[dict[str, object]],
    events: list[dict[str, object]],
    cases: list[dict[str, object]] | None = None,
) -> None:
    """Ready-made tickets, their history and dispute records in bulk (demo data and
    benchmarks): Core executemany on the session's connection, no routing, and, like the
    demo's other rows, nothing queued for the central server."""
    connection = session.connection()
    for model, rows in ((Ticket, tickets), (TicketEvent, events), (DisputeCase, cases or [])):
        if rows:
            # An executemany takes its columns from the first row: a column that only later
            # rows hold (a closed ticket's closed_by) is given to every row, empty where absent.
            keys = {key for row in rows for key in row}
            full = [{key: row.get(key) for key in keys} for row in rows]
            connection.execute(insert(model.__table__), full)  # type: ignore[arg-type]


def feedback_to_convert(
    session: Session, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID | None, str, str, datetime]]:
    """The newest feedback items without a ticket: (id, record, patient, department, kind,
    text, created)."""
    rows = session.execute(
        select(
            FeedbackEntry.id,
            FeedbackEntry.record_id,
            FeedbackEntry.patient_id,
            FeedbackEntry.department_id,
            FeedbackEntry.kind,
            FeedbackEntry.text,
            FeedbackEntry.created_at,
        )
        .where(~exists().where(Ticket.feedback_id == FeedbackEntry.id))
        .order_by(FeedbackEntry.created_at.desc())
        .limit(limit)
    )
    return [(a, b, c, d, e.value, f, g) for a, b, c, d, e, f, g in rows]


def mark_feedback(session: Session, feedback_id: uuid.UUID | None, status: FeedbackStatus) -> None:
    """The form's feedback item follows its ticket (the statistics count closed complaints)."""
    item = session.get(FeedbackEntry, feedback_id) if feedback_id is not None else None
    if item is not None and item.status is not status:
        item.status = status
