"""Tickets: routing, deadlines, escalation, closing by callback, and the dispute record."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent, Department, StaffUser
from agent_desk.db.tickets import NewTicket, TicketFilter
from agent_desk.domain.enums import (
    AuditAction,
    CallbackSatisfaction,
    Role,
    RoutedBy,
    TicketEventKind,
    TicketKind,
    TicketSource,
    TicketState,
)
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.tickets import TicketError, TicketService
from tests.builders import AGENT, SUPERVISOR, Hospital, nurse_of

# Thursday 3 December 2026, 10:00 in the hospital.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=HOSPITAL_TZ)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _service(db: Database, clock: Clock | None = None) -> TicketService:
    return TicketService(db, office=lambda: "YWC", clock=clock or Clock(NOW))


def _complaint(hospital: Hospital, text: str = "护士态度不好", **fields: object) -> NewTicket:
    values: dict[str, object] = {"patient_id": hospital.patients["wang"], **fields}
    return NewTicket(TicketKind.COMPLAINT, TicketSource.CALL, text, **values)  # type: ignore[arg-type]


def _office(db: Database) -> uuid.UUID:
    with db.write() as session:
        office = Department(code="YWC", name="医务处")
        session.add(office)
        session.flush()
        return office.id


def test_the_department_named_on_the_call_comes_first(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    ticket = service.open_ticket(_complaint(hospital, department_id=hospital.orthopaedics), AGENT)
    detail = service.detail(ticket, SUPERVISOR)
    assert (detail.row.department_id, detail.routed_by) == (hospital.orthopaedics, RoutedBy.FORM)
    assert detail.row.state is TicketState.DISPATCHED


def test_else_the_patients_visit_routes_it(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    detail = service.detail(service.open_ticket(_complaint(hospital), AGENT), SUPERVISOR)
    assert (detail.row.department_id, detail.routed_by) == (hospital.cardiology, RoutedBy.ENCOUNTER)


def test_else_a_keyword_rule_routes_it(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    service.set_rule("停车", hospital.orthopaedics, SUPERVISOR)
    unknown = NewTicket(TicketKind.SUGGESTION, TicketSource.CALL, "停车场太小，找不到车位")
    detail = service.detail(service.open_ticket(unknown, AGENT), SUPERVISOR)
    assert (detail.row.department_id, detail.routed_by) == (hospital.orthopaedics, RoutedBy.RULE)


def test_with_nothing_to_go_by_it_waits_for_a_supervisor(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    ticket = service.open_ticket(
        NewTicket(TicketKind.SUGGESTION, TicketSource.CALL, "希望增加夜间门诊"), AGENT
    )
    assert service.detail(ticket, SUPERVISOR).row.state is TicketState.NEW
    service.reroute(ticket, hospital.cardiology, SUPERVISOR, "心内科夜诊")
    detail = service.detail(ticket, SUPERVISOR)
    assert detail.row.state is TicketState.DISPATCHED
    assert detail.events[-1].kind is TicketEventKind.ROUTED


def test_a_reroute_is_audited_and_only_for_supervisors(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    ticket = service.open_ticket(_complaint(hospital), AGENT)
    with pytest.raises(PermissionDenied):
        service.reroute(ticket, hospital.orthopaedics, nurse_of(hospital.cardiology))
    service.reroute(ticket, hospital.orthopaedics, SUPERVISOR, "是骨科的护士")
    with db.read() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == str(ticket))
        ).all()
    assert actions == [AuditAction.TICKET_REROUTED]


def test_the_suggestion_learns_from_earlier_routings(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    for text in ("骨折术后伤口疼痛", "石膏太紧", "骨科换药不及时"):
        service.open_ticket(_complaint(hospital, text, department_id=hospital.orthopaedics), AGENT)
    for text in ("心电图排队太久", "心内科医生解释血压药不清楚"):
        service.open_ticket(_complaint(hospital, text, department_id=hospital.cardiology), AGENT)
    ticket = service.open_ticket(
        NewTicket(TicketKind.CRITICISM, TicketSource.CALL, "骨折的伤口换药太慢"), AGENT
    )
    suggestion = service.suggest(ticket, SUPERVISOR)
    assert suggestion is not None and suggestion.department_id == hospital.orthopaedics
    assert service.detail(ticket, SUPERVISOR).row.department_id is None  # never applied unasked


def test_a_complaints_deadline_is_five_working_days(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    detail = service.detail(service.open_ticket(_complaint(hospital), AGENT), SUPERVISOR)
    # Thursday 10:00 + 5 working days: Friday, Monday … Thursday 10 December 10:00.
    assert detail.row.due_at == datetime(2026, 12, 10, 10, tzinfo=HOSPITAL_TZ)
    service.set_deadline(TicketKind.COMPLAINT, 3, 2, SUPERVISOR)
    second = service.detail(service.open_ticket(_complaint(hospital), AGENT), SUPERVISOR)
    assert second.row.due_at == datetime(2026, 12, 8, 10, tzinfo=HOSPITAL_TZ)


def test_an_overdue_ticket_goes_to_the_head_then_to_the_office(
    db: Database, hospital: Hospital
) -> None:
    office = _office(db)
    with db.write() as session:
        session.add(
            StaffUser(
                username="head_card",
                display_name="心内科主任",
                role=Role.SUPERVISOR,
                department_id=hospital.cardiology,
            )
        )
    clock = Clock(NOW)
    service = _service(db, clock)
    ticket = service.open_ticket(_complaint(hospital), AGENT)
    late = datetime(2026, 12, 10, 11, tzinfo=HOSPITAL_TZ)
    assert (
        service.escalate(SUPERVISOR, datetime(2026, 12, 10, 9, tzinfo=HOSPITAL_TZ)).escalated == 0
    )
    report = service.escalate(SUPERVISOR, late)
    assert (report.escalated, report.to_office) == (1, 0)
    clock.at = late
    detail = service.detail(ticket, SUPERVISOR)
    assert detail.row.state is TicketState.ESCALATED and detail.row.overdue
    step = detail.events[-1]
    assert step.kind is TicketEventKind.ESCALATED and step.at == detail.row.due_at
    assert service.escalate(SUPERVISOR, late).escalated == 0  # once
    # The second deadline, two working days on: Saturday and Sunday do not count.
    assert (
        service.escalate(SUPERVISOR, datetime(2026, 12, 14, 11, tzinfo=HOSPITAL_TZ)).to_office == 1
    )
    office_staff = Principal.of("ywc1", [Role.NURSE], [office])
    assert service.detail(ticket, office_staff).escalated_to == "医务处"


def test_escalation_waits_for_working_hours(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    service.open_ticket(_complaint(hospital), AGENT)
    midnight = datetime(2026, 12, 11, 0, 5, tzinfo=HOSPITAL_TZ)
    assert service.escalate(SUPERVISOR, midnight).skipped_outside_hours
    assert service.list_tickets(SUPERVISOR, TicketFilter(state=TicketState.ESCALATED)) == []


def test_a_complaint_closes_only_after_the_callback(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    ticket = service.open_ticket(_complaint(hospital), AGENT)
    nurse = nurse_of(hospital.cardiology)
    with pytest.raises(TicketError, match="has not replied"):
        service.call_back(ticket, CallbackSatisfaction.SATISFIED, "", AGENT)
    service.reply(ticket, "已与当班护士谈话，向患者致歉", nurse)
    with pytest.raises(TicketError, match="called back"):
        service.close(ticket, AGENT)
    service.call_back(ticket, CallbackSatisfaction.PARTLY, "患者表示接受", AGENT)
    detail = service.detail(ticket, SUPERVISOR)
    assert detail.row.state is TicketState.CLOSED
    assert detail.callback_satisfaction == "partly"
    assert [e.kind for e in detail.events][-3:] == [
        TicketEventKind.REPLIED,
        TicketEventKind.CALLED_BACK,
        TicketEventKind.CLOSED,
    ]


def test_another_departments_nurse_cannot_reply(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    ticket = service.open_ticket(_complaint(hospital), AGENT)
    with pytest.raises(TicketError, match="no ticket"):
        service.reply(ticket, "不是我们科的", nurse_of(hospital.orthopaedics))


def test_praise_closes_once_passed_on(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    praise = NewTicket(
        TicketKind.PRAISE, TicketSource.CALL, "感谢王护士", patient_id=hospital.patients["wang"]
    )
    ticket = service.open_ticket(praise, AGENT)
    service.reply(ticket, "已在科室晨会通报表扬", nurse_of(hospital.cardiology))
    service.close(ticket, AGENT)
    assert service.detail(ticket, SUPERVISOR).row.state is TicketState.CLOSED


def test_a_dispute_record_is_for_supervisors_and_the_assigned_and_every_view_is_audited(
    db: Database, hospital: Hospital
) -> None:
    service = _service(db)
    dispute = _complaint(hospital, "术后感染，家属要求赔偿")
    ticket = service.open_ticket(
        NewTicket(TicketKind.DISPUTE, dispute.source, dispute.text, dispute.patient_id), AGENT
    )
    nurse = nurse_of(hospital.cardiology)
    with pytest.raises(PermissionDenied):
        service.case(ticket, nurse)
    record = service.case(ticket, SUPERVISOR)
    service.save_case(
        ticket, record.__class__("术后第三天切口感染", "主治医师、家属", "", "", ""), SUPERVISOR
    )
    service.assign(ticket, ["nurse1"], SUPERVISOR)
    assert service.case(ticket, nurse).what_happened == "术后第三天切口感染"
    with db.read() as session:
        views = session.scalars(
            select(AuditEvent.actor).where(
                AuditEvent.action == AuditAction.VIEW_DISPUTE_CASE,
                AuditEvent.entity_id == str(ticket),
            )
        ).all()
    assert sorted(views) == ["nurse1", "supervisor"]


def test_open_tickets_for_a_nurse_are_her_departments(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    mine = service.open_ticket(_complaint(hospital), AGENT)
    service.open_ticket(_complaint(hospital, department_id=hospital.orthopaedics), AGENT)
    assert [r.id for r in service.open_tickets_for(nurse_of(hospital.cardiology))] == [mine]
    service.reply(mine, "已处理", nurse_of(hospital.cardiology))
    assert service.open_tickets_for(nurse_of(hospital.cardiology)) == []
