"""The SQL of revisit appointments: schedules, published slots, places taken and given back.

The one rule that matters: a slot never holds more bookings than its capacity. A place is
taken only by take_place or by the booking statement of agent_desk.db.appointment_booking,
both through taking(). On PostgreSQL (the central server, shared by every
workstation) it is one conditional UPDATE: the row lock makes concurrent statements
queue, and each re-checks ``booked < capacity`` on the row as the one before left it, so
of eight agents booking a one-place slot exactly one succeeds. On SQLite (a workstation
with no central server) the write transaction holds the database's lock from its first
statement, so the read-check-write below it cannot interleave with another. The CHECK on
appointment_slots (booked within 0 … capacity) backs both.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    func,
    select,
    true,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent_desk.db.appointment_models import (
    Appointment,
    AppointmentHisMessage,
    AppointmentSlot,
)
from agent_desk.db.base import Base, UTCDateTime
from agent_desk.db.models import Department, Patient, PatientContact
from agent_desk.db.scope import Scope, patient_in_scope
from agent_desk.domain.appointments import HOLDING, AppointmentView, DayCounts, SlotView
from agent_desk.plans.calendar import local_date, local_start_of

# --- slots ------------------------------------------------------------------------------


def _slot_view(slot: Any) -> SlotView:
    return SlotView(
        slot.id,
        slot.department_id,
        slot.doctor,
        slot.day,
        slot.starts_at,
        slot.ends_at,
        slot.capacity,
        slot.booked,
    )


def _doctor_filter(doctor: str | None) -> ColumnElement[bool]:
    return true() if doctor is None else AppointmentSlot.doctor == doctor


def next_free(
    session: Session,
    department_id: uuid.UUID,
    doctor: str | None,
    after: datetime,
    limit: int = 8,
) -> list[SlotView]:
    """The first slots with a place left, starting after *after*, in time order."""
    rows = session.scalars(
        select(AppointmentSlot)
        .where(
            AppointmentSlot.department_id == department_id,
            AppointmentSlot.starts_at > after,
            _doctor_filter(doctor),
            AppointmentSlot.booked < AppointmentSlot.capacity,
        )
        .order_by(AppointmentSlot.starts_at, AppointmentSlot.doctor)
        .limit(limit)
    )
    return [_slot_view(slot) for slot in rows]


def slots_between(
    session: Session, department_id: uuid.UUID, doctor: str | None, first: date, last: date
) -> list[SlotView]:
    rows = session.scalars(
        select(AppointmentSlot)
        .where(
            AppointmentSlot.department_id == department_id,
            AppointmentSlot.starts_at >= local_start_of(first),
            AppointmentSlot.starts_at < local_start_of(last + timedelta(days=1)),
            _doctor_filter(doctor),
        )
        .order_by(AppointmentSlot.starts_at, AppointmentSlot.doctor)
    )
    return [_slot_view(slot) for slot in rows]


def get_slot(session: Session, slot: uuid.UUID) -> SlotView | None:
    found = session.get(AppointmentSlot, slot)
    return None if found is None else _slot_view(found)


def day_counts(slots: Sequence[SlotView]) -> DayCounts:
    return DayCounts(
        len(slots),
        sum(s.capacity for s in slots),
        sum(s.booked for s in slots),
        sum(1 for s in slots if s.free <= 0),
    )


def take_place(session: Session, slot: uuid.UUID, now: datetime) -> dict[str, Any] | None:
    """Take one place in *slot* if it has one and has not started; None when it is full.

    Returns the slot row as it stands after (column name → value)."""
    table = cast(Table, AppointmentSlot.__table__)
    if session.get_bind().dialect.name == "postgresql":
        # One statement: see the module's note. The server's own clock would do as well;
        # *now* is the caller's, so both databases judge "not started" alike.
        row = session.execute(taking(table, slot, now)).one_or_none()
        return None if row is None else dict(row._mapping)
    found = session.get(AppointmentSlot, slot)
    if found is None or found.booked >= found.capacity or found.starts_at <= now:
        return None
    found.booked += 1
    session.flush()
    return row_values(found)


def taking(table: Table, slot: Any, now: Any) -> Any:
    """The conditional UPDATE that takes a place (see the module's note); *slot* and *now*
    are values or bind parameters."""
    return (
        update(table)
        .where(table.c.id == slot, table.c.booked < table.c.capacity, table.c.starts_at > now)
        .values(
            booked=table.c.booked + 1,
            version=table.c.version + 1,
            updated_at=func.timezone("UTC", func.now()).cast(UTCDateTime()),
        )
        .returning(*table.c)
    )


def give_back_place(session: Session, slot: uuid.UUID) -> dict[str, Any] | None:
    """Free one place of *slot* (a cancellation or a move); the slot row after."""
    table = cast(Table, AppointmentSlot.__table__)
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(
            update(table)
            .where(table.c.id == slot, table.c.booked > 0)
            .values(
                booked=table.c.booked - 1,
                version=table.c.version + 1,
                updated_at=func.timezone("UTC", func.now()).cast(UTCDateTime()),
            )
            .returning(*table.c)
        ).one_or_none()
        return None if row is None else dict(row._mapping)
    found = session.get(AppointmentSlot, slot)
    if found is None or found.booked <= 0:
        return None
    found.booked -= 1
    session.flush()
    return row_values(found)


def slot_exists(session: Session, slot: uuid.UUID) -> bool:
    return session.scalar(select(AppointmentSlot.id).where(AppointmentSlot.id == slot)) is not None


# --- bookings ---------------------------------------------------------------------------


def row_values(obj: Base) -> dict[str, Any]:
    """An ORM row's columns by name, for copying it into another database."""
    table = cast(Table, obj.__table__)
    return {column.name: getattr(obj, column.key) for column in table.columns}


def copy_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Write rows read from the central server into this SQLite database, never going back
    to an older version (the sync feed brings the same rows later, and may bring them
    after a newer change made here)."""
    table = cast(Table, model.__table__)
    for row in rows:
        statement = sqlite_insert(table).values(**row)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.id],
                set_={name: statement.excluded[name] for name in row if name != "id"},
                where=table.c.version <= statement.excluded.version,
            )
        )


def add_appointment(
    session: Session,
    *,
    patient_id: uuid.UUID,
    slot: dict[str, Any],
    booked_by: str,
    booked_at: datetime,
    note: str | None = None,
    previous_id: uuid.UUID | None = None,
) -> Appointment:
    appointment = Appointment(
        patient_id=patient_id,
        slot_id=slot["id"],
        department_id=slot["department_id"],
        doctor=slot["doctor"],
        starts_at=slot["starts_at"],
        booked_at=booked_at,
        booked_by=booked_by,
        note=note,
        previous_id=previous_id,
    )
    session.add(appointment)
    session.flush()
    return appointment


def get_appointment(session: Session, appointment_id: uuid.UUID) -> Appointment | None:
    return session.get(Appointment, appointment_id)


def _views(session: Session, *conditions: ColumnElement[bool]) -> list[AppointmentView]:
    phone = (
        select(PatientContact.raw_number)
        .where(PatientContact.patient_id == Appointment.patient_id)
        .order_by(PatientContact.is_primary.desc(), PatientContact.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Appointment, Patient.name, Patient.record_no, Department.name, phone)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Department, Department.id == Appointment.department_id)
        .where(*conditions)
        .order_by(Appointment.starts_at, Patient.name)
    )
    return [
        AppointmentView(
            a.id,
            a.patient_id,
            name,
            record_no,
            a.slot_id,
            a.department_id,
            department,
            a.doctor,
            a.starts_at,
            a.status,
            a.booked_at,
            a.booked_by,
            a.cancel_reason,
            number,
        )
        for a, name, record_no, department, number in rows
    ]


def appointment_view(session: Session, appointment_id: uuid.UUID) -> AppointmentView | None:
    found = _views(session, Appointment.id == appointment_id)
    return found[0] if found else None


def upcoming_for_patient(
    session: Session, patient_id: uuid.UUID, after: datetime
) -> list[AppointmentView]:
    return _views(
        session,
        Appointment.patient_id == patient_id,
        Appointment.starts_at >= after,
        Appointment.status.in_(sorted(HOLDING)),
    )


def appointments_on(
    session: Session,
    day: date,
    scope: Scope,
    department_id: uuid.UUID | None = None,
    holding_only: bool = False,
) -> list[AppointmentView]:
    conditions = [
        Appointment.starts_at >= local_start_of(day),
        Appointment.starts_at < local_start_of(day + timedelta(days=1)),
    ]
    if department_id is not None:
        conditions.append(Appointment.department_id == department_id)
    if scope is not None:
        conditions.append(
            and_(Appointment.department_id.in_(list(scope)))
            | patient_in_scope(Appointment.patient_id, scope)
        )
    if holding_only:
        conditions.append(Appointment.status.in_(sorted(HOLDING)))
    return _views(session, *conditions)


def reminder_candidates(session: Session, day: date) -> list[Appointment]:
    """Bookings holding a place on the day after *day*, not yet reminded."""
    tomorrow = day + timedelta(days=1)
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.starts_at >= local_start_of(tomorrow),
                Appointment.starts_at < local_start_of(tomorrow + timedelta(days=1)),
                Appointment.status.in_(sorted(HOLDING)),
                Appointment.reminder_sent_at.is_(None),
            )
            .order_by(Appointment.starts_at)
        )
    )


def booked_days_ahead(appointment: Appointment) -> int:
    return (local_date(appointment.starts_at) - local_date(appointment.booked_at)).days


# --- the HIS --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HisFacts:
    """What an SIU message says about a booking."""

    appointment: AppointmentView
    department_code: str
    ends_at: datetime


def his_facts(session: Session, appointment_id: uuid.UUID) -> HisFacts | None:
    view = appointment_view(session, appointment_id)
    if view is None:
        return None
    row = session.execute(
        select(Department.code, AppointmentSlot.ends_at)
        .join(AppointmentSlot, AppointmentSlot.department_id == Department.id)
        .where(AppointmentSlot.id == view.slot_id)
    ).one()
    return HisFacts(view, row.code, row.ends_at)


def record_his_message(
    session: Session,
    appointment_id: uuid.UUID,
    event: str,
    control_id: str,
    peer: str,
    ack_code: str | None,
    ack: str | None,
    error: str | None,
) -> None:
    session.add(
        AppointmentHisMessage(
            appointment_id=appointment_id,
            event=event,
            control_id=control_id,
            peer=peer[:128],
            ack_code=ack_code,
            ack=ack,
            error=error,
        )
    )


def his_messages(session: Session, appointment_id: uuid.UUID) -> list[AppointmentHisMessage]:
    return list(
        session.scalars(
            select(AppointmentHisMessage)
            .where(AppointmentHisMessage.appointment_id == appointment_id)
            .order_by(AppointmentHisMessage.sent_at)
        )
    )
