"""`agent-desk bench appointments`: next free slots, booking under contention, overbookings.

- free_slots_ms: the next free slots of a department (and of its doctor) with 60 days of
  slots published and half of them booked, on the workstation's SQLite (p95 of 200;
  free_slots_p50_ms the median).
- book_p95_ms: eight agent processes booking at once on the central PostgreSQL, each for
  its own callers in its department's next free slots (two agents per department, so
  they meet on the same slots too): the time of one booking on the server, as
  AppointmentService books with a central server (db.appointment_booking: one statement
  that takes the place and writes the booking, or answers the loser with the next free
  slots).
- overbookings: then every agent goes through the same busy slots in the same order, so
  that the tries race for the last places; slots holding more bookings than places
  afterwards (goal 0). contended_book_p95_ms is the booking time in that race, where the
  eight wait for each other's commit on the one row.

The server part runs in a scratch database on the server given (--url or central.url),
never in the hospital's own (bench.scratch); without a server, only free_slots_ms is
measured.
"""

from __future__ import annotations

import shutil
import sys
import time
import uuid
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL

from agent_desk.bench.options import BenchOptions
from agent_desk.bench.scratch import run_agents, scratch_database
from agent_desk.bench.stats import percentile, rounded
from agent_desk.db import appointments as sql
from agent_desk.db import schedules
from agent_desk.db.appointment_booking import book_on_server
from agent_desk.db.appointment_models import Appointment, AppointmentSlot
from agent_desk.db.base import new_id, utcnow
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.models import Department, Patient
from agent_desk.db.open import open_local
from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import Principal
from agent_desk.plans.calendar import local_date
from agent_desk.plans.clinic_schedule import parse_schedule
from agent_desk.services.appointments import AppointmentService

DEPARTMENTS = 20
PUBLISH_DAYS = 60
AGENTS = 8
TRIES_PER_AGENT = 150
_DOCTOR = "张医生"
_BENCH = Principal.of("bench", [Role.AGENT])


def _schedule(codes: list[str]) -> str:
    lines = ["department,doctor,day,start,end,slot_minutes,capacity"]
    for code in codes:
        for day in ("mon", "tue", "wed", "thu", "fri", "sat"):
            lines.append(f"{code},,{day},08:00,12:00,15,4")
            lines.append(f"{code},,{day},13:30,17:30,15,4")
            lines.append(f"{code},{_DOCTOR},{day},08:00,12:00,20,2")
    return "\n".join(lines) + "\n"


def _seed(db: Database, today: date, patients: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    codes = [f"B{n:02d}" for n in range(DEPARTMENTS)]
    with db.write() as session:
        session.execute(
            insert(Department), [{"id": new_id(), "code": c, "name": f"科室{c}"} for c in codes]
        )
        patient_ids = [new_id() for _ in range(patients)]
        session.execute(
            insert(Patient),
            [
                {"id": p, "record_no": f"B{n:09d}", "name": "患者"}
                for n, p in enumerate(patient_ids)
            ],
        )
        parsed = parse_schedule(_schedule(codes))
        departments = schedules.department_ids(session, parsed.departments)
        schedules.replace_schedules(session, parsed, departments)
        schedules.publish(session, today, PUBLISH_DAYS)
    return departments[codes[0]], patient_ids


def measure_free_slots(folder: Path) -> tuple[float, float]:
    place = folder / "appointments"
    shutil.rmtree(place, ignore_errors=True)
    place.mkdir(parents=True)
    db = open_local(place / "appointments.sqlite3")
    try:
        today = local_date(utcnow())
        department, _ = _seed(db, today, 400)
        with db.write() as session:  # the first half of the horizon half booked
            slots = session.scalars(
                select(AppointmentSlot)
                .where(AppointmentSlot.department_id == department)
                .order_by(AppointmentSlot.starts_at)
            ).all()
            for slot in slots[: len(slots) // 2]:
                slot.booked = slot.capacity if slot.doctor else slot.capacity // 2
        service = AppointmentService(db, _BENCH)
        service.next_free(department, _DOCTOR)  # warm, as an open window is
        samples = []
        for n in range(200):
            began = time.perf_counter()
            service.next_free(department, _DOCTOR if n % 2 else None)
            samples.append((time.perf_counter() - began) * 1000)
        return rounded(percentile(samples, 95)), rounded(percentile(samples, 50))
    finally:
        db.dispose()
        shutil.rmtree(place, ignore_errors=True)


def measure_booking(url: str | URL, agents: int = AGENTS) -> dict[str, float]:
    with scratch_database(url, "booking") as scratch:
        engine = make_engine(scratch)
        try:
            central = Database(engine)
            today = local_date(utcnow())
            department, patients = _seed(central, today, 2 * agents * TRIES_PER_AGENT)
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
            departments = _departments(central)
            spread = [departments[n % (agents // 2 or 1)] for n in range(agents)]
            half = len(patients) // 2
            samples, booked = _run_agents(scratch, spread, patients[:half], False)
            race, raced = _run_agents(scratch, [department] * agents, patients[half:], True)
            with central.read() as session:
                over = session.scalar(
                    select(func.count())
                    .select_from(AppointmentSlot)
                    .where(
                        AppointmentSlot.capacity
                        < select(func.count())
                        .where(Appointment.slot_id == AppointmentSlot.id)
                        .scalar_subquery()
                    )
                )
        finally:
            engine.dispose()
    return {
        "book_p95_ms": rounded(percentile(samples, 95)),
        "book_p50_ms": rounded(percentile(samples, 50)),
        "booking_tries": len(samples),
        "bookings": booked,
        "contended_book_p95_ms": rounded(percentile(race, 95)),
        "contended_tries": len(race),
        "contended_bookings": raced,
        "overbookings": int(over or 0),
    }


def _departments(db: Database) -> list[uuid.UUID]:
    with db.read() as session:
        return list(session.scalars(select(Department.id).order_by(Department.code)))


def _run_agents(
    url: URL, departments: list[uuid.UUID], patients: list[uuid.UUID], race: bool
) -> tuple[list[float], int]:
    agents = len(departments)
    dsn = url.render_as_string(hide_password=False)
    reports = run_agents(
        _agent, [(dsn, departments[n], patients[n::agents], race) for n in range(agents)]
    )
    return [t for timings, _ in reports for t in timings], sum(made for _, made in reports)


def _agent(
    dsn: str, department: uuid.UUID, patients: list[str], race: bool, start: Any, results: Any
) -> None:
    """One agent. In a race it tries the busy slots in time order, as the others do; else
    it books each caller into the first free slot it sees (read first, untimed)."""
    # As open_central makes the central engine: no ping before each booking.
    db = Database(make_engine(dsn, pool_size=1, max_overflow=0, pool_pre_ping=False))
    now = utcnow()
    with db.read() as session:
        busy = [s.id for s in sql.next_free(session, department, None, now, TRIES_PER_AGENT)]
    timings: list[float] = []
    made = 0
    start.wait()
    for patient, slot in zip(patients, busy, strict=False):
        if not race:
            with db.read() as session:
                slot = sql.next_free(session, department, None, now, 1)[0].id
        began = time.perf_counter()
        # As AppointmentService books on the server: one statement, autocommit, whose
        # answer is the booking or, for the loser, the next free slots.
        booking = partial(
            book_on_server,
            slot=slot,
            patient_id=uuid.UUID(str(patient)),
            booked_by="bench",
            now=now,
        )
        answer = db.run(booking, one_statement=True)
        timings.append((time.perf_counter() - began) * 1000)
        made += answer.appointment is not None
    db.dispose()
    results.put((timings, made))


def run_appointments(options: BenchOptions) -> dict[str, float]:
    p95, p50 = measure_free_slots(options.folder)
    results: dict[str, float] = {"free_slots_ms": p95, "free_slots_p50_ms": p50}
    if options.central is None:
        print(
            "agent-desk: book_p95_ms and overbookings need a central server (--url)",
            file=sys.stderr,
        )
        return results
    results.update(measure_booking(options.central.engine_url(), AGENTS))
    return results


__all__ = ["run_appointments"]
