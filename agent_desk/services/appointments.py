"""Revisit appointments (复诊预约): next free slots, booking, moving, cancelling, reminders.

Where a booking is decided:

- **With a central server** (central.url), on the server: the slot's place is taken
  and the booking written there in one statement, one round trip
  (agent_desk.db.appointment_booking), so two agents booking the last place never both
  succeed; the loser's SlotFull carries the next free slots, from the same statement's
  answer. Moves take their new place with agent_desk.db.appointments.take_place. The
  rows the server wrote are then copied into this workstation's database (not queued
  for upload: the server has them), where the window reads them at once; the sync feed
  later brings the same rows to every workstation. When the server cannot be reached, a
  booking is refused (AppointmentsOffline) and the slots shown are those of the last
  sync.
- **Without one**, in the workstation's SQLite database, whose write lock makes the same
  check-and-take just as atomic.

Reads (slots, lists, the card's upcoming appointments) are always local: fast, and
available offline. The reminders' side: reminders_due() lists the bookings that get an
SMS the day before; confirm() and request_reschedule() are what an SMS reply of 确认 or
改期 does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from agent_desk.db import appointments as sql
from agent_desk.db import audit
from agent_desk.db.appointment_booking import book_on_server
from agent_desk.db.appointment_models import Appointment, AppointmentSlot
from agent_desk.db.base import Base, new_id
from agent_desk.domain.appointments import (
    HOLDING,
    AppointmentNotOpen,
    AppointmentView,
    DayCounts,
    SlotFull,
    SlotView,
)
from agent_desk.domain.enums import AppointmentStatus, AuditAction, AuditSubject
from agent_desk.domain.permissions import Permission
from agent_desk.errors import UserError
from agent_desk.plans.calendar import local_date
from agent_desk.services.appointment_base import (
    PUBLISH_DAYS,
    REMINDER_DAYS_AHEAD,
    AppointmentRules,
    ServerDecided,
    open_central,
)
from agent_desk.sync.capture import APPLYING

NEXT_FREE = 8  # slots offered at once: a screenful, the first one a key away
Mirror = list[tuple[type[Base], dict[str, Any]]]


class AppointmentService(ServerDecided):
    """Appointments for one signed-in user; *central* is the central server, if any."""

    # --- reading: always this workstation's copy ------------------------------------

    def next_free(
        self, department_id: uuid.UUID, doctor: str | None = None, limit: int = NEXT_FREE
    ) -> list[SlotView]:
        """The next slots with a place, the doctor's first; the department's when the
        doctor has none."""
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            found = sql.next_free(session, department_id, doctor or None, self.clock(), limit)
            if not found and doctor:
                found = sql.next_free(session, department_id, None, self.clock(), limit)
        return found

    def slots(
        self, department_id: uuid.UUID, first: date, last: date, doctor: str | None = None
    ) -> list[SlotView]:
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            return sql.slots_between(session, department_id, doctor or None, first, last)

    def day(
        self, day: date, department_id: uuid.UUID | None = None
    ) -> tuple[list[AppointmentView], DayCounts | None]:
        """The day's bookings in scope (all statuses), and the department's counts."""
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            rows = sql.appointments_on(
                session, day, self.principal.department_filter(), department_id
            )
            counts = None
            if department_id is not None:
                counts = sql.day_counts(sql.slots_between(session, department_id, None, day, day))
        return rows, counts

    def upcoming(self, patient_id: uuid.UUID) -> list[AppointmentView]:
        """The patient's bookings still ahead, for the card."""
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            return sql.upcoming_for_patient(session, patient_id, self.clock())

    def clinic_of(self, patient_id: uuid.UUID) -> tuple[uuid.UUID, str] | None:
        """The department and doctor of the patient's latest visit: where a revisit goes."""
        self.principal.require(Permission.VIEW_RECORDS)
        from agent_desk.db.schedules import patient_clinic

        with self.db.read() as session:
            return patient_clinic(session, patient_id)

    def get(self, appointment_id: uuid.UUID) -> AppointmentView:
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            found = sql.appointment_view(session, appointment_id)
        if found is None or not self.principal.sees_department(found.department_id):
            raise UserError(f"no appointment {appointment_id}")
        return found

    # --- booking --------------------------------------------------------------------

    def book(
        self, patient_id: uuid.UUID, slot_id: uuid.UUID, note: str | None = None
    ) -> AppointmentView:
        """Take a place in the slot for the patient (raises SlotFull, AppointmentsOffline)."""
        self.principal.require(Permission.BOOK_APPOINTMENTS)
        now = self.clock()
        if self.central is not None:
            return self._view(self._book_on_server(patient_id, slot_id, note, now))

        def work(session: Session) -> tuple[uuid.UUID, Mirror]:
            slot = self._take(session, slot_id, now)
            made = sql.add_appointment(
                session,
                patient_id=patient_id,
                slot=slot,
                booked_by=self.principal.username,
                booked_at=now,
                note=note,
            )
            return made.id, [(AppointmentSlot, slot), (Appointment, sql.row_values(made))]

        made_id = self._change(
            work,
            AuditAction.APPOINTMENT_BOOKED,
            lambda made: (made, {"slot": str(slot_id), "patient": str(patient_id)}),
        )
        return self._view(made_id)

    def reschedule(self, appointment_id: uuid.UUID, slot_id: uuid.UUID) -> AppointmentView:
        """Move a booking to another slot: the new place is taken before the old is freed."""
        self.principal.require(Permission.BOOK_APPOINTMENTS)
        now = self.clock()

        def work(session: Session) -> tuple[uuid.UUID, Mirror]:
            old = self._open(session, appointment_id)
            slot = self._take(session, slot_id, now)
            freed = sql.give_back_place(session, old.slot_id)
            old.status = AppointmentStatus.RESCHEDULED
            old.closed_at, old.closed_by = now, self.principal.username
            made = sql.add_appointment(
                session,
                patient_id=old.patient_id,
                slot=slot,
                booked_by=self.principal.username,
                booked_at=now,
                note=old.note,
                previous_id=old.id,
            )
            session.flush()
            mirror: Mirror = [(AppointmentSlot, slot)]
            if freed is not None:
                mirror.append((AppointmentSlot, freed))
            mirror += [(Appointment, sql.row_values(old)), (Appointment, sql.row_values(made))]
            return made.id, mirror

        made_id = self._change(
            work,
            AuditAction.APPOINTMENT_RESCHEDULED,
            lambda made: (made, {"from": str(appointment_id), "slot": str(slot_id)}),
        )
        return self._view(made_id)

    def cancel(self, appointment_id: uuid.UUID, reason: str) -> AppointmentView:
        """Cancel with a reason (required); the place goes back to the slot."""
        self.principal.require(Permission.BOOK_APPOINTMENTS)
        reason = " ".join(reason.split())
        if not reason:
            raise UserError("a cancellation needs a reason")
        now = self.clock()

        def work(session: Session) -> tuple[uuid.UUID, Mirror]:
            appointment = self._open(session, appointment_id)
            freed = sql.give_back_place(session, appointment.slot_id)
            appointment.status = AppointmentStatus.CANCELLED
            appointment.cancel_reason = reason[:500]
            appointment.closed_at, appointment.closed_by = now, self.principal.username
            session.flush()
            mirror: Mirror = [(Appointment, sql.row_values(appointment))]
            if freed is not None:
                mirror.append((AppointmentSlot, freed))
            return appointment.id, mirror

        self._change(
            work, AuditAction.APPOINTMENT_CANCELLED, lambda made: (made, {"reason": reason})
        )
        return self._view(appointment_id)

    def mark_no_show(self, appointment_id: uuid.UUID) -> AppointmentView:
        """爽约: the patient did not come. Only once the slot has begun."""
        self.principal.require(Permission.BOOK_APPOINTMENTS)
        now = self.clock()

        def work(session: Session) -> tuple[uuid.UUID, Mirror]:
            appointment = self._open(session, appointment_id)
            if appointment.starts_at > now:
                raise UserError("a booking can be marked a no-show only once its slot has begun")
            appointment.status = AppointmentStatus.NO_SHOW
            appointment.closed_at, appointment.closed_by = now, self.principal.username
            session.flush()
            return appointment.id, [(Appointment, sql.row_values(appointment))]

        self._change(work, AuditAction.APPOINTMENT_NO_SHOW, lambda made: (made, {}))
        return self._view(appointment_id)

    # --- the SMS side ---------------------------------------------------------------

    def reminders_due(self, day: date) -> list[AppointmentView]:
        """Bookings that get a reminder on *day*: the revisit is the next day, it still holds
        its place, nobody has reminded the patient yet, and it was booked more than
        rules.reminder_days_ahead days ahead (S4: a booking made days before needs none)."""
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            due = [
                a.id
                for a in sql.reminder_candidates(session, day)
                if sql.booked_days_ahead(a) > self.rules.reminder_days_ahead
            ]
            return [v for v in map(lambda i: sql.appointment_view(session, i), due) if v]

    def mark_reminded(self, appointment_id: uuid.UUID, at: datetime | None = None) -> None:
        """The SMS went out: reminders_due() no longer lists the booking."""
        sent = at or self.clock()

        def work(session: Session) -> tuple[uuid.UUID, Mirror]:
            appointment = self._existing(session, appointment_id)
            appointment.reminder_sent_at = sent
            session.flush()
            return appointment.id, [(Appointment, sql.row_values(appointment))]

        self._change(work, None, lambda made: (made, {}))

    def confirm(self, appointment_id: uuid.UUID) -> AppointmentView:
        """The patient confirmed (an SMS reply of 确认, or on the phone)."""
        self.principal.require(Permission.BOOK_APPOINTMENTS)
        now = self.clock()

        def work(session: Session) -> tuple[uuid.UUID, Mirror]:
            appointment = self._open(session, appointment_id)
            appointment.status = AppointmentStatus.CONFIRMED
            appointment.confirmed_at = now
            session.flush()
            return appointment.id, [(Appointment, sql.row_values(appointment))]

        self._change(work, None, lambda made: (made, {}))
        return self._view(appointment_id)

    def request_reschedule(self, appointment_id: uuid.UUID) -> uuid.UUID:
        """The patient asked to move the revisit (an SMS reply of 改期): a callback task,
        due now, for the booking's department; the booking stays until an agent moves it.
        Returns the task's id."""
        from agent_desk.services.callbacks import CallbackService

        found = self.get(appointment_id)
        if not found.holds_place:
            raise AppointmentNotOpen(f"appointment {appointment_id} is {found.status.value}")
        return CallbackService(self.db, self.principal, clock=self.clock).request_for(
            found, self.clock()
        )

    # --- inside ---------------------------------------------------------------------

    def _book_on_server(
        self, patient_id: uuid.UUID, slot_id: uuid.UUID, note: str | None, now: datetime
    ) -> uuid.UUID:
        """The hot path: one statement on the central server, which books or answers with
        the slots to offer instead (db.appointment_booking), then the rows copied here and
        the booking audited."""
        made_id = new_id()  # the same on a second try: never two bookings (decide())
        answer = self.decide(
            lambda session: book_on_server(
                session,
                slot=slot_id,
                patient_id=patient_id,
                booked_by=self.principal.username,
                now=now,
                note=note,
                appointment_id=made_id,
                offered=NEXT_FREE,
            ),
            one_statement=True,
        )
        if answer.slot is None or answer.appointment is None:
            self._refusal(slot_id, answer.refused, now, lambda: answer.offers)
        self._copy_and_audit(
            [(AppointmentSlot, answer.slot), (Appointment, answer.appointment)],
            AuditAction.APPOINTMENT_BOOKED,
            made_id,
            {"slot": str(slot_id), "patient": str(patient_id)},
        )
        return made_id

    def _take(self, session: Session, slot_id: uuid.UUID, now: datetime) -> dict[str, Any]:
        slot = sql.take_place(session, slot_id, now)
        if slot is not None:
            return slot
        self._refuse(session, slot_id, now)

    def _refuse(self, session: Session, slot_id: uuid.UUID, now: datetime) -> NoReturn:
        found = sql.get_slot(session, slot_id)

        def offers() -> list[SlotView]:
            assert found is not None
            return sql.next_free(
                session, found.department_id, found.doctor or None, now, NEXT_FREE
            ) or sql.next_free(session, found.department_id, None, now, NEXT_FREE)

        self._refusal(slot_id, found, now, offers)

    @staticmethod
    def _refusal(
        slot_id: uuid.UUID,
        found: SlotView | None,
        now: datetime,
        offers: Callable[[], list[SlotView]],
    ) -> NoReturn:
        """Why *slot_id* took no booking: no such slot, begun, or full (with *offers*)."""
        if found is None:
            raise UserError(f"no slot {slot_id}: it was never published or has been withdrawn")
        if found.starts_at <= now:
            raise UserError(f"the slot of {found.starts_at:%Y-%m-%d %H:%M} UTC has begun")
        raise SlotFull(slot_id, offers())

    def _existing(self, session: Session, appointment_id: uuid.UUID) -> Appointment:
        appointment = sql.get_appointment(session, appointment_id)
        if appointment is None:
            raise UserError(f"no appointment {appointment_id}")
        return appointment

    def _open(self, session: Session, appointment_id: uuid.UUID) -> Appointment:
        appointment = self._existing(session, appointment_id)
        if appointment.status not in HOLDING:
            raise AppointmentNotOpen(
                f"appointment {appointment_id} is already {appointment.status.value}"
            )
        return appointment

    def _view(self, appointment_id: uuid.UUID) -> AppointmentView:
        with self.db.read() as session:
            found = sql.appointment_view(session, appointment_id)
        assert found is not None
        return found

    def _change(
        self,
        work: Callable[[Session], tuple[uuid.UUID, Mirror]],
        action: AuditAction | None,
        detail: Callable[[uuid.UUID], tuple[uuid.UUID, dict[str, Any]]],
    ) -> uuid.UUID:
        """Run *work* where it is decided, copy its rows here if that was the server, and
        audit it in this workstation's chain."""
        if self.central is None:
            with self.db.write() as session:
                made, _ = work(session)
                self._audit(session, action, *detail(made))
            return made
        made, mirror = self.decide(work)
        self._copy_and_audit(mirror, action, *detail(made))
        return made

    def _copy_and_audit(
        self,
        mirror: Mirror,
        action: AuditAction | None,
        subject: uuid.UUID,
        detail: dict[str, Any],
    ) -> None:
        with self.db.write() as session:
            session.info[APPLYING] = True  # the server has these rows: nothing to upload
            for model, row in mirror:
                sql.copy_rows(session, model, [row])
            session.info[APPLYING] = False
            self._audit(session, action, subject, detail)

    def _audit(
        self,
        session: Session,
        action: AuditAction | None,
        subject: uuid.UUID,
        detail: dict[str, Any],
    ) -> None:
        if action is not None:
            audit.record(
                session,
                self.principal.username,
                action,
                AuditSubject.APPOINTMENT.value,
                subject,
                **detail,
            )


def booked_days_ahead(view: AppointmentView) -> int:
    return (local_date(view.starts_at) - local_date(view.booked_at)).days


def horizon(today: date, rules: AppointmentRules) -> date:
    """The last day slots are published for."""
    return today + timedelta(days=rules.publish_days - 1)


# The settings' names for these live with the services that share them; callers
# import them from here, where appointments are booked.
__all__ = [
    "PUBLISH_DAYS",
    "REMINDER_DAYS_AHEAD",
    "AppointmentRules",
    "AppointmentService",
    "open_central",
]
