"""The worklist table model: rows arrive a page at a time as the nurse scrolls.

A task past its due date says so in words (逾期 N 天) as well as in red, and a task with a form
draft on this workstation is marked 草稿, so that unfinished work is found again after a crash.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from agent_desk.db.worklist import WorklistFilter
from agent_desk.domain.enums import TaskStatus
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.views import WorklistRow
from agent_desk.services.worklist import WorklistService
from agent_desk.ui.labels import format_date, label, plan_label

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_OVERDUE = QBrush(QColor("#b3261e"))
_DUE_SOON = QBrush(QColor("#fff4ce"))
_INDEX = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    PRIORITY = 0
    DUE = 1
    NAME = 2
    RECORD_NO = 3
    PHONE = 4
    DEPARTMENT = 5
    PLAN = 6
    ATTEMPTS = 7
    STATUS = 8


def cell_text(row: WorklistRow, column: Column) -> str:
    """A task's cell as every list of tasks shows it (the phone masked), for the columns that
    read the same in all of them (the worklist adds its overdue and draft marks)."""
    match column:
        case Column.PRIORITY:
            return str(row.priority)
        case Column.DUE:
            return format_date(row.due_date)
        case Column.NAME:
            return row.patient_name
        case Column.RECORD_NO:
            return row.record_no
        case Column.PHONE:
            return mask_phone(row.primary_phone) if row.primary_phone else ""
        case Column.DEPARTMENT:
            return row.department_name or ""
        case Column.PLAN:
            return plan_label(row.plan_code)
        case Column.ATTEMPTS:
            return str(row.attempts)
        case Column.STATUS:
            return label(row.status)


class WorklistModel(QAbstractTableModel):
    def __init__(self, source: WorklistService, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._page_size = page_size
        self._rows: list[WorklistRow] = []
        self._filter: WorklistFilter | None = None
        self._exhausted = True
        self._drafted: frozenset[uuid.UUID] = frozenset()
        self.total = 0

    def _headers(self) -> list[str]:
        return [
            self.tr("Priority"),
            self.tr("Due"),
            self.tr("Patient"),
            self.tr("Record no."),
            self.tr("Phone"),
            self.tr("Department"),
            self.tr("Plan"),
            self.tr("Attempts"),
            self.tr("Status"),
        ]

    def set_filter(self, flt: WorklistFilter) -> None:
        """Show a new slice: the count and the first page, nothing more."""
        self.beginResetModel()
        self._filter = flt
        self.total = self._source.count(flt)
        self._rows = self._source.page(flt, self._page_size, None)
        self._exhausted = len(self._rows) < self._page_size
        self.endResetModel()

    def set_drafted(self, task_ids: Iterable[uuid.UUID]) -> None:
        """Tasks that have a form draft; their rows say so."""
        self._drafted = frozenset(task_ids)
        if self._rows:
            first = self.index(0, Column.NAME)
            last = self.index(len(self._rows) - 1, Column.NAME)
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.DisplayRole])

    def refresh(self) -> None:
        if self._filter is not None:
            self.set_filter(self._filter)

    def row_at(self, row: int) -> WorklistRow:
        return self._rows[row]

    # --- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def canFetchMore(self, parent: _INDEX = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _INDEX = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._filter is None:
            return
        page = self._source.page(self._filter, self._page_size, self._rows[-1])
        self._exhausted = len(page) < self._page_size
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[section]
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and self.days_overdue(row):
            return _OVERDUE
        if role == Qt.ItemDataRole.BackgroundRole and self._due_tomorrow(row):
            return _DUE_SOON
        if role == Qt.ItemDataRole.FontRole and column is Column.NAME:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and self._is_overdue(row):
            return self.tr("Overdue: the follow-up window ended on %1").replace(
                "%1", format_date(row.window_end)
            )
        return None

    def _display(self, row: WorklistRow, column: Column) -> str:
        match column:
            case Column.DUE:
                days = self.days_overdue(row)
                due = format_date(row.due_date)
                if not days:
                    return due
                late = self.tr("%1 days overdue").replace("%1", str(days))
                return f"{due}  {late}"
            case Column.NAME:
                if row.task_id not in self._drafted:
                    return row.patient_name
                draft = self.tr("Draft")
                return f"{row.patient_name} · {draft}"
        return cell_text(row, column)

    def _today(self) -> date:
        return self._filter.today if self._filter else date.today()

    def days_overdue(self, row: WorklistRow) -> int:
        """Days past the due date of a task still to do; 0 when it is not late."""
        if row.status is not TaskStatus.PENDING:
            return 0
        return max((self._today() - row.due_date).days, 0)

    def _is_overdue(self, row: WorklistRow) -> bool:
        return row.status is TaskStatus.PENDING and row.window_end < self._today()

    def _due_tomorrow(self, row: WorklistRow) -> bool:
        return row.status is TaskStatus.PENDING and (row.due_date - self._today()).days == 1
