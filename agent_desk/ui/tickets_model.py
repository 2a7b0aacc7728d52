"""The 工单 list: one ticket a row, overdue ones in red."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from agent_desk.db.tickets import TicketRow
from agent_desk.ui.labels import format_datetime, label

_INDEX = QModelIndex | QPersistentModelIndex
_LATE = QBrush(QColor("#b3261e"))


class Column(IntEnum):
    KIND = 0
    STATE = 1
    SEVERITY = 2
    PATIENT = 3
    DEPARTMENT = 4
    TEXT = 5
    OPENED = 6
    DUE = 7


class TicketsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[TicketRow] = []

    def set_rows(self, rows: list[TicketRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> TicketRow:
        return self.rows[row]

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [
                self.tr("Kind"),
                self.tr("State"),
                self.tr("Severity"),
                self.tr("Patient"),
                self.tr("Department"),
                self.tr("What was said"),
                self.tr("Opened"),
                self.tr("Due"),
            ][section]
        return None

    def data(self, index: _INDEX, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return _LATE if row.overdue else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match Column(index.column()):
            case Column.KIND:
                return label(row.kind)
            case Column.STATE:
                state = label(row.state)
                return state + self.tr(" (overdue)") if row.overdue else state
            case Column.SEVERITY:
                return label(row.severity)
            case Column.PATIENT:
                return row.patient_name or ""
            case Column.DEPARTMENT:
                return row.department or self.tr("Not routed")
            case Column.TEXT:
                return row.text.splitlines()[0][:60] if row.text else ""
            case Column.OPENED:
                return format_datetime(row.opened_at)
            case Column.DUE:
                return format_datetime(row.due_at)
