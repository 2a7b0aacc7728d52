"""审计日志 in the window: who sees the menu entry, what the dialog shows and exports."""

from __future__ import annotations

import csv
from concurrent.futures import Executor
from pathlib import Path

import pytest

from PySide6.QtGui import QAction

from agent_desk.db import audit, staff
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.views import StaffView
from agent_desk.services.accounts import AccountService
from agent_desk.services.audit_log import AuditLogService
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.audit_log_view import AuditLogDialog, Column
from agent_desk.ui.background import Background
from agent_desk.ui.main_window import MainWindow
from tests.builders import Hospital
from tests.conftest import TODAY
from tests.executors import Held, Immediate
from tests.test_audit_log import record_events

pytestmark = pytest.mark.usefixtures("qapp")


def _login(db: Database, name: str, role: Role) -> StaffView:
    with db.write() as session:
        staff.add_user(session, name, "a long password", role, None, name)
    user = AccountService(db).login(name, "a long password")
    assert user is not None
    return user


def _window(qtbot, db: Database, tmp_path: Path, user: StaffView) -> MainWindow:
    win = build_main_window(db, Settings(tmp_path / f"{user.username}.json"), user)
    qtbot.addWidget(win)
    return win


def _audit_action(win: MainWindow) -> QAction | None:
    return win.findChild(QAction, "audit_log_action")


def test_only_supervisors_and_admins_have_the_audit_log_in_the_menu(
    qtbot, db: Database, tmp_path: Path
) -> None:
    shown = [
        role
        for role in Role
        if _audit_action(_window(qtbot, db, tmp_path, _login(db, f"u_{role}", role)))
    ]
    assert shown == [Role.SUPERVISOR, Role.ADMIN]


def test_the_menu_entry_opens_the_audit_log(qtbot, db: Database, tmp_path: Path) -> None:
    win = _window(qtbot, db, tmp_path, _login(db, "qc2", Role.SUPERVISOR))
    action = _audit_action(win)
    assert action is not None
    action.trigger()
    dialog = win.findChild(AuditLogDialog)
    assert dialog is not None and dialog.isVisible()


def _dialog(qtbot, db: Database, executor: Executor | None = None) -> AuditLogDialog:
    # The background helper runs the query at once on this thread: what arrives is tested.
    background = Background(executor or Immediate())
    dialog = AuditLogDialog(
        AuditLogService(db), _login(db, "qc1", Role.SUPERVISOR), TODAY, background
    )
    qtbot.addWidget(dialog)
    return dialog


def _column(dialog: AuditLogDialog, column: Column) -> list[str]:
    model = dialog.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_filtering_by_user_fills_the_table(qtbot, db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    dialog = _dialog(qtbot, db)
    dialog.date_to.setDate(dialog.date_to.date().currentDate())  # the events are dated now
    dialog.user_box.setText("nurse1")
    dialog.search()
    assert _column(dialog, Column.USER) == ["nurse1", "nurse1"]


def test_filtering_by_action_fills_the_table(qtbot, db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    dialog = _dialog(qtbot, db)
    dialog.date_to.setDate(dialog.date_to.date().currentDate())
    dialog.action_combo.setCurrentIndex(dialog.action_combo.findData(AuditAction.SEARCH))
    dialog.search()
    assert _column(dialog, Column.USER) == ["agent1"]
    assert "13812345678" not in _column(dialog, Column.DETAIL)[0]


def test_export_writes_the_rows_shown(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    record_events(db, hospital)
    dialog = _dialog(qtbot, db)
    dialog.date_to.setDate(dialog.date_to.date().currentDate())
    dialog.user_box.setText("agent1")
    dialog.search()
    dialog.export_to(tmp_path / "audit.csv")
    assert dialog.count_label.text() == "Events exported: 2"
    with (tmp_path / "audit.csv").open(encoding="utf-8-sig", newline="") as f:
        users = [row[1] for row in list(csv.reader(f))[1:]]
    assert users == _column(dialog, Column.USER)


def test_the_dialog_of_a_later_day_shows_nothing_of_today(
    qtbot, db: Database, hospital: Hospital
) -> None:
    with db.write() as session:
        audit.record(session, "nurse1", AuditAction.LOGIN, "staff", "nurse1")
    dialog = _dialog(qtbot, db)
    dialog.date_from.setDate(dialog.date_from.date().currentDate().addDays(1))
    dialog.date_to.setDate(dialog.date_to.date().currentDate().addDays(2))
    dialog.search()
    assert dialog.model.rowCount() == 0


def test_a_page_read_for_an_older_filter_is_not_shown(
    qtbot, db: Database, hospital: Hospital
) -> None:
    record_events(db, hospital)
    server = Held()  # the query waits, as a large one would, off the GUI thread
    dialog = _dialog(qtbot, db, server)
    server.release()  # the opening search
    dialog.date_to.setDate(dialog.date_to.date().currentDate())
    dialog.user_box.setText("nurse1")
    dialog.search()
    dialog.user_box.setText("agent1")
    dialog.search()
    assert _column(dialog, Column.USER) == []  # nothing shown while both are read
    server.release(newest_first=True)  # the older query's page arrives last
    assert _column(dialog, Column.USER) == ["agent1", "agent1"]
