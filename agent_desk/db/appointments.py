"""The SQL of revisit appointments: schedules, published slots, places taken and given back.

The one rule that matters: a slot never holds more bookings than its capacity. take_place
is the only way a place is taken. On PostgreSQL (the central server, shared by every
workstation) it is one conditional UPDATE: the row lock makes concurrent statements
queue, and each re-checks ``booked < capacity`` on the row as the one before left it, so
of eight agents booking a one-place slot exactly one succeeds. On SQLite (a workstation
with no central server) the write transaction holds the database's lock from its first
statement, so the read-check-write below it cannot interleave with another. The CHECK on
appointment_slots (booked within 0 … capacity) backs both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent_desk.db.appointment_models import (
    ANY_DOCTOR,
    Appointment,
    AppointmentClosure,
    AppointmentHisMessage,
    AppointmentSchedule,
    AppointmentSlot,
)
from agent_desk.db.base import Base, UTCDateTime
from agent_desk.db.models import Department, Patient
from agent_desk.db.scope import Scope, patient_in_scope
from agent_desk.domain.appointments import HOLDING, AppointmentView, DayCounts, SlotView
from agent_desk.domain.schedule import Opening, ScheduleFile, natural_id, slot_id
from agent_desk.plans.calendar import local_date, local_start_of


@dataclass(frozen=True, slots=True)
class PublishReport:
    created: int
    removed: int  # unbooked slots no longer in the schedule (a closed day added)
    kept_booked: int  # slots no longer in the schedule that still hold bookings


def department_ids(session: Session, codes: Iterable[str]) -> dict[str, uuid.UUID]:
    wanted = sorted(set(codes))
    rows = session.execute(
        select(Department.code, Department.id).where(Department.code.in_(wanted))
    )
    return {code: department_id for code, department_id in rows}


# --- schedules --------------------------------------------------------------------------


def replace_schedules(
    session: Session, schedule: ScheduleFile, departments: dict[str, uuid.UUID]
) -> tuple[int, int]:
    """The file's departments get its clinic hours in place of their old ones; its closed
    days are added. Returns (openings, closed days) written."""
    for code in {o.department for o in schedule.openings}:
        for old in session.scalars(
            select(AppointmentSchedule).where(
                AppointmentSchedule.department_id == departments[code]
            )
        ):
            session.delete(old)
    session.flush()
    for o in schedule.openings:
        department_id = departments[o.department]
        session.add(
            AppointmentSchedule(
                id=natural_id("schedule", department_id.hex, o.doctor, o.weekday, o.start_minute),
                department_id=department_id,
                doctor=o.doctor,
                weekday=o.weekday,
                start_minute=o.start_minute,
                end_minute=o.end_minute,
                slot_minutes=o.slot_minutes,
                capacity=o.capacity,
            )
        )
    for c in schedule.closed:
        set_closed(session, departments[c.department], c.doctor, c.day, c.reason)
    session.flush()
    return len(schedule.openings), len(schedule.closed)


def set_closed(
    session: Session, department_id: uuid.UUID, doctor: str, day: date, reason: str
) -> None:
    closure_id = natural_id("closed", department_id.hex, doctor, day.isoformat())
    closure = session.get(AppointmentClosure, closure_id)
    if closure is None:
        session.add(
            AppointmentClosure(
                id=closure_id, department_id=department_id, doctor=doctor, day=day, reason=reason
            )
        )
    elif closure.reason != reason:
        closure.reason = reason


def schedules_of(session: Session, department_id: uuid.UUID) -> list[AppointmentSchedule]:
    return list(
        session.scalars(
            select(AppointmentSchedule)
            .where(AppointmentSchedule.department_id == department_id)
            .order_by(
                AppointmentSchedule.doctor,
                AppointmentSchedule.weekday,
                AppointmentSchedule.start_minute,
            )
        )
    )


def publish(session: Session, today: date, days: int) -> PublishReport:
    """Make the slots of every schedule from *today* for *days* days, skipping closed days.

    Slots that exist are left alone (their bookings with them); unbooked ones that the
    schedule no longer makes are removed."""
    end = today + timedelta(days=days)
    closed = {
        (c.department_id, c.doctor, c.day)
        for c in session.scalars(
            select(AppointmentClosure).where(
                AppointmentClosure.day >= today, AppointmentClosure.day < end
            )
        )
    }
    wanted: dict[uuid.UUID, AppointmentSlot] = {}
    for rule in session.scalars(select(AppointmentSchedule)):
        opening = Opening(
            "",
            rule.doctor,
            rule.weekday,
            rule.start_minute,
            rule.end_minute,
            rule.slot_minutes,
            rule.capacity,
        )
        for offset in range(days):
            day = today + timedelta(days=offset)
            if (rule.department_id, ANY_DOCTOR, day) in closed or (
                rule.department_id,
                rule.doctor,
                day,
            ) in closed:
                continue
            for starts_at, ends_at in opening.slot_starts(day):
                new_id = slot_id(rule.department_id, rule.doctor, starts_at)
                wanted[new_id] = AppointmentSlot(
                    id=new_id,
                    department_id=rule.department_id,
                    doctor=rule.doctor,
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=rule.capacity,
                    booked=0,
                )
    existing = session.execute(
        select(AppointmentSlot.id, AppointmentSlot.booked).where(
            AppointmentSlot.day >= today, AppointmentSlot.day < end
        )
    ).all()
    have = {row.id: row.booked for row in existing}
    created = [slot for slot_key, slot in wanted.items() if slot_key not in have]
    session.add_all(created)
    gone = [key for key, booked in have.items() if key not in wanted and booked == 0]
    for key in gone:
        stale = session.get(AppointmentSlot, key)
        if stale is not None:
            session.delete(stale)
    session.flush()
    kept = sum(1 for key, booked in have.items() if key not in wanted and booked > 0)
    return PublishReport(len(created), len(gone), kept)


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
    table = AppointmentSlot.__table__
    if session.get_bind().dialect.name == "postgresql":
        # One statement: see the module's note. The server's own clock would do as well;
        # *now* is the caller's, so both databases judge "not started" alike.
        row = session.execute(
            update(table)
            .where(
                table.c.id == slot,
                table.c.booked < table.c.capacity,
                table.c.starts_at > now,
            )
            .values(
                booked=table.c.booked + 1,
                version=table.c.version + 1,
                updated_at=func.timezone("UTC", func.now()).cast(UTCDateTime()),
            )
            .returning(*table.c)
        ).one_or_none()
        return None if row is None else dict(row._mapping)
    found = session.get(AppointmentSlot, slot)
    if found is None or found.booked >= found.capacity or found.starts_at <= now:
        return None
    found.booked += 1
    session.flush()
    return row_values(found)


def give_back_place(session: Session, slot: uuid.UUID) -> dict[str, Any] | None:
    """Free one place of *slot* (a cancellation or a move); the slot row after."""
    table = AppointmentSlot.__table__
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
    table = obj.__table__  # type: ignore[attr-defined]
    return {column.name: getattr(obj, column.key) for column in table.columns}


def copy_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Write rows read from the central server into this SQLite database, never going back
    to an older version (the sync feed brings the same rows later, and may bring them
    after a newer change made here)."""
    table = model.__table__  # type: ignore[attr-defined]
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
    rows = session.execute(
        select(Appointment, Patient.name, Patient.record_no, Department.name)
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
        )
        for a, name, record_no, department in rows
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


def delete_unbooked_slots(session: Session, department_id: uuid.UUID, after: datetime) -> int:
    """Remove a department's future slots nobody booked (its schedule was withdrawn)."""
    slots = session.scalars(
        select(AppointmentSlot).where(
            AppointmentSlot.department_id == department_id,
            AppointmentSlot.starts_at > after,
            AppointmentSlot.booked == 0,
        )
    ).all()
    for slot in slots:
        session.delete(slot)
    return len(slots)


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
