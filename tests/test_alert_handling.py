"""Supervisor alerts: acknowledged with a note by a supervisor, escalated from an open form."""

from __future__ import annotations

import uuid

import pytest

from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent, FollowupAlert
from agent_desk.domain.enums import AlertSeverity, AuditAction, Role
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.forms import FormState, load_template
from agent_desk.services.alerts import AlertService
from agent_desk.services.followup import FollowupService, FormSubmission
from tests.builders import AGENT, SUPERVISOR, Hospital


def _phq9_alert(db: Database, hospital: Hospital) -> uuid.UUID:
    answers = {f"phq9_{n}": "not_at_all" for n in range(1, 9)} | {"phq9_9": "several_days"}
    FollowupService(db).submit(
        FormSubmission(
            FormState(load_template("phq9"), answers),
            hospital.patients["wang"],
            hospital.tasks["wang_due"],
            None,
        ),
        AGENT,
    )
    [alert] = AlertService(db).lists(SUPERVISOR).open
    return alert.id


def _audit(db: Database, action: AuditAction) -> list[AuditEvent]:
    with db.read() as session:
        return session.query(AuditEvent).filter(AuditEvent.action == action).all()


def test_a_supervisor_acknowledges_an_alert_with_a_note(db: Database, hospital: Hospital) -> None:
    alert_id = _phq9_alert(db, hospital)
    service = AlertService(db)
    service.acknowledge(alert_id, Principal.of("zhang", [Role.SUPERVISOR]), "已电话联系家属")
    lists = service.lists(SUPERVISOR)
    assert lists.open == []
    [handled] = lists.handled
    assert handled.acknowledged_by == "zhang"
    assert "zhang" in handled.notes and "已电话联系家属" in handled.notes


def test_a_nurse_cannot_acknowledge(db: Database, hospital: Hospital) -> None:
    alert_id = _phq9_alert(db, hospital)
    with pytest.raises(PermissionDenied):
        AlertService(db).acknowledge(alert_id, Principal.of("li", [Role.NURSE]), "seen")
    assert len(AlertService(db).lists(SUPERVISOR).open) == 1


def test_a_second_acknowledgement_keeps_the_first_handler_and_adds_its_note(
    db: Database, hospital: Hospital
) -> None:
    alert_id = _phq9_alert(db, hospital)
    service = AlertService(db)
    service.acknowledge(alert_id, Principal.of("zhang", [Role.SUPERVISOR]), "first")
    service.acknowledge(alert_id, Principal.of("admin", [Role.ADMIN, Role.SUPERVISOR]), "second")
    [handled] = service.lists(SUPERVISOR).handled
    assert handled.acknowledged_by == "zhang"
    assert handled.notes.splitlines()[1].startswith("admin") and "second" in handled.notes


def test_acknowledging_is_audited(db: Database, hospital: Hospital) -> None:
    alert_id = _phq9_alert(db, hospital)
    AlertService(db).acknowledge(alert_id, Principal.of("zhang", [Role.SUPERVISOR]), "called")
    [event] = _audit(db, AuditAction.ALERT_ACKNOWLEDGED)
    assert (event.actor, event.entity_id) == ("zhang", str(alert_id))


def test_the_list_masks_the_phone_number(db: Database, hospital: Hospital) -> None:
    _phq9_alert(db, hospital)
    [alert] = AlertService(db).lists(SUPERVISOR).open
    assert alert.phone is not None and "****" in alert.phone


def test_an_escalated_alert_is_shown_before_submit_and_joined_by_the_record(
    db: Database, hospital: Hospital
) -> None:
    AlertService(db).escalate(
        hospital.patients["wang"],
        "phq9_item9",
        AlertSeverity.CRITICAL,
        "PHQ-9 item 9",
        Principal.of("li", [Role.NURSE]),
    )
    [escalated] = AlertService(db).lists(SUPERVISOR).open
    assert escalated.escalated_by == "li"
    assert len(_audit(db, AuditAction.ALERT_ESCALATED)) == 1
    _phq9_alert(db, hospital)  # the submit finds the escalated alert: still one
    with db.read() as session:
        [alert] = session.query(FollowupAlert).all()
    assert alert.record_id is not None and alert.escalated_by == "li"
