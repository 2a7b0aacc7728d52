"""The window's menu bar: File, Worklist, Call, Supervision, Statistics and Settings, with
their shortcuts.

The strings keep the window's translation context ("MainWindow"): they are its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from agent_desk.domain.permissions import Permission
from agent_desk.settings import Settings

if TYPE_CHECKING:
    from agent_desk.ui.main_window import MainWindow


@dataclass(frozen=True)
class WindowMenus:
    call_menu: QMenu  # the softphone adds its registration actions here
    call_action: QAction  # Ctrl+D: call the patient on the card
    dnd_action: QAction
    auto_answer_action: QAction


def build_menus(window: MainWindow, settings: Settings) -> WindowMenus:
    menu = window.menuBar()
    file_menu = menu.addMenu(QCoreApplication.translate("MainWindow", "&File"))
    quit_action = QAction(QCoreApplication.translate("MainWindow", "&Quit"), window)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)

    view_menu = menu.addMenu(QCoreApplication.translate("MainWindow", "&Worklist"))
    find = QAction(QCoreApplication.translate("MainWindow", "Find patient"), window)
    find.setShortcuts([QKeySequence("Ctrl+F"), QKeySequence("F3")])
    find.triggered.connect(window.focus_search)
    view_menu.addAction(find)
    refresh = QAction(QCoreApplication.translate("MainWindow", "Refresh"), window)
    refresh.setShortcut(QKeySequence("F5"))
    refresh.triggered.connect(window.reload_worklist)
    view_menu.addAction(refresh)
    go_list = QAction(QCoreApplication.translate("MainWindow", "Go to worklist"), window)
    go_list.setShortcut(QKeySequence("Ctrl+L"))
    go_list.triggered.connect(window.table.setFocus)
    view_menu.addAction(go_list)
    next_patient = QAction(QCoreApplication.translate("MainWindow", "Next patient"), window)
    next_patient.setShortcut(QKeySequence("Ctrl+N"))
    next_patient.triggered.connect(window.open_next_task)
    view_menu.addAction(next_patient)
    view_menu.addSeparator()
    for number, (_view, text) in enumerate(window.filter_bar.views, start=1):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(
            lambda _checked=False, index=number - 1: window.view_combo.setCurrentIndex(index)
        )
        view_menu.addAction(action)

    # Hidden from a role that may not (the services refuse it all the same).
    principal = window.user.principal
    if principal.may(Permission.HANDLE_ALERTS):
        view_menu.addSeparator()
        alerts = QAction(QCoreApplication.translate("MainWindow", "Supervisor alerts…"), window)
        alerts.triggered.connect(window.open_alerts)
        view_menu.addAction(alerts)

    call_menu = menu.addMenu(QCoreApplication.translate("MainWindow", "&Call"))
    call_patient = QAction(QCoreApplication.translate("MainWindow", "Call this patient"), window)
    call_patient.setShortcut(QKeySequence("Ctrl+D"))
    call_patient.triggered.connect(window.call_current_patient)
    call_menu.addAction(call_patient)
    dial = QAction(QCoreApplication.translate("MainWindow", "Dial a number…"), window)
    dial.setShortcut(QKeySequence("Ctrl+Shift+D"))
    dial.triggered.connect(window.dial_number)
    call_menu.addAction(dial)
    transfer = QAction(
        QCoreApplication.translate("MainWindow", "Attended transfer to the call on hold"), window
    )
    transfer.triggered.connect(
        lambda: window.calls is not None and window.calls.attended_transfer()
    )
    call_menu.addAction(transfer)
    call_menu.addSeparator()
    dnd = _setting_toggle(
        window,
        settings,
        QCoreApplication.translate("MainWindow", "Do not disturb"),
        "call.do_not_disturb",
    )
    auto_answer = _setting_toggle(
        window,
        settings,
        QCoreApplication.translate("MainWindow", "Answer calls automatically (headset)"),
        "call.auto_answer",
    )
    call_menu.addAction(dnd)
    call_menu.addAction(auto_answer)

    supervision: QMenu | None = None
    if window.audit_log is not None and principal.may(Permission.VIEW_AUDIT_LOG):
        supervision = menu.addMenu(QCoreApplication.translate("MainWindow", "Super&vision"))
        audit_log = QAction(QCoreApplication.translate("MainWindow", "Audit log…"), window)
        audit_log.setObjectName("audit_log_action")
        audit_log.triggered.connect(window.open_audit_log)
        supervision.addAction(audit_log)
    if window.recordings is not None and window.recordings.principal.may(
        Permission.PLAY_RECORDINGS
    ):
        if supervision is None:
            supervision = menu.addMenu(QCoreApplication.translate("MainWindow", "Super&vision"))
        recordings = QAction(QCoreApplication.translate("MainWindow", "Recordings…"), window)
        recordings.setObjectName("recordings_action")
        recordings.triggered.connect(lambda: window.open_recordings())
        supervision.addAction(recordings)

    if window.statistics is not None and principal.may(Permission.VIEW_STATISTICS):
        statistics_menu = menu.addMenu(QCoreApplication.translate("MainWindow", "S&tatistics"))
        statistics = QAction(
            QCoreApplication.translate("MainWindow", "Follow-up statistics…"), window
        )
        statistics.setObjectName("statistics_action")
        statistics.triggered.connect(lambda: window.open_statistics())
        statistics_menu.addAction(statistics)

    settings_menu = menu.addMenu(QCoreApplication.translate("MainWindow", "&Settings"))
    language_menu = settings_menu.addMenu(QCoreApplication.translate("MainWindow", "Language"))
    group = QActionGroup(window)
    current = settings.get("ui.language")
    for code, name in (("zh_CN", "中文（简体）"), ("en", "English")):
        action = QAction(name, window, checkable=True)
        action.setChecked(code == current)
        action.triggered.connect(lambda _checked=False, c=code: _set_language(window, c))
        group.addAction(action)
        language_menu.addAction(action)
    return WindowMenus(call_menu, call_patient, dnd, auto_answer)


def _setting_toggle(window: MainWindow, settings: Settings, text: str, key: str) -> QAction:
    action = QAction(text, window, checkable=True)
    action.setChecked(bool(settings.get(key)))
    action.toggled.connect(lambda on: _toggle(window, key, on))
    return action


def _toggle(window: MainWindow, key: str, on: bool) -> None:
    window.setting_changes.change(window.user.principal, key, "true" if on else "false")
    if window.calls is None:
        return
    if key == "call.do_not_disturb":
        window.calls.set_do_not_disturb(on)
    else:
        window.calls.set_auto_answer(on)


def _set_language(window: MainWindow, code: str) -> None:
    window.setting_changes.change(window.user.principal, "ui.language", code)
    QMessageBox.information(
        window,
        QCoreApplication.translate("MainWindow", "Language"),
        QCoreApplication.translate(
            "MainWindow", "The new language is used from the next start of the workstation."
        ),
    )
