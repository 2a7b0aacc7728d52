"""The SQL of clinic schedules (出诊排班): clinic hours, closed days, and publishing slots."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_desk.db.appointment_models import (
    ANY_DOCTOR,
    AppointmentClosure,
    AppointmentSchedule,
    AppointmentSlot,
)
from agent_desk.db.models import Department, Encounter, Patient
from agent_desk.plans.clinic_schedule import Opening, ScheduleFile, natural_id, slot_id


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


def patient_by_record(session: Session, record_no: str) -> uuid.UUID | None:
    return session.scalar(select(Patient.id).where(Patient.record_no == record_no))


def patient_clinic(session: Session, patient_id: uuid.UUID) -> tuple[uuid.UUID, str] | None:
    """The department and doctor of the patient's latest visit: where a revisit goes."""
    row = session.execute(
        select(Encounter.department_id, Encounter.attending_doctor)
        .where(Encounter.patient_id == patient_id)
        .order_by(Encounter.discharged_at.desc().nulls_last(), Encounter.id.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else (row.department_id, row.attending_doctor or "")


def closures_of(
    session: Session, department_id: uuid.UUID, after: date
) -> list[AppointmentClosure]:
    return list(
        session.scalars(
            select(AppointmentClosure)
            .where(
                AppointmentClosure.department_id == department_id, AppointmentClosure.day >= after
            )
            .order_by(AppointmentClosure.day, AppointmentClosure.doctor)
        )
    )


def remove_closure(session: Session, department_id: uuid.UUID, doctor: str, day: date) -> bool:
    found = session.get(
        AppointmentClosure, natural_id("closed", department_id.hex, doctor, day.isoformat())
    )
    if found is not None:
        session.delete(found)
    return found is not None


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
