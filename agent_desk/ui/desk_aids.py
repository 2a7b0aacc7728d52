"""What the window gains beside the worklist: the knowledge base (F1, and the articles
for the patient on the card) and the to-do list (status bar count, tray, notifications).

Kept apart from main_window.py, which attaches them through these two functions.
"""

from __future__ import annotations

import uuid
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
from agent_desk.ui.knowledge_panel import KnowledgeSuggestions
from agent_desk.ui.todo_view import TodoButton, TodoDialog, TodoHub, TodoTray

if TYPE_CHECKING:
    from agent_desk.ui.knowledge_dialog import KnowledgeDialog
    from agent_desk.ui.main_window import MainWindow


class KnowledgeAids:
    """The F1 action and the related articles beside the card; the search dialog is built
    when first opened (F1, or an article read from the dock), not with the window."""

    def __init__(
        self, window: MainWindow, service: KnowledgeService, background: Background
    ) -> None:
        self._window = window
        self._service = service
        self._background = background
        self._dialog: KnowledgeDialog | None = None
        self.suggestions = KnowledgeSuggestions(
            service, window.user.principal, background, self.read
        )
        self.dock = QDockWidget(
            QCoreApplication.translate("MainWindow", "Related articles"), window
        )
        self.action = QAction(QCoreApplication.translate("MainWindow", "Knowledge base…"), window)

    @property
    def dialog(self) -> KnowledgeDialog:
        if self._dialog is None:
            from agent_desk.ui.knowledge_dialog import KnowledgeDialog

            self._dialog = KnowledgeDialog(
                self._service, self._window.user.principal, self._background, self._window
            )
        return self._dialog

    def open_search(self) -> None:
        self.dialog.open_search()

    def read(self, article_id: uuid.UUID) -> None:
        dialog = self.dialog
        dialog.show()
        dialog.raise_()
        dialog.show_article(article_id)


@dataclass
class TodoAids:
    hub: TodoHub
    button: TodoButton
    tray: TodoTray
    open_list: Callable[[], TodoDialog]


def attach_knowledge(
    window: MainWindow, service: KnowledgeService, background: Background
) -> KnowledgeAids | None:
    if not window.user.principal.may(Permission.READ_KNOWLEDGE):
        return None
    aids = KnowledgeAids(window, service, background)
    action, suggestions, dock = aids.action, aids.suggestions, aids.dock
    action.setObjectName("knowledge_action")
    action.setShortcut(QKeySequence("F1"))
    # From any of the workstation's windows: the card, the form, a statistics screen.
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(aids.open_search)
    window.addAction(action)
    help_menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Help"))
    help_menu.addAction(action)
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
    return aids


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
