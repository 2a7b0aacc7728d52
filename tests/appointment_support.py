"""A published schedule to book against, on any database (SQLite or the central server)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from agent_desk.db import appointments as sql
from agent_desk.db import schedules
from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import Principal
from agent_desk.plans.clinic_schedule import parse_schedule

AGENT = Principal.of("agent1", [Role.AGENT])
SUPERVISOR = Principal.of("boss", [Role.SUPERVISOR])

# Every weekday 08:00–12:00 in 30-minute slots of two places, and one doctor's Tuesday
# afternoon with one place per slot; New Year's Day closed.
SCHEDULE = """department,doctor,day,start,end,slot_minutes,capacity,note
CARD,,mon,08:00,12:00,30,2,
CARD,,tue,08:00,12:00,30,2,
CARD,,wed,08:00,12:00,30,2,
CARD,,thu,08:00,12:00,30,2,
CARD,,fri,08:00,12:00,30,2,
CARD,王医生,tue,14:00,17:00,20,1,
CARD,,2027-01-01,,,,,元旦
"""


def publish(db: Database, today: date, days: int = 60, text: str = SCHEDULE) -> None:
    schedule = parse_schedule(text)
    with db.write() as session:
        departments = schedules.department_ids(session, schedule.departments)
        schedules.replace_schedules(session, schedule, departments)
        schedules.publish(session, today, days)


def first_slot(db: Database, department: uuid.UUID, after: datetime, doctor: str | None = None):
    with db.read() as session:
        return sql.next_free(session, department, doctor, after, 1)[0]


def add_staff(db: Database, *principals: Principal) -> None:
    from agent_desk.db.models import StaffUser

    with db.write() as session:
        for principal in principals:
            session.add(
                StaffUser(
                    username=principal.username,
                    display_name=principal.username,
                    role=sorted(principal.roles)[0],
                )
            )
