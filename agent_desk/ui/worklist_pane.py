"""The worklist's side of the window: the search and filter bar on top, and the table of
tasks on the left, with the row kept on the patient whose card is shown."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelection, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolBar,
)

from agent_desk.db.worklist import WorklistFilter
from agent_desk.domain.enums import WorklistView
from agent_desk.domain.views import DepartmentView
from agent_desk.services.worklist import FIRST_VIEW
from agent_desk.ui.worklist_model import Column, WorklistModel

# The strings keep the window's translation context ("MainWindow"): they are its words.


def worklist_views() -> list[tuple[WorklistView, str]]:
    """The lists the agent switches between, in the order of Ctrl+1 to Ctrl+5."""
    return [
        (WorklistView.DUE, QCoreApplication.translate("MainWindow", "Due today")),
        (WorklistView.OVERDUE, QCoreApplication.translate("MainWindow", "Overdue")),
        (WorklistView.ALL_OPEN, QCoreApplication.translate("MainWindow", "All open")),
        (WorklistView.DONE, QCoreApplication.translate("MainWindow", "Done")),
        (WorklistView.TOMORROW, QCoreApplication.translate("MainWindow", "Due tomorrow")),
    ]


class WorklistFilterBar(QToolBar):
    """The search box, which tasks to show, and the department (fixed for a department-bound
    user: the worklist service keeps them to it whatever is chosen here)."""

    def __init__(
        self,
        departments: list[DepartmentView],
        scope: tuple[uuid.UUID, str] | None,
        parent: Any = None,
    ) -> None:
        super().__init__(QCoreApplication.translate("MainWindow", "Search"), parent)
        self.setMovable(False)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(
            QCoreApplication.translate(
                "MainWindow", "Phone number, name or record number  (Ctrl+F)"
            )
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(360)
        self.addWidget(self.search_box)
        self.addSeparator()
        self.addWidget(QLabel(QCoreApplication.translate("MainWindow", "Show:")))
        self.view_combo = QComboBox()
        self.views = worklist_views()
        for view, text in self.views:
            self.view_combo.addItem(text, view)
        # What the worklist service read ahead for the window's first look.
        self.view_combo.setCurrentIndex(self.view_combo.findData(FIRST_VIEW))
        self.addWidget(self.view_combo)
        self.addWidget(QLabel(QCoreApplication.translate("MainWindow", "Department:")))
        self.department_combo = QComboBox()
        self.department_combo.setMinimumWidth(160)
        if scope is not None:
            department_id, name = scope
            self.department_combo.addItem(name, department_id)
            self.department_combo.setEnabled(False)
        else:
            self.department_combo.addItem(
                QCoreApplication.translate("MainWindow", "All departments"), None
            )
            for dept in departments:
                self.department_combo.addItem(dept.name, dept.id)
        self.addWidget(self.department_combo)

    def current_filter(self, today: date) -> WorklistFilter:
        return WorklistFilter(
            view=WorklistView(self.view_combo.currentData()),
            today=today,
            department_id=self.department_combo.currentData(),
        )


class WorklistTable(QTableView):
    """One row per task. Picking a row asks for the patient's card (patient_chosen); the
    window's own moves select quietly, since opening a card is an audited access."""

    patient_chosen = Signal(object)  # uuid.UUID

    def __init__(self, model: WorklistModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.worklist = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in (
            (Column.PRIORITY, 56),
            (Column.DUE, 170),  # the date and how late it is (逾期 N 天)
            (Column.NAME, 110),  # the name and 草稿 when a draft waits
            (Column.RECORD_NO, 100),
            (Column.PHONE, 100),
            (Column.DEPARTMENT, 100),
            (Column.PLAN, 100),
            (Column.ATTEMPTS, 56),
        ):
            self.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.selectionModel().selectionChanged.connect(self._on_selected)

    def _on_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.patient_chosen.emit(self.worklist.row_at(indexes[0].row()).patient_id)

    def selected_row(self) -> int | None:
        indexes = self.selectionModel().selectedRows()
        return indexes[0].row() if indexes else None

    def selected_task(self) -> uuid.UUID | None:
        row = self.selected_row()
        return self.worklist.row_at(row).task_id if row is not None else None

    def select_quietly(self, row: int) -> None:
        """Highlight a row (or none, below 0) without opening its card."""
        selection = self.selectionModel()
        blocked = selection.blockSignals(True)
        self.clearSelection()
        if 0 <= row < self.worklist.rowCount():
            self.selectRow(row)
        selection.blockSignals(blocked)

    def highlight_patient(self, patient_id: uuid.UUID | None) -> None:
        """The highlighted row is this patient's (opened from a search or a call too), or
        none; the card is not opened again for it."""
        current = self.selected_row()
        if current is not None and self.worklist.row_at(current).patient_id == patient_id:
            return
        rows = range(self.worklist.rowCount()) if patient_id is not None else range(0)
        found = next((r for r in rows if self.worklist.row_at(r).patient_id == patient_id), -1)
        self.select_quietly(found)
        if found >= 0:
            self.scrollTo(self.worklist.index(found, 0))

    def reselect_task(self, task_id: uuid.UUID) -> None:
        """After a refresh: the task's row highlighted again, quietly, if it is still listed."""
        for row in range(self.worklist.rowCount()):
            if self.worklist.row_at(row).task_id == task_id:
                selection = self.selectionModel()
                blocked = selection.blockSignals(True)
                self.selectRow(row)
                selection.blockSignals(blocked)
                return
