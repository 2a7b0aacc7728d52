"""The supervisors' alerts screen: open alerts first, each acknowledged with a note, then
the handled ones with who handled them, when, and every note."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from agent_desk.db.alerts import AlertRow
from agent_desk.domain.enums import AlertSeverity
from agent_desk.domain.views import StaffView
from agent_desk.errors import UserError
from agent_desk.services.alerts import AlertService
from agent_desk.ui.labels import format_datetime, label

_CRITICAL = QColor("#b3261e")


class AlertsDialog(QDialog):
    def __init__(self, service: AlertService, user: StaffView, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._user = user
        self._open_rows: list[AlertRow] = []
        self.setWindowTitle(self.tr("Supervisor alerts"))
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Open alerts")))
        self.open_table = _table(
            [
                self.tr("Severity"),
                self.tr("Patient"),
                self.tr("Phone"),
                self.tr("Alert"),
                self.tr("Raised"),
                self.tr("Escalated by"),
                self.tr("Department"),
            ],
            stretch=(3,),
        )
        self.open_table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.open_table, 3)
        row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Note: what was done (optional)"))
        row.addWidget(self.note, 1)
        self.acknowledge_button = QPushButton(self.tr("Acknowledge"))
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        row.addWidget(self.acknowledge_button)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        layout.addWidget(QLabel(self.tr("Handled alerts")))
        self.handled_table = _table(
            [
                self.tr("Severity"),
                self.tr("Patient"),
                self.tr("Alert"),
                self.tr("Escalated by"),
                self.tr("Handled by"),
                self.tr("Handled"),
                self.tr("Notes"),
                self.tr("Department"),
            ],
            stretch=(2, 6),
        )
        layout.addWidget(self.handled_table, 2)
        self.reload()

    def reload(self) -> None:
        lists = self._service.lists(self._user.principal)
        self._open_rows = lists.open
        _fill(
            self.open_table,
            [
                (
                    r.severity,
                    r.patient_name,
                    r.phone or "",
                    r.text,
                    _when(r.raised_at),
                    _by(r),
                    r.department or "",
                )
                for r in lists.open
            ],
        )
        _fill(
            self.handled_table,
            [
                (
                    r.severity,
                    r.patient_name,
                    r.text,
                    _by(r),
                    r.acknowledged_by or "",
                    _when(r.acknowledged_at),
                    r.notes,
                    r.department or "",
                )
                for r in lists.handled
            ],
        )
        if self._open_rows:
            self.open_table.selectRow(0)
        self._selection_changed()

    def acknowledge_selected(self) -> None:
        index = self.open_table.currentRow()
        if not 0 <= index < len(self._open_rows):
            return
        try:
            self._service.acknowledge(
                self._open_rows[index].id, self._user.principal, self.note.text()
            )
        except UserError as error:
            self.error.setText(str(error))
            return
        self.error.clear()
        self.note.clear()
        self.reload()

    def _selection_changed(self) -> None:
        self.acknowledge_button.setEnabled(bool(self.open_table.selectedItems()))


def _when(value: Any) -> str:
    return format_datetime(value)


def _by(row: AlertRow) -> str:
    if row.escalated_by is None:
        return ""
    return f"{row.escalated_by} · {format_datetime(row.escalated_at)}"


def _table(headers: list[str], stretch: tuple[int, ...]) -> QTableWidget:
    """The *stretch* columns (the alert's text, the notes) share the width and wrap."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[Any, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        severity, *rest = values
        first = QTableWidgetItem(label(severity))
        first.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if severity is AlertSeverity.CRITICAL:
            first.setForeground(_CRITICAL)
        table.setItem(r, 0, first)
        for c, value in enumerate(rest, start=1):
            item = QTableWidgetItem(str(value))
            item.setToolTip(str(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            table.setItem(r, c, item)
    table.resizeRowsToContents()
