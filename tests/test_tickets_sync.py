"""Tickets between two workstations through the central PostgreSQL: one department sees
what the follow-up centre opened, and two people changing one ticket go to the review."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from agent_desk.db.engine import Database
from agent_desk.db.models import Department, Patient
from agent_desk.db.tickets import NewTicket
from agent_desk.domain.enums import Sex, SyncIssueKind, TicketKind, TicketSource, TicketState
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.tickets import TicketService
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.conflicts import open_issues
from tests.builders import AGENT, SUPERVISOR, nurse_of
from tests.test_sync_support import assert_converged, settle, workstation

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=HOSPITAL_TZ)


def _hospital(db: Database) -> tuple[Department, Department, Patient]:
    with db.write() as session:
        card, orth = Department(code="CARD", name="心内科"), Department(code="ORTH", name="骨科")
        patient = Patient(record_no="T1", name="王秀英", sex=Sex.FEMALE)
        session.add_all([card, orth, patient])
    return card, orth, patient


def _two(tmp_path: Path, central: CentralConfig):  # type: ignore[no-untyped-def]
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    card, orth, patient = _hospital(a)
    ticket = TicketService(a, clock=lambda: NOW).open_ticket(
        NewTicket(
            TicketKind.COMPLAINT,
            TicketSource.CALL,
            "病房夜间太吵",
            patient_id=patient.id,
            department_id=card.id,
        ),
        AGENT,
    )
    settle(a, central)
    settle(b, central)
    return a, b, card, orth, ticket


def test_a_ticket_opened_on_a_is_in_the_departments_list_on_b(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b, card, _orth, ticket = _two(tmp_path, central)
    rows = TicketService(b, clock=lambda: NOW).list_tickets(nurse_of(card.id))
    assert [(r.id, r.department, r.state) for r in rows] == [
        (ticket, "心内科", TicketState.DISPATCHED)
    ]
    TicketService(b, clock=lambda: NOW).reply(ticket, "已整改", nurse_of(card.id))
    settle(b, central)
    settle(a, central)
    assert TicketService(a).detail(ticket, SUPERVISOR).row.state is TicketState.REPLIED
    assert_converged(server, a, b)


def test_two_people_changing_one_ticket_go_to_the_review(
    tmp_path: Path, central: CentralConfig
) -> None:
    a, b, card, orth, ticket = _two(tmp_path, central)
    TicketService(a, clock=lambda: NOW).reply(ticket, "已整改", nurse_of(card.id))
    TicketService(b, clock=lambda: NOW).reroute(ticket, orth.id, SUPERVISOR)
    settle(a, central)
    settle(b, central)
    [issue] = [i for i in open_issues(b) if i.table_name == "tickets"]
    assert issue.kind is SyncIssueKind.CONFLICT and issue.row_id == ticket


def test_two_workstations_escalating_one_ticket_agree(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b, _card, _orth, ticket = _two(tmp_path, central)
    late = datetime(2026, 12, 11, 9, tzinfo=HOSPITAL_TZ)
    for db in (a, b):
        assert TicketService(db).escalate(SUPERVISOR, late).escalated == 1
    settle(a, central)
    settle(b, central)
    settle(a, central)
    assert [i for i in open_issues(b) if i.table_name.startswith("ticket")] == []
    assert TicketService(a).detail(ticket, SUPERVISOR).row.escalation_level == 1
    assert_converged(server, a, b)
