"""The 预约 screen: a department's slots on a calendar (free, partly booked, full), the
chosen day's slots and the patients booked in them (identifiers masked), with counts.

Cancelling (with a reason) and marking a no-show are done from the day list; a supervisor
edits the clinic schedule from here (schedule_editor). Everything read is this
workstation's copy (the last sync when a central server is away).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.appointments import AppointmentView, SlotView
from agent_desk.domain.enums import SlotState
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Permission
from agent_desk.domain.views import DepartmentView
from agent_desk.errors import UserError
from agent_desk.plans.calendar import HOSPITAL_TZ, local_date
from agent_desk.services.appointment_schedules import ScheduleService
from agent_desk.services.appointments import AppointmentService
from agent_desk.ui.background import Background
from agent_desk.ui.booking_dialog import BookingDialog
from agent_desk.ui.labels import label
from agent_desk.ui.labels import qdate as _qdate

STATE_COLOURS = {
    SlotState.FREE: QColor("#c8e6c9"),
    SlotState.BOOKED: QColor("#fff3c4"),
    SlotState.FULL: QColor("#f4c7c3"),
}


def day_state(slots: list[SlotView]) -> SlotState:
    """A day's colour: full when every slot is, free when nobody booked yet."""
    if all(s.state is SlotState.FULL for s in slots):
        return SlotState.FULL
    return SlotState.FREE if all(s.booked == 0 for s in slots) else SlotState.BOOKED


class AppointmentsDialog(QDialog):
    def __init__(
        self,
        appointments: AppointmentService,
        schedules: ScheduleService,
        departments: list[DepartmentView],
        background: Background,
        parent: Any = None,
        cancelled: Callable[[uuid.UUID], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.appointments = appointments
        # Told of each booking cancelled or moved here (the window tells the HIS).
        self._cancelled = cancelled or (lambda _id: None)
        self.schedules = schedules
        self.background = background
        self.setWindowTitle(self.tr("Revisit appointments"))
        self._departments = departments
        self._month_slots: dict[date, list[SlotView]] = {}
        self._build()
        self.resize(1180, 720)
        self.today = local_date(appointments.clock())
        self.calendar.setSelectedDate(_qdate(self.today))
        # Publishing moves the horizon on by a day each day: done on opening, then shown.
        background.run(self, schedules.publish, lambda _r: self.reload(), lambda _e: self.reload())

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Department:")))
        self.department = QComboBox()
        for department in self._departments:
            self.department.addItem(department.name, str(department.id))
        self.department.currentIndexChanged.connect(lambda _i: self.reload())
        top.addWidget(self.department)
        top.addStretch(1)
        self.counts = QLabel()
        top.addWidget(self.counts)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.selectionChanged.connect(self.show_day)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.reload())
        left_layout.addWidget(self.calendar)
        legend = QHBoxLayout()
        for state in SlotState:
            chip = QLabel(label(state))
            chip.setStyleSheet(
                f"QLabel {{ background: {STATE_COLOURS[state].name()}; padding: 2px 6px; }}"
            )
            legend.addWidget(chip)
        legend.addStretch(1)
        left_layout.addLayout(legend)
        self.slot_table = _table(
            [self.tr("Time"), self.tr("Doctor"), self.tr("Booked"), self.tr("State")]
        )
        left_layout.addWidget(self.slot_table, 1)
        split.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel(self.tr("Patients booked on the day")))
        self.day_table = _table(
            [
                self.tr("Time"),
                self.tr("Patient"),
                self.tr("Record no."),
                self.tr("Phone"),
                self.tr("Doctor"),
                self.tr("Status"),
                self.tr("Booked by"),
            ]
        )
        right_layout.addWidget(self.day_table, 1)
        actions = QHBoxLayout()
        may_book = self.appointments.principal.may(Permission.BOOK_APPOINTMENTS)
        self.cancel_button = QPushButton(self.tr("Cancel booking…"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.no_show_button = QPushButton(self.tr("Mark no-show"))
        self.no_show_button.clicked.connect(self.no_show_selected)
        self.move_button = QPushButton(self.tr("Move to another slot…"))
        self.move_button.clicked.connect(self.move_selected)
        for button in (self.move_button, self.cancel_button, self.no_show_button):
            button.setVisible(may_book)
            actions.addWidget(button)
        actions.addStretch(1)
        self.schedule_button = QPushButton(self.tr("Clinic schedule…"))
        self.schedule_button.clicked.connect(self.edit_schedule)
        self.schedule_button.setVisible(self.schedules.principal.may(Permission.EDIT_SCHEDULES))
        actions.addWidget(self.schedule_button)
        right_layout.addLayout(actions)
        self.message = QLabel()
        self.message.setWordWrap(True)
        right_layout.addWidget(self.message)
        split.addWidget(right)
        split.setSizes([480, 700])
        layout.addWidget(split, 1)

    # --- showing -----------------------------------------------------------------------

    def department_id(self) -> uuid.UUID | None:
        value = self.department.currentData()
        return uuid.UUID(value) if isinstance(value, str) else None

    def reload(self) -> None:
        """The visible month's slots, coloured by day; then the chosen day."""
        department = self.department_id()
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clear every day
        self._month_slots = {}
        if department is not None:
            first = date(self.calendar.yearShown(), self.calendar.monthShown(), 1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            for slot in self.appointments.slots(department, first, last):
                self._month_slots.setdefault(slot.day, []).append(slot)
        for day, slots in self._month_slots.items():
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(STATE_COLOURS[day_state(slots)]))
            self.calendar.setDateTextFormat(_qdate(day), fmt)
        self.show_day()

    def selected_day(self) -> date:
        picked = self.calendar.selectedDate().toPython()
        assert isinstance(picked, date)
        return picked

    def show_day(self) -> None:
        day = self.selected_day()
        slots = self._month_slots.get(day, [])
        self.slot_table.setRowCount(len(slots))
        for row, slot in enumerate(slots):
            start = slot.starts_at.astimezone(HOSPITAL_TZ)
            end = slot.ends_at.astimezone(HOSPITAL_TZ)
            cells = [
                f"{start:%H:%M}–{end:%H:%M}",
                slot.doctor or self.tr("(clinic)"),
                f"{slot.booked}/{slot.capacity}",
                label(slot.state),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(STATE_COLOURS[slot.state]))
                self.slot_table.setItem(row, column, item)
        rows, counts = self.appointments.day(day, self.department_id())
        self._day_rows = rows
        self.day_table.setRowCount(len(rows))
        for row, booking in enumerate(rows):
            cells = [
                f"{booking.starts_at.astimezone(HOSPITAL_TZ):%H:%M}",
                booking.patient_name,
                booking.record_no,
                mask_phone(booking.phone) if booking.phone else "",
                booking.doctor,
                label(booking.status),
                booking.booked_by,
            ]
            for column, text in enumerate(cells):
                self.day_table.setItem(row, column, QTableWidgetItem(text))
        if counts is None:
            self.counts.setText("")
            return
        self.counts.setText(
            self.tr("Slots %1 · places %2 · booked %3 · free %4 · full slots %5")
            .replace("%1", str(counts.slots))
            .replace("%2", str(counts.places))
            .replace("%3", str(counts.booked))
            .replace("%4", str(counts.free))
            .replace("%5", str(counts.full_slots))
        )

    # --- acting ------------------------------------------------------------------------

    def selected_booking(self) -> AppointmentView | None:
        row = self.day_table.currentRow()
        return self._day_rows[row] if 0 <= row < len(getattr(self, "_day_rows", [])) else None

    def cancel_selected(self, reason: str | None = None) -> None:
        booking = self.selected_booking()
        if booking is None:
            return
        if not reason:
            reason, ok = QInputDialog.getText(
                self, self.tr("Cancel booking"), self.tr("Why is it cancelled?")
            )
            if not ok:
                return
        self._act(
            lambda: self.appointments.cancel(booking.id, reason or ""),
            lambda: self._cancelled(booking.id),
        )

    def move_selected(self) -> BookingDialog | None:
        """改期: the booking's department and doctor's next free slots; Enter moves it."""
        from agent_desk.services.callbacks import CallbackService

        booking = self.selected_booking()
        if booking is None or not booking.holds_place:
            return None
        dialog = BookingDialog(
            self.appointments,
            CallbackService(self.appointments.db, self.appointments.principal),
            self.background,
            booking.patient_id,
            booking.patient_name,
            reschedule=booking,
            parent=self,
        )
        dialog.finished.connect(lambda _code: self._moved(booking, dialog))
        dialog.open()
        return dialog

    def _moved(self, old: AppointmentView, dialog: BookingDialog) -> None:
        if dialog.booked is None:
            return
        self.reload()
        self._cancelled(old.id)  # the HIS: the old booking cancelled (S15) …
        self._cancelled(dialog.booked.id)  # … and the new one made (S12)

    def no_show_selected(self) -> None:
        booking = self.selected_booking()
        if booking is not None:
            self._act(lambda: self.appointments.mark_no_show(booking.id))

    def _act(self, work: Any, then: Callable[[], None] | None = None) -> None:
        def failed(error: Exception) -> None:
            if not isinstance(error, UserError):
                raise error
            self.message.setText(str(error))

        def done(_result: object) -> None:
            self.message.setText("")
            self.reload()
            if then is not None:
                then()

        self.background.run(self, work, done, failed)

    def edit_schedule(self) -> None:
        from agent_desk.ui.schedule_editor import ScheduleEditor

        index = self.department.currentIndex()
        if index < 0:
            return
        department = self._departments[index]
        ScheduleEditor(self.schedules, department, self).exec()
        self.reload()


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
