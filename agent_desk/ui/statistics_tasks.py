"""What a number of the 统计 screen counts: its tasks, the patients' names and phones masked,
from which a task's patient card opens for a role that may see records."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
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

from agent_desk.domain.masking import mask_name
from agent_desk.domain.views import WorklistRow
from agent_desk.errors import UserError
from agent_desk.ui.background import Background
from agent_desk.ui.table_model import INDEX, RowsModel
from agent_desk.ui.worklist_model import Column as WorklistColumn
from agent_desk.ui.worklist_model import cell_text


class TaskColumn(IntEnum):
    PATIENT = 0
    RECORD_NO = 1
    PHONE = 2
    DEPARTMENT = 3
    PLAN = 4
    DUE = 5
    STATUS = 6
    ATTEMPTS = 7


# Each column as the worklist shows it (the patient's name masked here: see cell()).
_AS_WORKLIST = {
    TaskColumn.PATIENT: WorklistColumn.NAME,
    TaskColumn.RECORD_NO: WorklistColumn.RECORD_NO,
    TaskColumn.PHONE: WorklistColumn.PHONE,
    TaskColumn.DEPARTMENT: WorklistColumn.DEPARTMENT,
    TaskColumn.PLAN: WorklistColumn.PLAN,
    TaskColumn.DUE: WorklistColumn.DUE,
    TaskColumn.STATUS: WorklistColumn.STATUS,
    TaskColumn.ATTEMPTS: WorklistColumn.ATTEMPTS,
}


class TaskListModel(RowsModel[WorklistRow]):
    columns = TaskColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Patient"),
            self.tr("Record number"),
            self.tr("Phone"),
            self.tr("Department"),
            self.tr("Plan"),
            self.tr("Due"),
            self.tr("Status"),
            self.tr("Attempts"),
        ]

    def cell(self, row: WorklistRow, column: TaskColumn) -> str:
        # A supervisor's list of many patients: names masked, as the phones are everywhere.
        if column is TaskColumn.PATIENT:
            return mask_name(row.patient_name)
        return cell_text(row, _AS_WORKLIST[column])

    def sort_key(self, row: WorklistRow, column: int) -> Any:
        match TaskColumn(column):
            case TaskColumn.DUE:
                return row.due_date
            case TaskColumn.ATTEMPTS:
                return row.attempts
        return self.cell(row, TaskColumn(column))

    def data(self, index: INDEX, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return self.cell(self.rows[index.row()], TaskColumn(index.column()))


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
        self.table.setSortingEnabled(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order at first
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
