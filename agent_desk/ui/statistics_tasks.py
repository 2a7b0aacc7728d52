"""What a number of the 统计 screen counts: its tasks, the patients' names and phones masked,
from which a task's patient card opens for a role that may see records."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from agent_desk.domain.masking import mask_name, mask_phone
from agent_desk.domain.views import WorklistRow
from agent_desk.errors import UserError
from agent_desk.ui.background import Background
from agent_desk.ui.labels import format_date, label, plan_label

_INDEX = QModelIndex | QPersistentModelIndex


class TaskColumn(IntEnum):
    PATIENT = 0
    RECORD_NO = 1
    PHONE = 2
    DEPARTMENT = 3
    PLAN = 4
    DUE = 5
    STATUS = 6
    ATTEMPTS = 7


class TaskListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[WorklistRow] = []

    def set_rows(self, rows: list[WorklistRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TaskColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [
                self.tr("Patient"),
                self.tr("Record number"),
                self.tr("Phone"),
                self.tr("Department"),
                self.tr("Plan"),
                self.tr("Due"),
                self.tr("Status"),
                self.tr("Attempts"),
            ][section]
        return None

    def data(self, index: _INDEX, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row = self.rows[index.row()]
        match TaskColumn(index.column()):
            case TaskColumn.PATIENT:
                return mask_name(row.patient_name)
            case TaskColumn.RECORD_NO:
                return row.record_no
            case TaskColumn.PHONE:
                return mask_phone(row.primary_phone) if row.primary_phone else ""
            case TaskColumn.DEPARTMENT:
                return row.department_name or ""
            case TaskColumn.PLAN:
                return plan_label(row.plan_code)
            case TaskColumn.DUE:
                return format_date(row.due_date)
            case TaskColumn.STATUS:
                return label(row.status)
            case TaskColumn.ATTEMPTS:
                return str(row.attempts)
        return None


class TasksBehindDialog(QDialog):
    """Lists the tasks *load* reads (on the background helper); *open_patient*, when given,
    opens the chosen task's patient in the window."""

    def __init__(
        self,
        title: str,
        count: int,
        load: Callable[[], list[WorklistRow]],
        background: Background,
        open_patient: Callable[[uuid.UUID], None] | None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._open_patient = open_patient
        self._count = count  # what the statistic counts; the list stops at the service's limit
        self.setWindowTitle(title)
        self.resize(900, 480)
        self.model = TaskListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count_label = QLabel(self.tr("Loading…"))
        self.open_button = QPushButton(self.tr("Open patient"))
        self.open_button.setVisible(open_patient is not None)
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        background.run(self, load, self._show, self._refused)

    def _show(self, rows: list[WorklistRow]) -> None:
        self.model.set_rows(rows)
        if len(rows) < self._count:
            text = self.tr("Tasks shown: %1 of %2").replace("%2", f"{self._count:,}")
        else:
            text = self.tr("Tasks: %1")
        self.count_label.setText(text.replace("%1", f"{len(rows):,}"))
        if rows:
            self.table.selectRow(0)

    def _refused(self, problem: Exception) -> None:
        if not isinstance(problem, UserError):
            raise problem  # a bug: the window's exception hook shows and logs it
        self.count_label.setText("")
        QMessageBox.warning(self, self.windowTitle(), str(problem))

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self._open_patient is None or not rows:
            return
        self._open_patient(self.model.rows[rows[0].row()].patient_id)
