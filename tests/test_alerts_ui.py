"""The supervisors' alerts screen, and 上报主管 on the PHQ-9 banner of an open form."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from agent_desk.db.engine import Database
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.enums import AlertSeverity, Role
from agent_desk.domain.permissions import Principal
from agent_desk.domain.phones import PhonePlan
from agent_desk.domain.views import StaffView
from agent_desk.forms import DraftStore, default_library
from agent_desk.services.alerts import AlertService
from agent_desk.services.followup import FollowupService
from agent_desk.services.patients import PatientService
from agent_desk.ui.alerts_dialog import AlertsDialog
from agent_desk.ui.followup_panel import FollowupPanel
from tests.builders import SUPERVISOR, Hospital

pytestmark = pytest.mark.usefixtures("qapp")


def _staff(username: str, role: Role) -> StaffView:
    return StaffView(uuid.uuid4(), username, username, role, None, None, True)


def _escalated(db: Database, hospital: Hospital) -> None:
    AlertService(db).escalate(
        hospital.patients["wang"],
        "phq9_item9",
        AlertSeverity.CRITICAL,
        "PHQ-9 第9题阳性",
        Principal.of("li", [Role.NURSE]),
    )


def test_the_open_alert_is_listed_with_who_escalated_it(
    qtbot, db: Database, hospital: Hospital
) -> None:
    _escalated(db, hospital)
    dialog = AlertsDialog(AlertService(db), _staff("zhang", Role.SUPERVISOR))
    qtbot.addWidget(dialog)
    assert dialog.open_table.rowCount() == 1
    assert dialog.open_table.item(0, 3).text() == "PHQ-9 第9题阳性"
    assert dialog.open_table.item(0, 5).text().startswith("li ·")
    assert dialog.handled_table.rowCount() == 0


def test_acknowledging_moves_the_alert_to_handled_with_the_name(
    qtbot, db: Database, hospital: Hospital
) -> None:
    _escalated(db, hospital)
    dialog = AlertsDialog(AlertService(db), _staff("zhang", Role.SUPERVISOR))
    qtbot.addWidget(dialog)
    dialog.note.setText("已联系家属")
    qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    assert dialog.open_table.rowCount() == 0
    assert dialog.handled_table.item(0, 4).text() == "zhang"
    assert "已联系家属" in dialog.handled_table.item(0, 6).text()


def test_the_escalate_button_puts_the_alert_before_the_supervisor_at_once(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = FollowupPanel(
        FollowupService(db),
        DraftStore(tmp_path / "drafts"),
        default_library(),
        None,
        "en",
        60_000,
        alerts=AlertService(db),
        principal=Principal.of("nurse1", [Role.NURSE]),
    )
    qtbot.addWidget(panel)
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(
        hospital.patients["wang"], Principal.of("nurse1", [Role.NURSE], [hospital.cardiology])
    )
    assert card is not None
    panel.open_for(card, card.open_tasks[0])
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("phq9"))
    panel.template_combo.activated.emit(panel.template_combo.currentIndex())
    assert panel.view is not None
    assert not panel.view.escalate_button.isVisibleTo(panel)
    qtbot.keyClick(panel.view.rows["phq9_9"].editor, Qt.Key.Key_2)
    assert panel.view.escalate_button.isVisibleTo(panel)
    qtbot.mouseClick(panel.view.escalate_button, Qt.MouseButton.LeftButton)
    [alert] = AlertService(db).lists(SUPERVISOR).open
    assert alert.escalated_by == "nurse1"
    assert not panel.view.escalate_button.isEnabled()
    assert panel.view is not None and panel.card is card  # the form stays open


@pytest.mark.parametrize(
    ("roles", "shown"), [([Role.ADMIN, Role.SUPERVISOR], True), ([Role.ADMIN], False)]
)
def test_the_alerts_screen_is_in_the_menu_of_an_administrator_only_when_also_a_supervisor(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path, roles: list[Role], shown: bool
) -> None:
    from agent_desk.services.accounts import AccountService
    from agent_desk.settings import Settings
    from agent_desk.ui.app import build_main_window

    accounts = AccountService(db)
    accounts.create_first_admin("administrator", roles=roles)
    window = build_main_window(
        db, Settings(tmp_path / "s.json"), accounts.login("admin", "administrator")
    )
    qtbot.addWidget(window)
    texts = [a.text() for menu in window.menuBar().actions() for a in menu.menu().actions()]
    assert ("Supervisor alerts…" in texts) is shown
