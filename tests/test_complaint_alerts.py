"""A complaint heard on a follow-up reaches the supervisors' alerts screen, with its words
and its department, and is acknowledged there as any alert is."""

from __future__ import annotations

import json
import uuid

import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.enums import AlertSeverity, Role
from agent_desk.domain.permissions import Principal
from agent_desk.domain.views import StaffView
from agent_desk.forms import FormState
from agent_desk.forms.parse import parse_template
from agent_desk.forms.registry import builtin_root
from agent_desk.services.alerts import AlertService
from agent_desk.services.followup import FollowupService, FormSubmission
from agent_desk.ui.alerts_dialog import AlertsDialog
from tests.builders import AGENT, Hospital
from tests.test_followup_submit import _general

SUPERVISOR = Principal.of("zhang", [Role.SUPERVISOR])

COMPLAINT = "夜间病房太吵，护士呼叫不应"


def _submit(db: Database, hospital: Hospital, state: FormState) -> None:
    FollowupService(db).submit(
        FormSubmission(state, hospital.patients["li_a"], hospital.tasks["li_overdue"], None), AGENT
    )


def _without_alert_rules(state: FormState) -> FormState:
    """The same form from a template that marks the complaint but sets no alert on it."""
    path = builtin_root() / "general_discharge" / "1.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw.pop("alerts", None)
    return FormState(parse_template(raw), dict(state.record_answers()))


def test_the_complaints_words_and_department_join_the_templates_alert(
    db: Database, hospital: Hospital
) -> None:
    _submit(db, hospital, _general(COMPLAINT))
    [alert] = AlertService(db).lists(SUPERVISOR).open
    assert f"投诉：{COMPLAINT}" in alert.text
    assert alert.department == "骨科"


def test_a_template_without_an_alert_rule_still_alerts_on_a_complaint(
    db: Database, hospital: Hospital
) -> None:
    _submit(db, hospital, _without_alert_rules(_general(COMPLAINT)))
    [alert] = AlertService(db).lists(SUPERVISOR).open
    assert (alert.text, alert.severity, alert.department) == (
        f"投诉：{COMPLAINT}",
        AlertSeverity.WARNING,
        "骨科",
    )


def test_a_form_without_a_complaint_raises_no_complaint_alert(
    db: Database, hospital: Hospital
) -> None:
    _submit(db, hospital, _without_alert_rules(_general("")))
    assert AlertService(db).lists(SUPERVISOR).open == []


def test_a_complaint_is_acknowledged_with_a_note_like_any_alert(
    db: Database, hospital: Hospital
) -> None:
    _submit(db, hospital, _without_alert_rules(_general(COMPLAINT)))
    service = AlertService(db)
    [alert] = service.lists(SUPERVISOR).open
    service.acknowledge(alert.id, SUPERVISOR, "已向骨科反馈并回电患者")
    [handled] = service.lists(SUPERVISOR).handled
    assert (handled.acknowledged_by, handled.department) == ("zhang", "骨科")
    assert "已向骨科反馈" in handled.notes


@pytest.mark.usefixtures("qapp")
def test_the_alerts_screen_shows_the_complaint_and_its_department(
    qtbot, db: Database, hospital: Hospital
) -> None:
    _submit(db, hospital, _general(COMPLAINT))
    supervisor = StaffView(uuid.uuid4(), "zhang", "zhang", Role.SUPERVISOR, None, None, True)
    dialog = AlertsDialog(AlertService(db), supervisor)
    qtbot.addWidget(dialog)
    assert COMPLAINT in dialog.open_table.item(0, 3).text()
    assert dialog.open_table.item(0, 6).text() == "骨科"
