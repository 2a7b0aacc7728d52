"""The window as a nurse uses it: keyboard first, masked identifiers, Chinese by default."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from agent_desk.db.engine import Database
from agent_desk.db.worklist import WorklistFilter
from agent_desk.domain.enums import Role, WorklistView
from agent_desk.domain.permissions import Permission
from agent_desk.domain.phones import PhonePlan
from agent_desk.domain.views import StaffView
from agent_desk.foreground import FOREGROUND, ForegroundGate
from agent_desk.forms import Draft, DraftStore
from agent_desk.services.accounts import AccountService
from agent_desk.services.calls import CallService
from agent_desk.services.worklist import WorklistService
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.i18n import install_translators
from agent_desk.ui.login_dialog import LoginDialog
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.patient_chooser import PatientChooser
from agent_desk.ui.worklist_model import Column, WorklistModel
from tests.builders import Hospital, add_patient, add_task
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("qapp")


def _admin(db: Database) -> StaffView:
    accounts = AccountService(db)
    accounts.create_first_admin("administrator")
    user = accounts.login("admin", "administrator")
    assert user is not None and user.role is Role.ADMIN
    return user


@pytest.fixture
def window(qtbot, db: Database, hospital: Hospital, tmp_path: Path) -> MainWindow:
    settings = Settings(tmp_path / "settings.json")
    win = build_main_window(db, settings, _admin(db))
    win._today = lambda: TODAY  # the hand-made hospital is dated around TODAY
    win.reload_worklist()
    qtbot.addWidget(win)
    win.show()
    return win


def controller_for(
    win: MainWindow, db: Database, foreground: ForegroundGate = FOREGROUND
) -> CallController:
    """A call controller on *win*, wired as the workstation wires it, with no line."""
    return CallController(
        CallService(db, win.patients.index, PhonePlan(), None, win.user.principal),
        win.patients,
        win.card,
        win.call_panel,
        win.statusBar(),
        win.user.principal,
        win.background,
        parent=win,
        foreground=foreground,
    )


def _card_text(win: MainWindow) -> str:
    return " ".join(label.text() for label in win.card.findChildren(QLabel))


def test_first_run_asks_for_the_admin_password(qtbot, db: Database) -> None:
    dialog = LoginDialog(AccountService(db))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.first_run and dialog.username.text() == "admin"
    qtbot.keyClicks(dialog.password, "administrator")
    qtbot.keyClicks(dialog.repeat, "administrator")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.user is not None and dialog.user.username == "admin"


def test_the_first_account_sees_the_worklist(qtbot, db: Database) -> None:
    """Whoever sets the centre up is its supervisor too: `make run` shows the demo's work."""
    dialog = LoginDialog(AccountService(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "administrator")
    qtbot.keyClicks(dialog.repeat, "administrator")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.user is not None
    assert dialog.user.principal.may(Permission.VIEW_RECORDS)


def test_a_plain_admins_window_shows_no_patient(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    accounts = AccountService(db)
    accounts.create_first_admin("administrator", roles=[Role.ADMIN])
    user = accounts.login("admin", "administrator")
    assert user is not None
    win = build_main_window(db, Settings(tmp_path / "settings.json"), user)
    qtbot.addWidget(win)
    win._today = lambda: TODAY
    win.reload_worklist()
    assert win.model.rowCount() == 0 and not win.search_box.isEnabled()


def test_wrong_password_says_so_and_stays_open(qtbot, db: Database) -> None:
    _admin(db)
    dialog = LoginDialog(AccountService(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "guess")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is None
    assert dialog.error.text() == "Wrong user name or password."


def test_worklist_opens_on_today_and_switches_with_the_keyboard(qtbot, window: MainWindow) -> None:
    assert window.model.rowCount() == 1 and window.model.row_at(0).patient_name == "王秀英"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_filter().view is WorklistView.OVERDUE
    assert [window.model.row_at(0).patient_name] == ["李建国"]


def test_selecting_a_row_shows_the_masked_card(qtbot, window: MainWindow) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    text = _card_text(window)
    assert "王秀英" in text
    assert "110101********123X" in text and "11010119500307123X" not in text
    assert "138****8000" in text and "13800138000" not in text
    flags = [
        label.text()
        for label in window.card.findChildren(QLabel, "riskFlag")
        if label.isVisibleTo(window.card)  # the card reuses its flags: the unused are hidden
    ]
    assert flags == ["Allergy: 青霉素过敏", "Cardiac: 冠心病"]
    assert window.card.selected_task() is not None


def test_search_by_phone_from_the_keyboard(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "+86 138-0013-8000")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.card.card is not None and window.card.card.name == "王秀英"


def test_shared_number_lets_the_user_choose(qtbot, window: MainWindow) -> None:
    seen: list[list[str]] = []

    def pick_second() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PatientChooser)
        items = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
        seen.append([item.text(0) for item in items])
        dialog.list.setCurrentItem(items[1])
        dialog.accept()

    QTimer.singleShot(0, pick_second)
    window.search_box.setText("010 8765 4321")
    window.run_search()
    assert len(seen[0]) == 2
    assert window.card.card is not None and window.card.card.name == seen[0][1]


def test_empty_and_malformed_searches_explain_themselves(window: MainWindow) -> None:
    window.search_box.setText("  ")
    window.run_search()
    assert window.statusBar().currentMessage().startswith("Type a phone number")
    window.search_box.setText("1234567")
    window.run_search()
    assert "is not a valid phone number" in window.statusBar().currentMessage()
    assert window.card.card is None


def test_nurse_sees_only_her_department(qtbot, db: Database, hospital: Hospital, tmp_path) -> None:
    from agent_desk.db import staff

    with db.write() as session:
        staff.add_user(session, "nurse_orth", "long enough", Role.NURSE, "ORTH")
    user = AccountService(db).login("nurse_orth", "long enough")
    win = build_main_window(db, Settings(tmp_path / "s.json"), user)
    qtbot.addWidget(win)
    assert not win.department_combo.isEnabled()
    assert win.current_filter().department_id == hospital.orthopaedics


def test_model_fetches_more_rows_as_the_list_scrolls(db: Database, hospital: Hospital) -> None:
    add_patient(db, hospital, "many", "赵多", "D000000099", [])
    for number in range(25):
        add_task(db, hospital, f"t{number}", "many", hospital.cardiology, TODAY)
    model = WorklistModel(WorklistService(db), page_size=10)
    model.set_filter(WorklistFilter(WorklistView.DUE, TODAY))
    assert (model.rowCount(), model.total, model.canFetchMore()) == (10, 26, True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 26


def test_chinese_is_the_default_language(qtbot, db: Database, hospital: Hospital, tmp_path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert settings.get("ui.language") == "zh_CN"
    app = QApplication.instance()
    translators = install_translators(app, settings.get("ui.language"))
    try:
        win = build_main_window(db, settings, _admin(db))
        qtbot.addWidget(win)
        assert win.windowTitle() == "随访工作站"
        assert (
            win.model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            == "患者"
        )
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def test_a_chinese_font_is_installed() -> None:
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert families, "no CJK font: install fonts-wqy-microhei (make test does it as root)"


def test_uncaught_exception_is_logged_and_shown(qtbot, tmp_path: Path, caplog) -> None:
    import sys

    from agent_desk.ui import excepthook

    excepthook.install(tmp_path / "agent_desk.log")
    shown: list[str] = []
    QTimer.singleShot(
        0,
        lambda: (
            shown.append(QApplication.activeModalWidget().text())
            or QApplication.activeModalWidget().accept()
        ),
    )
    try:
        raise RuntimeError("disk on fire")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "uncaught exception" in caplog.text
    assert "disk on fire" in shown[0]
    assert isinstance(QApplication.activeModalWidget(), QMessageBox | type(None))


def _selected_names(win: MainWindow) -> list[str]:
    rows = win.table.selectionModel().selectedRows()
    return [win.model.row_at(index.row()).patient_name for index in rows]


def test_the_highlighted_row_is_the_patient_on_the_card(qtbot, window: MainWindow) -> None:
    window.search_box.setText("13800138000")
    window.run_search()
    assert window.card.card is not None and window.card.card.name == "王秀英"
    assert _selected_names(window) == ["王秀英"]
    window.search_box.setText("13912345678")  # 李建国: no task due today
    window.run_search()
    assert window.card.card is not None and window.card.card.name == "李建国"
    assert _selected_names(window) == []


def test_after_a_submit_the_next_task_opens(
    qtbot, db: Database, hospital: Hospital, window: MainWindow
) -> None:
    add_patient(db, hospital, "zhao", "赵敏", "D000000009", [])
    add_task(db, hospital, "zhao_due", "zhao", hospital.cardiology, TODAY)
    window.reload_worklist()
    window.table.selectRow(0)
    assert window.card.card is not None and window.card.card.name == "王秀英"
    panel = window.followup
    panel.outcome.setCurrentIndex(panel.outcome.findData("no_answer"))
    panel.submit()
    assert window.card.card is not None and window.card.card.name == "赵敏"
    assert _selected_names(window) == ["赵敏"]
    assert panel.task is not None and panel.task.id == hospital.tasks["zhao_due"]
    assert panel.outcome.currentData() is None


def test_a_task_past_its_due_date_says_how_late_it_is(db: Database, hospital: Hospital) -> None:
    add_task(db, hospital, "wang_late", "wang", hospital.cardiology, TODAY - timedelta(days=3))
    model = WorklistModel(WorklistService(db))
    model.set_filter(WorklistFilter(WorklistView.DUE, TODAY))
    due = {model.row_at(row).task_id: model.index(row, Column.DUE) for row in range(2)}
    late = due[hospital.tasks["wang_late"]]
    assert late.data().endswith("3 days overdue")
    assert late.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert due[hospital.tasks["wang_due"]].data() == "2026-11-23"


def test_the_worklist_offers_the_drafts_it_holds_at_start(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    task = str(hospital.tasks["wang_due"])
    DraftStore(tmp_path / "drafts").save(Draft(task, "nrs", "1", {}, task_id=task))
    win = build_main_window(db, Settings(tmp_path / "settings.json"), _admin(db))
    win._today = lambda: TODAY
    win.reload_worklist()
    qtbot.addWidget(win)
    assert win.model.index(0, Column.NAME).data() == "王秀英 · Draft"
    assert win.drafts_label.text() == "Drafts: 1"


def test_text_typed_and_never_left_survives_sigkill(
    qtbot, db: Database, hospital: Hospital, data_dir
) -> None:
    _admin(db)
    login = ["admin", "administrator"]
    typing = [str(hospital.patients["wang"]), "7", "100"]  # patient, text, autosave ms
    nurse = subprocess.Popen(
        [sys.executable, "-m", "tests.typing_nurse", str(data_dir.root), *login, *typing],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert nurse.stdout is not None and nurse.stdout.readline().strip() == "typed"
    finally:
        nurse.send_signal(signal.SIGKILL)
        nurse.wait(10)
    win = build_main_window(db, Settings(data_dir.root / "settings.json"), _admin_login(db))
    win._today = lambda: TODAY
    win.reload_worklist()
    qtbot.addWidget(win)
    assert win.model.index(0, Column.NAME).data() == "王秀英 · Draft"
    win.table.selectRow(0)
    view = win.followup.view
    assert view is not None and view.template.code == "nrs"
    pain = view.rows["nrs_pain"].editor
    assert isinstance(pain, QLineEdit) and pain.text() == "7"


def _admin_login(db: Database) -> StaffView:
    user = AccountService(db).login("admin", "administrator")
    assert user is not None
    return user


def test_ctrl_n_opens_the_next_patient_of_the_list(
    qtbot, db: Database, hospital: Hospital, window: MainWindow
) -> None:
    add_patient(db, hospital, "zhao", "赵敏", "D000000009", [])
    add_task(db, hospital, "zhao_due", "zhao", hospital.cardiology, TODAY)
    window.reload_worklist()
    window.table.selectRow(0)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.card.card is not None and window.card.card.name == "赵敏"
    assert _selected_names(window) == ["赵敏"]


def test_the_window_fits_a_small_screen(window: MainWindow) -> None:
    """A 1366x768 ward PC (the offscreen screen is smaller still): the status bar shows."""
    from PySide6.QtGui import QGuiApplication

    room = QGuiApplication.primaryScreen().availableGeometry()
    assert room.height() < 820  # else this test would prove nothing
    assert window.height() <= room.height() and window.width() <= room.width()
