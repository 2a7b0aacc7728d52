"""Booking revisits on a workstation without a central server: its SQLite keeps the count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.appointments import AppointmentNotOpen, SlotFull
from agent_desk.domain.enums import AppointmentStatus, Role, SlotState
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.plans.calendar import at_local
from agent_desk.services.appointments import AppointmentService
from agent_desk.services.callbacks import CallbackService
from tests.appointment_support import AGENT, add_staff, publish
from tests.builders import Hospital

AGENT2 = Principal.of("agent2", [Role.AGENT])

MONDAY = date(2026, 12, 28)
NOW = at_local(MONDAY, datetime.min.time()) - timedelta(hours=1)  # Sunday 23:00


def service(db: Database, principal: Principal = AGENT, now: datetime = NOW) -> AppointmentService:
    return AppointmentService(db, principal, clock=lambda: now)


@pytest.fixture
def published(db: Database, hospital: Hospital) -> Hospital:
    publish(db, MONDAY - timedelta(days=1))
    add_staff(db, AGENT, AGENT2)
    return hospital


def test_slots_follow_the_schedule_and_skip_the_closed_day(
    db: Database, published: Hospital
) -> None:
    book = service(db)
    monday = book.slots(published.cardiology, MONDAY, MONDAY)
    assert [s.starts_at for s in monday][:2] == [
        at_local(MONDAY, datetime.strptime("08:00", "%H:%M").time()),
        at_local(MONDAY, datetime.strptime("08:30", "%H:%M").time()),
    ]
    assert len(monday) == 8 and {s.capacity for s in monday} == {2}
    assert book.slots(published.cardiology, date(2027, 1, 1), date(2027, 1, 1)) == []
    tuesday = book.slots(
        published.cardiology, MONDAY + timedelta(1), MONDAY + timedelta(1), "王医生"
    )
    assert len(tuesday) == 9 and {s.capacity for s in tuesday} == {1}


def test_a_full_slot_refuses_and_offers_the_next_free(db: Database, published: Hospital) -> None:
    book = service(db)
    slot = book.next_free(published.cardiology, "王医生")[0]
    book.book(published.patients["wang"], slot.id)
    with pytest.raises(SlotFull) as refused:
        book.book(published.patients["li_a"], slot.id)
    assert refused.value.next_free[0].starts_at > slot.starts_at
    assert refused.value.next_free[0].doctor == "王医生"
    (only,) = book.slots(published.cardiology, slot.day, slot.day, "王医生")[:1]
    assert only.state is SlotState.FULL and only.booked == 1


def test_cancel_gives_the_place_back_and_needs_a_reason(db: Database, published: Hospital) -> None:
    book = service(db)
    slot = book.next_free(published.cardiology, "王医生")[0]
    made = book.book(published.patients["wang"], slot.id)
    with pytest.raises(Exception, match="reason"):
        book.cancel(made.id, "  ")
    cancelled = book.cancel(made.id, "患者已在外院复诊")
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert book.book(published.patients["li_a"], slot.id).slot_id == slot.id
    with pytest.raises(AppointmentNotOpen):
        book.cancel(made.id, "again")


def test_reschedule_moves_the_place(db: Database, published: Hospital) -> None:
    book = service(db)
    first, second = book.next_free(published.cardiology, "王医生")[:2]
    made = book.book(published.patients["wang"], first.id)
    moved = book.reschedule(made.id, second.id)
    assert moved.slot_id == second.id
    assert book.get(made.id).status is AppointmentStatus.RESCHEDULED
    assert [a.id for a in book.upcoming(published.patients["wang"])] == [moved.id]
    assert book.slots(published.cardiology, first.day, first.day, "王医生")[0].booked == 0


def test_no_show_only_after_the_slot_began(db: Database, published: Hospital) -> None:
    slot = service(db).next_free(published.cardiology)[0]
    made = service(db).book(published.patients["wang"], slot.id)
    with pytest.raises(Exception, match="no-show"):
        service(db).mark_no_show(made.id)
    later = service(db, now=slot.starts_at + timedelta(minutes=40))
    assert later.mark_no_show(made.id).status is AppointmentStatus.NO_SHOW


def test_reminder_the_day_before_only_for_bookings_made_long_ahead(
    db: Database, published: Hospital
) -> None:
    booking_day = MONDAY + timedelta(days=2)  # Wednesday
    when = at_local(booking_day, datetime.strptime("07:00", "%H:%M").time())
    far, near = booking_day + timedelta(days=30), booking_day + timedelta(days=5)
    agent = service(db, now=when)
    booked_far = agent.book(
        published.patients["wang"], agent.slots(published.cardiology, far, far)[0].id
    )
    booked_near = agent.book(
        published.patients["li_a"], agent.slots(published.cardiology, near, near)[0].id
    )
    book = service(db)
    assert [a.id for a in book.reminders_due(far - timedelta(days=1))] == [booked_far.id]
    assert book.reminders_due(near - timedelta(days=1)) == []
    assert book.reminders_due(far - timedelta(days=2)) == []  # not two days before
    book.mark_reminded(booked_far.id)
    assert book.reminders_due(far - timedelta(days=1)) == []
    assert booked_near.status is AppointmentStatus.BOOKED


def test_confirm_and_request_reschedule_for_sms_replies(db: Database, published: Hospital) -> None:
    book = service(db)
    made = book.book(published.patients["wang"], book.next_free(published.cardiology)[0].id)
    assert book.confirm(made.id).status is AppointmentStatus.CONFIRMED
    task = book.request_reschedule(made.id)
    due = CallbackService(db, AGENT, clock=lambda: NOW + timedelta(minutes=1)).callbacks_due()
    assert [c.task_id for c in due] == [task]


def test_callback_at_a_set_time_is_due_then_not_before(db: Database, published: Hospital) -> None:
    callbacks = CallbackService(db, AGENT, clock=lambda: NOW)
    at = NOW + timedelta(hours=16)  # "tomorrow at 3 pm"
    task = callbacks.book_callback(published.patients["wang"], at)
    assert callbacks.callbacks_due(until=at - timedelta(minutes=1)) == []
    (due,) = callbacks.callbacks_due(until=at)
    assert due.task_id == task and due.at == at
    other = CallbackService(db, AGENT2, clock=lambda: NOW)
    assert other.callbacks_due(until=at) == []


def test_a_doctor_may_not_book(db: Database, published: Hospital) -> None:
    doctor = service(db, Principal.of("dr", [Role.DOCTOR], [published.cardiology]))
    slot = doctor.next_free(published.cardiology)[0]
    with pytest.raises(PermissionDenied):
        doctor.book(published.patients["wang"], slot.id)


def test_booking_is_audited(db: Database, published: Hospital) -> None:
    from agent_desk.db import audit

    book = service(db)
    made = book.book(published.patients["wang"], book.next_free(published.cardiology)[0].id)
    book.cancel(made.id, "不需要了")
    with db.read() as session:
        actions = [
            action.value
            for _actor, action, entity in audit.recent(session)
            if entity == str(made.id)
        ]
    assert actions == ["appointment_cancelled", "appointment_booked"]
    assert UTC  # aware times throughout


def test_the_demo_publishes_a_schedule_and_books_revisits(db: Database, hospital: Hospital) -> None:
    from agent_desk.demo.appointments import add_appointments

    slots, bookings = add_appointments(db, MONDAY, seed=1)
    assert slots > 0 and bookings == 1  # the small hospital's one visit: 王秀英's
    assert [a.patient_name for a in service(db).upcoming(hospital.patients["wang"])] == ["王秀英"]
