"""The revisit appointments' tables (migration 0019): clinic hours, slots and bookings.

Schedules, closed days, slots and bookings travel to every workstation (sync_tables).
With a central server they are written there first (agent_desk.services.appointments):
a slot's place is taken on the server in one statement, so two agents can never both
book its last place; the workstation keeps a copy for its window and for offline viewing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base, IdMixin, VersionedMixin, utcnow
from agent_desk.db.models import _enum
from agent_desk.domain.enums import AppointmentStatus

# A schedule or slot for the whole department, not one doctor: "" rather than NULL, so
# that the natural keys and the filters need no special case.
ANY_DOCTOR = ""


class AppointmentSchedule(IdMixin, VersionedMixin, Base):
    """Clinic hours (出诊时间) on one weekday: slots of slot_minutes from start to end."""

    __tablename__ = "appointment_schedules"
    __table_args__ = (Index("ix_appointment_schedules_department", "department_id", "doctor"),)

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    doctor: Mapped[str] = mapped_column(String(64), default=ANY_DOCTOR)
    weekday: Mapped[int] = mapped_column(Integer)  # ISO: 1 Monday … 7 Sunday
    start_minute: Mapped[int] = mapped_column(Integer)  # minutes after midnight, hospital time
    end_minute: Mapped[int] = mapped_column(Integer)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)  # patients per slot
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class AppointmentClosure(IdMixin, VersionedMixin, Base):
    """A day without clinic (停诊, a holiday) for a department, or for one doctor of it."""

    __tablename__ = "appointment_closures"
    __table_args__ = (Index("ix_appointment_closures_department_day", "department_id", "day"),)

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    doctor: Mapped[str] = mapped_column(String(64), default=ANY_DOCTOR)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(128), default="")


class AppointmentSlot(IdMixin, VersionedMixin, Base):
    """One published time slot and how many of its places are taken.

    The CHECK is the last line against overbooking: even a statement that forgot the
    capacity test could not take a place that is not there."""

    __tablename__ = "appointment_slots"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="places"),
        # Next free slots of a department (and doctor), in time order: one index range.
        Index("ix_appointment_slots_department_start", "department_id", "starts_at", "doctor"),
    )

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    doctor: Mapped[str] = mapped_column(String(64), default=ANY_DOCTOR)
    day: Mapped[date] = mapped_column(Date)  # the hospital's calendar day
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Appointment(IdMixin, VersionedMixin, Base):
    """A patient's revisit booking in a slot (复诊预约)."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_patient_start", "patient_id", "starts_at"),
        Index("ix_appointments_start_status", "starts_at", "status"),
        Index("ix_appointments_slot", "slot_id"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment_slots.id"))
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    doctor: Mapped[str] = mapped_column(String(64), default=ANY_DOCTOR)
    starts_at: Mapped[datetime]  # the slot's, kept here for the lists and the reminders
    status: Mapped[AppointmentStatus] = mapped_column(
        _enum(AppointmentStatus), default=AppointmentStatus.BOOKED
    )
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    booked_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]  # cancelled, moved or marked a no-show
    closed_by: Mapped[str | None] = mapped_column(String(64))
    previous_id: Mapped[uuid.UUID | None]  # the booking this one was moved from
    reminder_sent_at: Mapped[datetime | None]  # the day-before SMS (set by the SMS side)
    confirmed_at: Mapped[datetime | None]


class AppointmentHisMessage(IdMixin, Base):
    """An SIU message sent to the HIS and its ACK: what the outpatient desk was told.

    Local to the workstation that sent it (sync_tables.LOCAL_ONLY_TABLES)."""

    __tablename__ = "appointment_his_messages"

    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointments.id"), index=True)
    event: Mapped[str] = mapped_column(String(8))  # S12 new, S15 cancelled
    control_id: Mapped[str] = mapped_column(String(64))  # MSH-10
    peer: Mapped[str] = mapped_column(String(128))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    ack_code: Mapped[str | None] = mapped_column(String(4))  # MSA-1: AA, AE, AR
    ack: Mapped[str | None] = mapped_column(Text)  # the ACK message as received
    error: Mapped[str | None] = mapped_column(Text)  # why no ACK came
