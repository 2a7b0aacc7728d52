"""The recordings library's table: one recorded call a row, newest first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from agent_desk.services.recordings import LibraryRow
from agent_desk.ui.labels import format_datetime, label
from agent_desk.ui.table_model import INDEX, RowsModel


class Column(IntEnum):
    TIME = 0
    DIRECTION = 1
    PATIENT = 2
    DEPARTMENT = 3
    AGENT = 4
    OUTCOME = 5
    LENGTH = 6
    WHERE = 7


def _length(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class RecordingsModel(RowsModel[LibraryRow]):
    columns = Column

    def headers(self) -> list[str]:
        return [
            self.tr("Time"),
            self.tr("Direction"),
            self.tr("Patient"),
            self.tr("Department"),
            self.tr("Agent"),
            self.tr("Outcome"),
            self.tr("Length"),
            self.tr("Recording"),
        ]

    def data(self, index: INDEX, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row = self.rows[index.row()]
        match Column(index.column()):
            case Column.TIME:
                return format_datetime(row.started_at)
            case Column.DIRECTION:
                return label(row.direction)
            case Column.PATIENT:
                return " ".join(part for part in (row.patient_name, row.record_no) if part)
            case Column.DEPARTMENT:
                return row.department_name or ""
            case Column.AGENT:
                return row.agent_name or ""
            case Column.OUTCOME:
                return "" if row.outcome is None else label(row.outcome)
            case Column.LENGTH:
                return _length(row.seconds)
            case Column.WHERE:
                return self._where(row)
        return None

    def _where(self, row: LibraryRow) -> str:
        if row.location is None:
            return self.tr("On the central server")
        text = label(row.location)
        if row.encrypted is False:
            text += self.tr(" (not encrypted)")
        return text
