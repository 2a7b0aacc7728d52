"""待办: the person's to-do list, its count in the status bar, and a tray icon that tells
of each new item with a desktop notification.

The list is read off the GUI thread, every REFRESH_MS and whenever colleagues' changes
arrive from the server; an item is new when its key was not in the previous list (the
first list, at start, notifies nothing: it is what was already there).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QStyle,
    QSystemTrayIcon,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.enums import TodoKind
from agent_desk.domain.permissions import Principal
from agent_desk.errors import UserError
from agent_desk.services.alerts import AlertService
from agent_desk.services.todo import TodoItem, TodoList, TodoService
from agent_desk.ui.background import Background
from agent_desk.ui.labels import format_datetime, label

REFRESH_MS = 60_000
NOTIFY_MS = 8_000
_URGENT = "#b3261e"


class TodoHub(QObject):
    """The list as last read, shared by the status bar, the dialog and the tray."""

    changed = Signal(object)  # TodoList
    new_items = Signal(list)  # [TodoItem]: not in the previous list

    def __init__(
        self, service: TodoService, principal: Principal, background: Background, parent: Any
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._principal = principal
        self._background = background
        self.current: TodoList | None = None
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    @property
    def principal(self) -> Principal:
        return self._principal

    def start(self) -> None:
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        principal = self._principal
        self._background.run(
            self, lambda: self._service.items(principal), self._arrived, lambda _error: None
        )

    def _arrived(self, todo: TodoList) -> None:
        previous = self.current
        self.current = todo
        self.changed.emit(todo)
        if previous is not None:
            fresh = todo.new_since(previous)
            if fresh:
                self.new_items.emit(fresh)


class TodoButton(QPushButton):
    """The status bar's count: 待办 N (alerts in red); a click opens the list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setObjectName("todo_button")

    def show_list(self, todo: TodoList) -> None:
        alerts = todo.count(TodoKind.ALERT)
        text = self.tr("To-do: %1").replace("%1", str(len(todo.items)))
        if alerts:
            text += " · " + self.tr("Alerts: %1").replace("%1", str(alerts))
        self.setText(text)
        color = _URGENT if alerts else "#1f4e79"
        self.setStyleSheet(f"QPushButton {{ color: {color}; font-weight: bold; }}")
        self.setToolTip(
            "\n".join(f"{label(kind)}: {todo.count(kind)}" for kind in TodoKind if todo.count(kind))
        )


class TodoDialog(QDialog):
    """The list: alerts (acknowledged here, with a note), callbacks and today's tasks
    (opened on the card)."""

    def __init__(
        self,
        hub: TodoHub,
        alerts: AlertService | None,
        open_patient: Callable[[uuid.UUID], None],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._hub = hub
        self._alerts = alerts
        self._open_patient = open_patient
        self._items: list[TodoItem] = []
        self.setWindowTitle(self.tr("To-do list"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [self.tr("Kind"), self.tr("Patient"), self.tr("What"), self.tr("When")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(lambda _item, _column: self.open_selected())
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        layout.addWidget(self.tree, 1)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {_URGENT};")
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.acknowledge_button = QPushButton(self.tr("Acknowledge…"))
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        row.addWidget(self.acknowledge_button)
        self.open_button = QPushButton(self.tr("Open the card"))
        self.open_button.clicked.connect(self.open_selected)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        hub.changed.connect(self.show_list)
        if hub.current is not None:
            self.show_list(hub.current)
        hub.refresh()

    def show_list(self, todo: TodoList) -> None:
        self._items = list(todo.items)
        self.tree.clear()
        for item in self._items:
            row = QTreeWidgetItem(
                [label(item.kind), item.title, item.detail, format_datetime(item.at)]
            )
            if item.urgent:
                for column in range(4):
                    row.setForeground(column, Qt.GlobalColor.darkRed)
            self.tree.addTopLevelItem(row)
        for column in (0, 1, 3):
            self.tree.resizeColumnToContents(column)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._selection_changed()

    def selected(self) -> TodoItem | None:
        current = self.tree.currentItem()
        index = -1 if current is None else self.tree.indexOfTopLevelItem(current)
        return self._items[index] if 0 <= index < len(self._items) else None

    def _selection_changed(self) -> None:
        item = self.selected()
        self.acknowledge_button.setEnabled(item is not None and item.kind is TodoKind.ALERT)
        self.open_button.setEnabled(item is not None and item.patient_id is not None)

    def acknowledge_selected(self, note: str | None = None) -> None:
        """Acknowledge the chosen alert, with the note asked for (optional); it leaves
        the list."""
        item = self.selected()
        if item is None or item.kind is not TodoKind.ALERT or self._alerts is None:
            return
        if note is None:
            note, ok = QInputDialog.getText(
                self,
                self.tr("Acknowledge alert"),
                self.tr("Note: what was done (optional)"),
            )
            if not ok:
                return
        try:
            self._alerts.acknowledge(item.subject_id, self._hub.principal, note)
        except UserError as error:
            self.error.setText(str(error))
            return
        self.error.clear()
        self._hub.refresh()

    def open_selected(self) -> None:
        item = self.selected()
        if item is not None and item.patient_id is not None:
            self._open_patient(item.patient_id)


class TodoTray(QObject):
    """The tray icon: the count in its tooltip, a desktop notification for new items,
    and a click that opens the list. Nothing where the desktop has no tray."""

    def __init__(self, hub: TodoHub, open_list: Callable[[], object], parent: QWidget) -> None:
        super().__init__(parent)
        self.icon: QSystemTrayIcon | None = None
        self.notified: list[str] = []  # the messages shown, for the log and the tests
        if not QSystemTrayIcon.isSystemTrayAvailable():
            hub.new_items.connect(self._remember)
            return
        icon = parent.windowIcon()
        if icon.isNull():
            icon = parent.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.icon = QSystemTrayIcon(QIcon(icon), self)
        self.icon.activated.connect(lambda _reason: open_list())
        self.icon.messageClicked.connect(open_list)
        self.icon.show()
        hub.changed.connect(self._count)
        hub.new_items.connect(self._notify)

    def _count(self, todo: TodoList) -> None:
        if self.icon is not None:
            self.icon.setToolTip(self.tr("To-do: %1").replace("%1", str(len(todo.items))))

    def _remember(self, items: list[TodoItem]) -> None:
        self.notified.append(self.message(items))

    def _notify(self, items: list[TodoItem]) -> None:
        text = self.message(items)
        self.notified.append(text)
        if self.icon is not None:
            urgent = any(item.urgent for item in items)
            kind = (
                QSystemTrayIcon.MessageIcon.Warning
                if urgent
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.icon.showMessage(self.tr("New to-do"), text, kind, NOTIFY_MS)

    def message(self, items: list[TodoItem]) -> str:
        lines = [f"{label(item.kind)}: {item.title} {item.detail}".strip() for item in items[:3]]
        if len(items) > 3:
            lines.append(self.tr("and %1 more").replace("%1", str(len(items) - 3)))
        return "\n".join(lines)
