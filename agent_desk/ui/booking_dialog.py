"""Booking a revisit during the call (Ctrl+B on the card, or the form's 需要帮助预约复诊).

The next free slots of the patient's department and doctor are listed at once, the first
one chosen: Enter books it. A slot someone else just filled is answered with the next
free ones, in place. A callback at a set time (预约回拨) is booked from the same dialog.
The booking itself runs in the background (it may go to the central server).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from agent_desk.domain.appointments import AppointmentsOffline, AppointmentView, SlotFull, SlotView
from agent_desk.errors import UserError
from agent_desk.plans.calendar import HOSPITAL_TZ, at_local, local_date
from agent_desk.services.appointments import AppointmentService
from agent_desk.services.callbacks import CallbackService
from agent_desk.ui.background import Background
from agent_desk.ui.labels import qdate

_WEEKDAYS = (
    QT_TRANSLATE_NOOP("BookingDialog", "Mon"),
    QT_TRANSLATE_NOOP("BookingDialog", "Tue"),
    QT_TRANSLATE_NOOP("BookingDialog", "Wed"),
    QT_TRANSLATE_NOOP("BookingDialog", "Thu"),
    QT_TRANSLATE_NOOP("BookingDialog", "Fri"),
    QT_TRANSLATE_NOOP("BookingDialog", "Sat"),
    QT_TRANSLATE_NOOP("BookingDialog", "Sun"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("BookingDialog", text)


def slot_text(slot: SlotView) -> str:
    start = slot.starts_at.astimezone(HOSPITAL_TZ)
    end = slot.ends_at.astimezone(HOSPITAL_TZ)
    day = f"{start:%m-%d} {_tr(str(_WEEKDAYS[start.weekday()]))}"
    doctor = f" · {slot.doctor}" if slot.doctor else ""
    free = (
        QCoreApplication.translate("BookingDialog", "%1 of %2 places free")
        .replace("%1", str(slot.free))
        .replace("%2", str(slot.capacity))
    )
    return f"{day} {start:%H:%M}–{end:%H:%M}{doctor} · {free}"


class BookingDialog(QDialog):
    def __init__(
        self,
        appointments: AppointmentService,
        callbacks: CallbackService,
        background: Background,
        patient_id: uuid.UUID,
        patient_name: str,
        *,
        reschedule: AppointmentView | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.appointments = appointments
        self.callbacks = callbacks
        self.background = background
        self.patient_id = patient_id
        self.reschedule = reschedule
        self.booked: AppointmentView | None = None
        self.callback_task: uuid.UUID | None = None
        self.setWindowTitle(self.tr("Book a revisit: %1").replace("%1", patient_name))
        layout = QVBoxLayout(self)
        self.where = QLabel()
        layout.addWidget(self.where)
        self.slots = QListWidget()
        self.slots.itemActivated.connect(lambda _item: self.book())
        layout.addWidget(self.slots, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #b3261e; }")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.book_button = QPushButton(self.tr("Book (Enter)"))
        self.book_button.setDefault(True)
        self.book_button.clicked.connect(self.book)
        buttons.addWidget(self.book_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("Call back at:")))
        self.callback_at = QDateTimeEdit()
        self.callback_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.callback_at.setCalendarPopup(True)
        tomorrow = local_date(appointments.clock()) + timedelta(days=1)
        default = at_local(tomorrow, time(15, 0)).astimezone(HOSPITAL_TZ)
        self.callback_at.setDateTime(
            QDateTime(qdate(default.date()), QTime(default.hour, default.minute))
        )
        buttons.addWidget(self.callback_at)
        self.callback_button = QPushButton(self.tr("Book callback"))
        self.callback_button.setAutoDefault(False)
        self.callback_button.clicked.connect(self.book_callback)
        buttons.addWidget(self.callback_button)
        layout.addLayout(buttons)
        self.resize(560, 420)
        self._load()

    def _load(self) -> None:
        clinic = self.appointments.clinic_of(self.patient_id)
        if self.reschedule is not None:
            clinic = (self.reschedule.department_id, self.reschedule.doctor)
        if clinic is None:
            self.where.setText(self.tr("The patient has no visit: no department to book in."))
            self.book_button.setEnabled(False)
            return
        department, doctor = clinic
        self.department_id, self.doctor = department, doctor
        self.show_slots(self.appointments.next_free(department, doctor or None))

    def show_slots(self, slots: list[SlotView]) -> None:
        self.slots.clear()
        for slot in slots:
            item = QListWidgetItem(slot_text(slot))
            item.setData(Qt.ItemDataRole.UserRole, slot)
            self.slots.addItem(item)
        self.where.setText(
            self.tr("Next free slots (%1):").replace("%1", str(len(slots)))
            if slots
            else self.tr("No free slot is published for this department.")
        )
        self.book_button.setEnabled(bool(slots))
        if slots:
            self.slots.setCurrentRow(0)
            self.slots.setFocus()

    def chosen(self) -> SlotView | None:
        item = self.slots.currentItem()
        slot = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        return slot if isinstance(slot, SlotView) else None

    def book(self) -> None:
        slot = self.chosen()
        if slot is None or not self.book_button.isEnabled():
            return
        self.book_button.setEnabled(False)
        self.message.setText(self.tr("Booking…"))
        if self.reschedule is not None:
            moving = self.reschedule.id
            work = lambda: self.appointments.reschedule(moving, slot.id)  # noqa: E731
        else:
            work = lambda: self.appointments.book(self.patient_id, slot.id)  # noqa: E731
        self.background.run(self, work, self._booked, self._refused)

    def _booked(self, made: AppointmentView) -> None:
        self.booked = made
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.book_button.setEnabled(True)
        if isinstance(error, SlotFull):
            self.message.setText(
                self.tr("That slot was just taken by another booking. The next free slots:")
            )
            self.show_slots(error.next_free)
        elif isinstance(error, AppointmentsOffline):
            self.message.setText(
                self.tr(
                    "The central server cannot be reached, so no booking can be made now. "
                    "The slots shown are from the last sync."
                )
            )
        else:
            self.message.setText(str(error))

    def book_callback(self) -> None:
        local = self.callback_at.dateTime().toPython()
        assert isinstance(local, datetime)
        at = local.replace(tzinfo=HOSPITAL_TZ)
        try:
            self.callback_task = self.callbacks.book_callback(self.patient_id, at)
        except UserError as exc:  # said in place; nothing booked
            self.message.setText(str(exc))
            return
        self.accept()
