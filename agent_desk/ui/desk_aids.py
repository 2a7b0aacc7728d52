"""What the window gains beside the worklist: the knowledge base (F1, and the articles
for the patient on the card) and the to-do list (status bar count, tray, notifications).

Kept apart from main_window.py, which attaches them through these two functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from agent_desk.domain.permissions import Permission
from agent_desk.services.alerts import AlertService
from agent_desk.services.knowledge import KnowledgeService
from agent_desk.services.todo import TodoService
from agent_desk.sync.state import SyncStatus
from agent_desk.ui.background import Background
from agent_desk.ui.knowledge_dialog import KnowledgeDialog
from agent_desk.ui.knowledge_panel import KnowledgeSuggestions
from agent_desk.ui.todo_view import TodoButton, TodoDialog, TodoHub, TodoTray

if TYPE_CHECKING:
    from agent_desk.ui.main_window import MainWindow


@dataclass
class KnowledgeAids:
    dialog: KnowledgeDialog
    suggestions: KnowledgeSuggestions
    dock: QDockWidget
    action: QAction  # F1


@dataclass
class TodoAids:
    hub: TodoHub
    button: TodoButton
    tray: TodoTray
    open_list: Callable[[], TodoDialog]


def attach_knowledge(
    window: MainWindow, service: KnowledgeService, background: Background
) -> KnowledgeAids | None:
    principal = window.user.principal
    if not principal.may(Permission.READ_KNOWLEDGE):
        return None
    dialog = KnowledgeDialog(service, principal, background, window)
    action = QAction(QCoreApplication.translate("MainWindow", "Knowledge base…"), window)
    action.setObjectName("knowledge_action")
    action.setShortcut(QKeySequence("F1"))
    # From any of the workstation's windows: the card, the form, a statistics screen.
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(dialog.open_search)
    window.addAction(action)
    help_menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Help"))
    help_menu.addAction(action)

    def read(article_id: object) -> None:
        dialog.show()
        dialog.raise_()
        dialog.show_article(article_id)  # type: ignore[arg-type]

    suggestions = KnowledgeSuggestions(service, principal, background, read)
    dock = QDockWidget(QCoreApplication.translate("MainWindow", "Related articles"), window)
    dock.setObjectName("knowledge_dock")
    dock.setWidget(suggestions)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resizeDocks([dock], [240], Qt.Orientation.Horizontal)
    window.card.card_shown.connect(lambda card: suggestions.show_for(card.id))
    window.card.cleared.connect(lambda: suggestions.show_for(None))
    return KnowledgeAids(dialog, suggestions, dock, action)


def attach_todos(
    window: MainWindow,
    service: TodoService,
    alerts: AlertService | None,
    background: Background,
) -> TodoAids:
    hub = TodoHub(service, window.user.principal, background, window)

    def open_list() -> TodoDialog:
        dialog = TodoDialog(hub, alerts, window.open_patient, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    button = TodoButton()
    window.statusBar().insertPermanentWidget(0, button)
    button.clicked.connect(open_list)
    hub.changed.connect(button.show_list)
    tray = TodoTray(hub, open_list, window)
    window.followup.submitted.connect(lambda _result: hub.refresh())

    def on_sync(status: SyncStatus) -> None:
        if status.received:  # colleagues' changes: an alert, a task moved to today
            hub.refresh()

    if window.sync is not None:
        window.sync.status_changed.connect(on_sync)
    hub.start()
    return TodoAids(hub, button, tray, open_list)
