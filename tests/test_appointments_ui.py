"""Booking during the call, and the 预约 screen (pytest-qt, offscreen)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AppointmentStatus, SlotState
from agent_desk.plans.calendar import local_date
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.appointment_actions import open_booking
from agent_desk.ui.appointments_view import STATE_COLOURS, AppointmentsDialog
from agent_desk.ui.background import Background
from agent_desk.ui.booking_dialog import BookingDialog
from agent_desk.ui.main_window import MainWindow
from tests.appointment_support import publish
from tests.builders import Hospital
from tests.executors import Immediate
from tests.test_ui import _admin

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def window(qtbot, db: Database, hospital: Hospital, tmp_path: Path) -> MainWindow:
    publish(db, local_date(utcnow()), 30)
    win = build_main_window(
        db, Settings(tmp_path / "settings.json"), _admin(db), background=Background(Immediate())
    )
    qtbot.addWidget(win)
    win.show()
    return win


def _booking(qtbot, win: MainWindow) -> BookingDialog:
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), BookingDialog), timeout=3000
    )
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, BookingDialog)
    return dialog


def test_ctrl_b_shows_the_next_free_slots_and_enter_books(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    window.open_patient(hospital.patients["wang"])
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = _booking(qtbot, window)
    assert dialog.slots.count() == 8 and dialog.slots.currentRow() == 0
    first = dialog.chosen()
    assert first is not None
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert dialog.booked is not None and dialog.booked.slot_id == first.id
    # Read off the GUI thread: the card shows them once the look-up is back.
    qtbot.waitUntil(window.card.appointments.isVisible, timeout=3000)
    assert "心血管内科" in window.card.appointments.text()


def test_a_slot_taken_meanwhile_offers_the_next_ones(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    window.open_patient(hospital.patients["wang"])
    dialog = open_booking(window, window.appointment_tools)
    assert dialog is not None
    first = dialog.chosen()
    assert first is not None
    service = window.appointment_tools.appointments
    for key in ("li_a", "li_b")[: first.capacity]:  # someone else fills it
        service.book(hospital.patients[key], first.id)
    dialog.book()
    assert "just taken" in dialog.message.text() or "刚被" in dialog.message.text()
    assert dialog.isVisible() and dialog.chosen() is not None
    assert dialog.chosen().id != first.id


def test_the_forms_revisit_answer_opens_the_booking(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    window.open_patient(hospital.patients["wang"])
    qtbot.waitUntil(lambda: window.followup.view is not None, timeout=3000)
    combo = window.followup.view.rows["gd_revisit_help"].editor
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(True))
    dialog = _booking(qtbot, window)
    assert dialog.slots.count() > 0
    dialog.reject()


def test_the_screen_colours_the_calendar_and_lists_the_day(
    qtbot, window: MainWindow, hospital: Hospital, tmp_path: Path
) -> None:
    tools = window.appointment_tools
    slot = tools.appointments.next_free(hospital.cardiology)[0]
    made = tools.appointments.book(hospital.patients["wang"], slot.id)
    screen = AppointmentsDialog(
        tools.appointments,
        tools.schedules,
        tools.departments.departments(),
        window.background,
        window,
    )
    qtbot.addWidget(screen)
    screen.department.setCurrentIndex(screen.department.findData(str(hospital.cardiology)))
    screen.calendar.setSelectedDate(slot.day)
    screen.show()
    assert screen.day_table.rowCount() == 1
    assert screen.day_table.item(0, 1).text() == "王秀英"
    assert "****" in screen.day_table.item(0, 3).text()  # the phone, masked
    assert "booked 1" in screen.counts.text() or "已约 1" in screen.counts.text()
    fmt = screen.calendar.dateTextFormat(slot.day)
    assert fmt.background().color() == STATE_COLOURS[SlotState.BOOKED]
    screen.grab().save(str(tmp_path / "appointments.png"))
    if shot := os.environ.get("AGENT_DESK_SHOT"):
        screen.grab().save(shot)
    screen.day_table.selectRow(0)
    screen.cancel_selected(reason="患者要求")
    assert tools.appointments.get(made.id).status is AppointmentStatus.CANCELLED
    assert screen.day_table.item(0, 5).text() in ("Cancelled", "已取消")


def test_a_booking_in_the_window_is_sent_to_the_his(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    from tests.test_appointments_his import Peer

    his = Peer()
    his.server.start()
    try:
        window.appointment_tools.his_address = f"127.0.0.1:{his.server.port}"
        window.open_patient(hospital.patients["wang"])
        dialog = open_booking(window, window.appointment_tools)
        assert dialog is not None
        dialog.book()
        qtbot.waitUntil(lambda: len(his.received) == 1, timeout=5000)
        assert str(his.received[0].segment("MSH")[9]) == "SIU^S12^SIU_S12"
    finally:
        his.server.stop()


def test_a_callback_at_a_set_time_comes_due_in_the_status_bar(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    from datetime import timedelta

    from PySide6.QtCore import QDateTime, QTime

    from agent_desk.plans.calendar import HOSPITAL_TZ
    from agent_desk.ui.appointment_actions import show_callbacks_due
    from agent_desk.ui.labels import qdate

    window.open_patient(hospital.patients["wang"])
    dialog = open_booking(window, window.appointment_tools)
    assert dialog is not None
    at = (utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
    shown = at.astimezone(HOSPITAL_TZ)  # the editor shows the hospital's time
    dialog.callback_at.setDateTime(QDateTime(qdate(shown.date()), QTime(shown.hour, shown.minute)))
    dialog.book_callback()
    assert dialog.callback_task is not None
    assert window.callbacks_label.text() == ""  # not yet its time
    window.appointment_tools.callbacks.clock = lambda: at
    show_callbacks_due(window, window.appointment_tools)
    assert window.callbacks_label.text().endswith("1")
    assert "王秀英" in window.callbacks_label.toolTip()


def test_the_callbacks_due_are_counted_off_the_gui_thread(
    qtbot, db: Database, tmp_path: Path
) -> None:
    # At a million patients the count reads the open tasks for seconds: every minute, the
    # window (and a ringing line) must not wait for it.
    import threading

    from agent_desk.ui.appointment_actions import show_callbacks_due

    win = build_main_window(db, Settings(tmp_path / "settings.json"), _admin(db))
    qtbot.addWidget(win)
    tools = win.appointment_tools
    counted_on: list[threading.Thread] = []
    count = tools.callbacks.callbacks_due

    def counting() -> list[object]:
        counted_on.append(threading.current_thread())
        return count()  # type: ignore[return-value]

    tools.callbacks.callbacks_due = counting
    show_callbacks_due(win, tools)
    qtbot.waitUntil(lambda: bool(counted_on))
    assert counted_on[0] is not threading.main_thread()


def test_a_supervisor_edits_the_schedule_in_the_window(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    from PySide6.QtWidgets import QTableWidgetItem

    from agent_desk.ui.schedule_editor import ScheduleEditor

    tools = window.appointment_tools
    (cardiology,) = [d for d in tools.departments.departments() if d.code == "CARD"]
    editor = ScheduleEditor(tools.schedules, cardiology)
    qtbot.addWidget(editor)
    assert editor.table.rowCount() == 6  # five weekday mornings and 王医生's Tuesday
    editor.add_row("李医生", 6, "09:00", "10:00", 30, 1)  # a Saturday clinic
    editor.save()
    assert "slots published" in editor.message.text() or "个时段" in editor.message.text()
    saturday = [o for o in tools.schedules.openings(hospital.cardiology) if o.weekday == 6]
    assert [(o.doctor, o.slot_minutes) for o in saturday] == [("李医生", 30)]
    editor.table.setItem(6, 2, QTableWidgetItem("25:00"))
    editor.save()
    assert "7" in editor.message.text()  # the row is named; nothing saved
    assert len(tools.schedules.openings(hospital.cardiology)) == 7


def test_a_booking_is_moved_from_the_day_list(
    qtbot, window: MainWindow, hospital: Hospital
) -> None:
    tools = window.appointment_tools
    first, second = tools.appointments.next_free(hospital.cardiology)[:2]
    made = tools.appointments.book(hospital.patients["wang"], first.id)
    screen = AppointmentsDialog(
        tools.appointments, tools.schedules, tools.departments.departments(), window.background
    )
    qtbot.addWidget(screen)
    screen.department.setCurrentIndex(screen.department.findData(str(hospital.cardiology)))
    screen.calendar.setSelectedDate(first.day)
    screen.day_table.selectRow(0)
    dialog = screen.move_selected()
    assert dialog is not None
    dialog.slots.setCurrentRow(
        next(
            n
            for n in range(dialog.slots.count())
            if dialog.slots.item(n).text()
            and dialog.slots.item(n).data(Qt.ItemDataRole.UserRole).id == second.id
        )
    )
    dialog.book()
    assert dialog.booked is not None and dialog.booked.slot_id == second.id
    assert tools.appointments.get(made.id).status is AppointmentStatus.RESCHEDULED
