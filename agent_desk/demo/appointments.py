"""Demo revisit appointments: clinic schedules for a few departments, and some bookings.

Written through the ORM after the bulk load (a few hundred rows), so that they are
captured for sync like anything an agent books.
"""

from __future__ import annotations

import random
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db import appointments as booking
from agent_desk.db import schedules
from agent_desk.db.appointment_models import AppointmentSlot
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.models import Department, Encounter
from agent_desk.plans.clinic_schedule import parse_schedule

DEPARTMENTS = 4  # the first departments of the catalogue get a clinic schedule
BOOKINGS = 60
DEMO_AGENT = "agent01"


def _schedule(departments: list[tuple[str, str]]) -> str:
    lines = ["department,doctor,day,start,end,slot_minutes,capacity,note"]
    for code, doctor in departments:
        for day in ("mon", "tue", "wed", "thu", "fri"):
            lines.append(f"{code},,{day},08:00,11:30,30,4,")
            lines.append(f"{code},,{day},14:00,16:30,30,3,")
        if doctor:
            lines.append(f"{code},{doctor},tue,08:30,11:30,20,1,")
            lines.append(f"{code},{doctor},thu,14:00,16:00,20,1,")
    return "\n".join(lines) + "\n"


def add_appointments(db: Database, today: date, seed: int) -> tuple[int, int]:
    """Publish 60 days of slots and book some discharged patients; (slots, bookings)."""
    rng = random.Random(f"{seed}:appointments")
    with db.write() as session:
        picked = list(
            session.execute(select(Department.id, Department.code).order_by(Department.code))
        )[:DEPARTMENTS]
        if not picked:
            return 0, 0
        doctors = []
        for department_id, code in picked:
            doctor = session.scalar(
                select(Encounter.attending_doctor)
                .where(
                    Encounter.department_id == department_id,
                    Encounter.attending_doctor.is_not(None),
                )
                .limit(1)
            )
            doctors.append((code, doctor or ""))
        parsed = parse_schedule(_schedule(doctors))
        ids = schedules.department_ids(session, parsed.departments)
        schedules.replace_schedules(session, parsed, ids)
        report = schedules.publish(session, today, 60)
        made = 0
        for department_id, _code in picked:
            patients = list(
                session.scalars(
                    select(Encounter.patient_id)
                    .where(Encounter.department_id == department_id)
                    .order_by(func.random())
                    .limit(BOOKINGS // DEPARTMENTS)
                )
            )
            slots = list(
                session.scalars(
                    select(AppointmentSlot.id)
                    .where(AppointmentSlot.department_id == department_id)
                    .order_by(AppointmentSlot.starts_at)
                )
            )
            for patient in patients:
                made += _book(session, rng, patient, slots)
    return report.created, made


def _book(session: Session, rng: random.Random, patient: uuid.UUID, slots: list[uuid.UUID]) -> int:
    now = utcnow()
    for _ in range(5):  # a few tries: the chosen slot may be full already
        slot = booking.take_place(session, rng.choice(slots[: max(1, len(slots) // 2)]), now)
        if slot is not None:
            booking.add_appointment(
                session, patient_id=patient, slot=slot, booked_by=DEMO_AGENT, booked_at=now
            )
            return 1
    return 0
