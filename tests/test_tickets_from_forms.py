"""Every feedback item and every red flag of a submitted form opens a ticket in its unit of
work; feedback stored before tickets existed is converted by the migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from agent_desk.db.engine import Database
from agent_desk.db.migrate import downgrade, ensure_schema
from agent_desk.db.models import FeedbackEntry
from agent_desk.db.open import open_local
from agent_desk.db.ticket_models import Ticket
from agent_desk.domain.enums import (
    FeedbackKind,
    RoutedBy,
    TicketKind,
    TicketSeverity,
    TicketSource,
    TicketState,
)
from agent_desk.services.followup import FollowupService, FormSubmission
from tests.builders import AGENT, build_small_hospital
from tests.conftest import TODAY
from tests.test_followup_submit import _general, _phq9


def _tickets(db: Database) -> list[Ticket]:
    with db.read() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.kind)))


def test_a_forms_complaint_becomes_a_ticket_for_the_tasks_department(db: Database) -> None:
    hospital = build_small_hospital(db, TODAY)
    FollowupService(db).submit(
        FormSubmission(
            _general("夜间病房太吵"), hospital.patients["li_a"], hospital.tasks["li_overdue"], None
        ),
        AGENT,
    )
    [ticket] = _tickets(db)
    assert (ticket.kind, ticket.source, ticket.routed_by) == (
        TicketKind.COMPLAINT,
        TicketSource.FORM,
        RoutedBy.FORM,
    )
    assert ticket.department_id == hospital.orthopaedics and ticket.feedback_id is not None


def test_a_red_flag_answer_becomes_a_critical_ticket(db: Database) -> None:
    hospital = build_small_hospital(db, TODAY)
    FollowupService(db).submit(
        FormSubmission(
            _phq9("several_days"), hospital.patients["wang"], hospital.tasks["wang_due"], None
        ),
        AGENT,
    )
    [ticket] = _tickets(db)
    assert (ticket.kind, ticket.severity) == (TicketKind.RED_FLAG, TicketSeverity.CRITICAL)
    assert ticket.department_id == hospital.cardiology  # the task's visit


def test_a_recovery_score_below_the_plans_threshold_raises_a_red_flag(db: Database) -> None:
    hospital = build_small_hospital(db, TODAY)
    service = FollowupService(db, thresholds=lambda plan: 101.0 if plan == "discharge_7d" else None)
    FollowupService(db).submit(
        FormSubmission(
            _general("无"), hospital.patients["li_a"], hospital.tasks["li_overdue"], None
        ),
        AGENT,
    )
    assert _tickets(db) == []  # no threshold: nothing
    service.submit(
        FormSubmission(_general("无"), hospital.patients["wang"], hospital.tasks["wang_due"], None),
        AGENT,
    )
    [flag] = _tickets(db)
    assert flag.kind is TicketKind.RED_FLAG and "低于随访计划的阈值" in flag.text


def test_the_migration_converts_stored_feedback(tmp_path: Path) -> None:
    db = open_local(tmp_path / "old.sqlite3")
    hospital = build_small_hospital(db, TODAY)
    FollowupService(db).submit(
        FormSubmission(
            _general("夜间病房太吵"), hospital.patients["li_a"], hospital.tasks["li_overdue"], None
        ),
        AGENT,
    )
    with db.read() as session:
        [item] = session.scalars(select(FeedbackEntry)).all()
    downgrade(db.engine, "0014")  # the tickets go; the feedback item stays
    assert ensure_schema(db.engine)
    [ticket] = _tickets(db)
    assert (ticket.feedback_id, ticket.source, ticket.state) == (
        item.id,
        TicketSource.MIGRATED,
        TicketState.DISPATCHED,
    )
    assert item.kind is FeedbackKind.COMPLAINT and ticket.kind is TicketKind.COMPLAINT


def test_closing_the_ticket_closes_the_forms_feedback_item(db: Database) -> None:
    from agent_desk.domain.enums import CallbackSatisfaction, FeedbackStatus
    from agent_desk.services.tickets import TicketService
    from tests.builders import nurse_of

    hospital = build_small_hospital(db, TODAY)
    FollowupService(db).submit(
        FormSubmission(
            _general("夜间病房太吵"), hospital.patients["li_a"], hospital.tasks["li_overdue"], None
        ),
        AGENT,
    )
    [ticket] = _tickets(db)
    service = TicketService(db)
    service.reply(ticket.id, "已加强夜间巡视", nurse_of(hospital.orthopaedics))
    service.call_back(ticket.id, CallbackSatisfaction.SATISFIED, "", AGENT)
    with db.read() as session:
        [item] = session.scalars(select(FeedbackEntry)).all()
    assert item.status is FeedbackStatus.CLOSED
