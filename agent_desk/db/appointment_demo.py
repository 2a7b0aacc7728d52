"""The SQL behind the demo's revisit appointments (agent_desk.demo.appointments)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db import appointments as booking
from agent_desk.db import schedules
from agent_desk.db.appointment_models import AppointmentSlot
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.models import Department, Encounter
from agent_desk.plans.clinic_schedule import ScheduleFile

DEMO_AGENT = "agent01"


def demo_appointments(
    db: Database,
    today: date,
    rng: random.Random,
    departments: int,
    bookings: int,
    schedule: Callable[[list[tuple[str, str]]], ScheduleFile],
) -> tuple[int, int]:
    """Schedules from *schedule* (given each department's code and one of its doctors)
    for the first *departments*, 60 days of slots, and up to *bookings* revisits."""
    with db.write() as session:
        picked = list(
            session.execute(select(Department.id, Department.code).order_by(Department.code))
        )[:departments]
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
        parsed = schedule(doctors)
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
                    .limit(bookings // departments)
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
