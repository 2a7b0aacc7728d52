"""A supervisor edits a department's clinic schedule (出诊排班) and closes days (停诊).

One row per opening: doctor (empty for the department's clinic), weekday, from, to, slot
length and places per slot. Saving replaces the department's schedule and publishes its
slots; a row that does not make sense is named and nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from agent_desk.domain.views import DepartmentView
from agent_desk.errors import UserError
from agent_desk.plans.calendar import local_date
from agent_desk.plans.clinic_schedule import WEEKDAYS, Opening, opening
from agent_desk.services.appointment_schedules import ScheduleService
from agent_desk.ui.labels import qdate as _qdate

# Shown translated (周一 … 周日 in Chinese); the schedule file's rules read either back.
_DAY_NAMES = (
    QT_TRANSLATE_NOOP("ScheduleEditor", "Mon"),
    QT_TRANSLATE_NOOP("ScheduleEditor", "Tue"),
    QT_TRANSLATE_NOOP("ScheduleEditor", "Wed"),
    QT_TRANSLATE_NOOP("ScheduleEditor", "Thu"),
    QT_TRANSLATE_NOOP("ScheduleEditor", "Fri"),
    QT_TRANSLATE_NOOP("ScheduleEditor", "Sat"),
    QT_TRANSLATE_NOOP("ScheduleEditor", "Sun"),
)


def _minute(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


class ScheduleEditor(QDialog):
    def __init__(
        self, schedules: ScheduleService, department: DepartmentView, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.schedules = schedules
        self.department = department
        self.setWindowTitle(self.tr("Clinic schedule: %1").replace("%1", department.name))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Doctor"),
                self.tr("Weekday"),
                self.tr("From"),
                self.tr("To"),
                self.tr("Minutes per slot"),
                self.tr("Places per slot"),
            ]
        )
        layout.addWidget(self.table, 1)
        rows = QHBoxLayout()
        add = QPushButton(self.tr("Add opening"))
        add.clicked.connect(lambda: self.add_row("", 1, "08:00", "12:00", 30, 2))
        remove = QPushButton(self.tr("Remove opening"))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        save = QPushButton(self.tr("Save and publish"))
        save.clicked.connect(self.save)
        rows.addWidget(add)
        rows.addWidget(remove)
        rows.addStretch(1)
        rows.addWidget(save)
        layout.addLayout(rows)
        closing = QHBoxLayout()
        closing.addWidget(QLabel(self.tr("Close a day:")))
        self.close_date = QDateEdit()
        self.close_date.setCalendarPopup(True)
        self.close_date.setDisplayFormat("yyyy-MM-dd")
        self.close_date.setDate(_qdate(local_date(schedules.clock())))
        closing.addWidget(self.close_date)
        self.close_reason = QLineEdit()
        self.close_reason.setPlaceholderText(self.tr("Reason (e.g. a holiday)"))
        closing.addWidget(self.close_reason, 1)
        close_button = QPushButton(self.tr("Close the day"))
        close_button.clicked.connect(self.close_day)
        closing.addWidget(close_button)
        layout.addLayout(closing)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        for row in schedules.openings(department.id):
            self.add_row(
                row.doctor,
                row.weekday,
                _minute(row.start_minute),
                _minute(row.end_minute),
                row.slot_minutes,
                row.capacity,
            )
        self.resize(720, 460)

    def add_row(
        self, doctor: str, weekday: int, start: str, end: str, minutes: int, places: int
    ) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(
            [doctor, self.tr(str(_DAY_NAMES[weekday - 1])), start, end, str(minutes), str(places)]
        ):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def openings(self) -> list[Opening]:
        """The rows as openings; a UserError names the first row that is wrong."""
        found = []
        for row in range(self.table.rowCount()):
            try:
                weekday = WEEKDAYS.get(self._cell(row, 1).lower())
                if weekday is None:
                    raise UserError(self.tr("the weekday must be Mon … Sun"))
                minutes, places = self._cell(row, 4), self._cell(row, 5)
                if not (minutes.isdigit() and places.isdigit()):
                    raise UserError(self.tr("minutes and places must be whole numbers"))
                found.append(
                    opening(
                        self.department.code,
                        self._cell(row, 0),
                        weekday,
                        self._cell(row, 2),
                        self._cell(row, 3),
                        int(minutes),
                        int(places),
                    )
                )
            except UserError as exc:
                raise UserError(
                    self.tr("Row %1: %2").replace("%1", str(row + 1)).replace("%2", str(exc))
                ) from exc
        return found

    def save(self) -> None:
        try:
            change = self.schedules.save_openings(self.department.code, self.openings())
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(
            self.tr("Saved: %1 slots published, %2 withdrawn.")
            .replace("%1", str(change.published.created))
            .replace("%2", str(change.published.removed))
        )

    def close_day(self) -> None:
        day = self.close_date.date().toPython()
        assert isinstance(day, date)
        try:
            self.schedules.close_day(self.department.code, day, self.close_reason.text())
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(self.tr("%1 is closed.").replace("%1", day.isoformat()))
