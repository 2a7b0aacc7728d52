"""Demo revisit appointments: clinic schedules for a few departments, and some bookings.

Written through the ORM after the bulk load (a few hundred rows), so that they are
captured for sync like anything an agent books.
"""

from __future__ import annotations

import random
from datetime import date

from agent_desk.db.appointment_demo import demo_appointments
from agent_desk.db.engine import Database
from agent_desk.plans.clinic_schedule import ScheduleFile, parse_schedule

DEPARTMENTS = 4  # the first departments of the catalogue get a clinic schedule
BOOKINGS = 60


def _schedule(departments: list[tuple[str, str]]) -> ScheduleFile:
    lines = ["department,doctor,day,start,end,slot_minutes,capacity,note"]
    for code, doctor in departments:
        for day in ("mon", "tue", "wed", "thu", "fri"):
            lines.append(f"{code},,{day},08:00,11:30,30,4,")
            lines.append(f"{code},,{day},14:00,16:30,30,3,")
        if doctor:
            lines.append(f"{code},{doctor},tue,08:30,11:30,20,1,")
            lines.append(f"{code},{doctor},thu,14:00,16:00,20,1,")
    return parse_schedule("\n".join(lines) + "\n")


def add_appointments(db: Database, today: date, seed: int) -> tuple[int, int]:
    """Publish 60 days of slots and book some discharged patients; (slots, bookings)."""
    rng = random.Random(f"{seed}:appointments")
    return demo_appointments(db, today, rng, DEPARTMENTS, BOOKINGS, _schedule)
