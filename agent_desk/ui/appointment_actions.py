"""Revisit appointments in the window: the 预约 menu, Ctrl+B on the card, the card's upcoming
revisits, and the booking offered when the form's 需要帮助预约复诊 is answered yes.

Kept out of main_window: the window only hosts what is wired here.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel

from agent_desk.db.engine import Database
from agent_desk.domain.permissions import Permission
from agent_desk.domain.views import PatientCard
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.appointment_schedules import ScheduleService
from agent_desk.services.appointments import AppointmentRules, AppointmentService, open_central
from agent_desk.services.callbacks import CallbackService
from agent_desk.services.worklist import WorklistService
from agent_desk.settings import Settings
from agent_desk.sync.errors import SyncError

if TYPE_CHECKING:  # the booking screen's modules load when it first opens
    from agent_desk.db.callbacks import CallbackView
    from agent_desk.domain.appointments import AppointmentView
    from agent_desk.ui.booking_dialog import BookingDialog
    from agent_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

CALLBACKS_EVERY_MS = 60_000  # a callback's time comes by the minute
# The first count once the window is up, not while it is built: the query reads the open
# tasks (seconds at a million patients, off the GUI thread), and the count is by the minute.
CALLBACKS_FIRST_MS = 1_000


@dataclass
class AppointmentTools:
    appointments: AppointmentService
    schedules: ScheduleService
    callbacks: CallbackService
    departments: WorklistService
    his_address: str = ""  # his.mllp_address: each booking and cancellation is sent there

    @classmethod
    def build(cls, db: Database, settings: Settings, window: MainWindow) -> AppointmentTools | None:
        principal = window.user.principal
        try:
            central = open_central(settings.get)
        except SyncError as exc:
            # Booking here alone could overbook the hospital's slots: none until fixed.
            log.warning("appointments off: the central server settings are wrong: %s", exc)
            return None
        rules = AppointmentRules.from_settings(settings.get)
        return cls(
            AppointmentService(db, principal, central=central, rules=rules),
            ScheduleService(db, principal, central=central, rules=rules),
            CallbackService(db, principal),
            WorklistService(db, principal),
            settings.get("his.mllp_address"),
        )


def install(window: MainWindow, tools: AppointmentTools) -> None:
    principal = window.user.principal
    if not principal.may(Permission.VIEW_RECORDS):
        return
    window.appointment_tools = tools
    menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "A&ppointments"))
    if principal.may(Permission.BOOK_APPOINTMENTS):
        book = QAction(
            QCoreApplication.translate("MainWindow", "Book a revisit for this patient…"), window
        )
        book.setObjectName("book_revisit_action")
        book.setShortcut(QKeySequence("Ctrl+B"))
        book.triggered.connect(lambda: open_booking(window, tools))
        menu.addAction(book)
        window.followup.revisit_wanted.connect(lambda: open_booking(window, tools))
    screen = QAction(QCoreApplication.translate("MainWindow", "Appointments…"), window)
    screen.setObjectName("appointments_action")
    screen.triggered.connect(lambda: open_screen(window, tools))
    menu.addAction(screen)
    window.card.card_shown.connect(lambda card: show_upcoming(window, tools, card))
    # The callbacks whose time has come (预约回拨), until the to-do list shows them.
    window.callbacks_label = QLabel()
    window.callbacks_label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; }")
    window.statusBar().insertPermanentWidget(0, window.callbacks_label)
    timer = QTimer(window)
    timer.timeout.connect(lambda: show_callbacks_due(window, tools))
    timer.start(CALLBACKS_EVERY_MS)
    QTimer.singleShot(CALLBACKS_FIRST_MS, window, lambda: show_callbacks_due(window, tools))


def show_callbacks_due(window: MainWindow, tools: AppointmentTools) -> None:
    """Counted off the GUI thread: the window (and a ringing line) never waits for it."""
    window.background.run(
        window,
        tools.callbacks.callbacks_due,
        lambda due: _show_callbacks(window, due),
        lambda error: log.warning("callbacks due not counted: %s", error),
    )


def _show_callbacks(window: MainWindow, due: list[CallbackView]) -> None:
    window.callbacks_label.setText(
        QCoreApplication.translate("MainWindow", "Callbacks due: %1").replace("%1", str(len(due)))
        if due
        else ""
    )
    window.callbacks_label.setToolTip(
        "\n".join(f"{c.at.astimezone(HOSPITAL_TZ):%H:%M} {c.patient_name}" for c in due[:20])
    )


def show_upcoming(window: MainWindow, tools: AppointmentTools, card: PatientCard) -> None:
    """Read off the GUI thread, as the knowledge panel's articles are: on a call, the
    caller's card is on screen without waiting for this look-up, which follows at once."""
    patient_id = card.id

    def shown(found: list[AppointmentView]) -> None:
        current = window.card.card
        if current is None or current.id != patient_id:
            return  # another patient came meanwhile
        window.card.show_appointments(
            [
                f"{a.starts_at.astimezone(HOSPITAL_TZ):%Y-%m-%d %H:%M} {a.department_name}"
                + (f" {a.doctor}" if a.doctor else "")
                for a in found
            ]
        )

    window.background.run(
        window.card,
        lambda: tools.appointments.upcoming(patient_id),
        shown,
        lambda error: window.statusBar().showMessage(str(error), 8000),
    )


def open_booking(window: MainWindow, tools: AppointmentTools) -> BookingDialog | None:
    card = window.card.card
    if card is None:
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Open a patient's card first."), 5000
        )
        return None
    from agent_desk.ui.booking_dialog import BookingDialog

    dialog = BookingDialog(
        tools.appointments, tools.callbacks, window.background, card.id, card.name, parent=window
    )
    dialog.finished.connect(lambda _code: _after_booking(window, tools, dialog))
    dialog.open()
    return dialog


def _after_booking(window: MainWindow, tools: AppointmentTools, dialog: BookingDialog) -> None:
    if dialog.booked is not None:
        at = dialog.booked.starts_at.astimezone(HOSPITAL_TZ)
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Revisit booked for %1.").replace(
                "%1", f"{at:%Y-%m-%d %H:%M}"
            ),
            8000,
        )
        tell_his(window, tools, dialog.booked.id)
    elif dialog.callback_task is not None:
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Callback booked."), 8000
        )
        window.reload_worklist()
        show_callbacks_due(window, tools)
    card = window.card.card
    if card is not None:
        show_upcoming(window, tools, card)


def open_screen(window: MainWindow, tools: AppointmentTools) -> None:
    from agent_desk.ui.appointments_view import AppointmentsDialog

    AppointmentsDialog(
        tools.appointments,
        tools.schedules,
        tools.departments.departments(),
        window.background,
        window,
        cancelled=lambda appointment_id: tell_his(window, tools, appointment_id),
    ).exec()


def tell_his(window: MainWindow, tools: AppointmentTools, appointment_id: uuid.UUID) -> None:
    """The HIS hears of a booking or cancellation in the background; the answer is kept
    with the booking (appointment_his_messages) and a refusal said in the status bar."""
    if not tools.his_address:
        return
    from agent_desk.services.appointment_his import HisAnswer, send_to_his

    def answered(answer: HisAnswer) -> None:
        if not answer.accepted:
            window.statusBar().showMessage(
                QCoreApplication.translate(
                    "MainWindow", "The HIS did not accept the appointment: %1"
                ).replace("%1", answer.detail),
                10000,
            )

    window.background.run(
        window,
        lambda: send_to_his(
            tools.appointments.db, window.user.principal, appointment_id, tools.his_address
        ),
        answered,
        lambda error: log.warning("appointment not sent to the HIS: %s", error),
    )
