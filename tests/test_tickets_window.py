"""The window's part: 工单 in the menu, 登记投诉 on the call strip for the caller's card."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role, TicketKind, TicketSource
from agent_desk.services.accounts import AccountService
from agent_desk.services.tickets import TicketService
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.call_panel import LineState, LineView
from agent_desk.ui.ticket_dialogs import ComplaintDialog
from tests.builders import SUPERVISOR, Hospital

pytestmark = pytest.mark.usefixtures("qapp")


def _window(qtbot, db: Database, tmp_path: Path, role: Role):  # type: ignore[no-untyped-def]
    accounts = AccountService(db)
    admin = accounts.create_first_admin("administrator")
    accounts.add_user(admin.principal, "user1", "a long enough password", [role])
    user = accounts.login("user1", "a long enough password")
    assert user is not None
    window = build_main_window(db, Settings(tmp_path / "settings.json"), user)
    qtbot.addWidget(window)
    return window


def test_an_agent_registers_a_complaint_for_the_callers_card(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, db, tmp_path, Role.AGENT)
    window.open_patient(hospital.patients["wang"])
    window.call_panel.show_line(LineView(LineState.TALKING, "王秀英"))
    assert window.call_panel.complaint_button.isVisibleTo(window)

    def fill(dialog: ComplaintDialog) -> QDialog.DialogCode:
        dialog.text.setPlainText("挂号窗口态度差")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ComplaintDialog, "exec", fill)
    window.call_panel.complaint_button.click()
    [row] = TicketService(db).list_tickets(SUPERVISOR)
    assert (row.kind, row.patient_name, row.text) == (
        TicketKind.COMPLAINT,
        "王秀英",
        "挂号窗口态度差",
    )
    assert TicketService(db).detail(row.id, SUPERVISOR).source is TicketSource.CALL


def test_the_tickets_screen_is_in_the_menu_and_supervisors_run_the_escalation_timer(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    window = _window(qtbot, db, tmp_path, Role.SUPERVISOR)
    action = window.findChild(QAction, "tickets_action")
    assert action is not None
    action.trigger()
    assert window.tickets_ui is not None and window.tickets_ui.timer is not None
    assert window.tickets_ui.timer.isActive()
