"""Clinic schedules (出诊排班): imported from the outpatient office's CSV or edited by a
supervisor, and the slots they publish (appointments.publish_days ahead).

With a central server the schedule is written there, where bookings take their places,
and reaches the workstations by sync; without one, here. Publishing is idempotent (a
slot's id is made from department, doctor and start), so any workstation may publish:
the window does when the 预约 screen opens, which moves the 60-day horizon day by day.

Closed days live in the schedule's own data (appointment_closures), per department or
doctor. A hospital-wide holiday calendar, when there is one, is a source of such rows:
each of its days off becomes a closure for every department (close_day), and its
调休 working days an ordinary weekday's clinic.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from agent_desk.db import audit
from agent_desk.db import schedules as sql
from agent_desk.domain.enums import AuditAction, AuditSubject
from agent_desk.domain.permissions import Permission
from agent_desk.errors import UserError
from agent_desk.intake.csv_xlsx import decode
from agent_desk.plans.calendar import local_date
from agent_desk.plans.clinic_schedule import ClosedDay, Opening, ScheduleFile, parse_schedule
from agent_desk.services.appointment_base import ServerDecided

MAX_FILE_BYTES = 5 << 20  # a hospital's schedule is a few hundred rows


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    openings: int
    closed_days: int
    published: sql.PublishReport
    encoding: str = "utf-8"

    def summary(self) -> str:
        return (
            f"{self.openings} clinic openings and {self.closed_days} closed days saved; "
            f"{self.published.created} slots published, {self.published.removed} withdrawn"
            + (
                f", {self.published.kept_booked} no longer in the schedule kept for their bookings"
                if self.published.kept_booked
                else ""
            )
        )


@dataclass(frozen=True, slots=True)
class OpeningRow:
    id: uuid.UUID
    doctor: str
    weekday: int
    start_minute: int
    end_minute: int
    slot_minutes: int
    capacity: int


class ScheduleService(ServerDecided):
    """Clinic schedules for one signed-in user; written on *central*, when there is one."""

    # --- reading (this workstation's copy) ---------------------------------------------

    def openings(self, department_id: uuid.UUID) -> list[OpeningRow]:
        self.principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            return [
                OpeningRow(
                    r.id,
                    r.doctor,
                    r.weekday,
                    r.start_minute,
                    r.end_minute,
                    r.slot_minutes,
                    r.capacity,
                )
                for r in sql.schedules_of(session, department_id)
            ]

    def closed_days(self, department_id: uuid.UUID) -> list[ClosedDay]:
        self.principal.require(Permission.VIEW_RECORDS)
        today = local_date(self.clock())
        with self.db.read() as session:
            return [
                ClosedDay("", c.doctor, c.day, c.reason)
                for c in sql.closures_of(session, department_id, today)
            ]

    # --- changing ----------------------------------------------------------------------

    def import_file(self, path: Path) -> ScheduleChange:
        """Replace the clinic hours of the departments the file names; add its closed days."""
        self.principal.require(Permission.EDIT_SCHEDULES)
        data = path.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            raise UserError(f"{path}: {len(data):,} bytes is too large for a schedule file")
        text, encoding = decode(data)
        schedule = parse_schedule(text)
        change = self._apply(schedule, source=str(path))
        return ScheduleChange(change.openings, change.closed_days, change.published, encoding)

    def save_openings(self, department_code: str, openings: list[Opening]) -> ScheduleChange:
        """A supervisor's edit in the window: the department's clinic hours, all of them."""
        self.principal.require(Permission.EDIT_SCHEDULES)
        rows = tuple(
            Opening(
                department_code,
                o.doctor,
                o.weekday,
                o.start_minute,
                o.end_minute,
                o.slot_minutes,
                o.capacity,
            )
            for o in openings
        )
        if not rows:
            return self._withdraw(department_code)
        return self._apply(ScheduleFile(rows, ()), source="window")

    def close_day(self, department_code: str, day: date, reason: str, doctor: str = "") -> None:
        """停诊: no clinic that day; its unbooked slots are withdrawn (booked ones stay, for
        the agents to move: the day list shows them)."""
        self.principal.require(Permission.EDIT_SCHEDULES)
        closed = ClosedDay(department_code, doctor, day, reason.strip()[:128])
        self._apply(ScheduleFile((), (closed,)), source="window")

    def reopen_day(self, department_id: uuid.UUID, day: date, doctor: str = "") -> bool:
        self.principal.require(Permission.EDIT_SCHEDULES)
        today = local_date(self.clock())

        def work(session: Session) -> bool:
            removed = sql.remove_closure(session, department_id, doctor, day)
            session.flush()
            sql.publish(session, today, self.rules.publish_days)
            return removed

        removed = self.decide(work)
        self._audit(department_id, {"reopened": day.isoformat(), "doctor": doctor})
        return removed

    def publish(self) -> sql.PublishReport:
        """Publish the slots up to the horizon (idempotent; cheap when nothing is new)."""
        self.principal.require(Permission.VIEW_RECORDS)
        today = local_date(self.clock())
        return self.decide(lambda session: sql.publish(session, today, self.rules.publish_days))

    # --- inside ------------------------------------------------------------------------

    def _apply(self, schedule: ScheduleFile, source: str) -> ScheduleChange:
        today = local_date(self.clock())

        def work(session: Session) -> tuple[dict[str, uuid.UUID], int, int, sql.PublishReport]:
            departments = sql.department_ids(session, schedule.departments)
            unknown = sorted(schedule.departments - set(departments))
            if unknown:
                raise UserError(f"unknown department code(s): {', '.join(unknown)}")
            openings, closed = sql.replace_schedules(session, schedule, departments)
            report = sql.publish(session, today, self.rules.publish_days)
            return departments, openings, closed, report

        departments, openings, closed, report = self.decide(work)
        for department_id in departments.values():
            self._audit(department_id, {"source": source, "openings": openings, "closed": closed})
        return ScheduleChange(openings, closed, report)

    def _withdraw(self, department_code: str) -> ScheduleChange:
        now = self.clock()

        def work(session: Session) -> tuple[uuid.UUID, int]:
            departments = sql.department_ids(session, [department_code])
            if not departments:
                raise UserError(f"unknown department code: {department_code}")
            department_id = departments[department_code]
            for old in sql.schedules_of(session, department_id):
                session.delete(old)
            return department_id, sql.delete_unbooked_slots(session, department_id, now)

        department_id, removed = self.decide(work)
        self._audit(department_id, {"withdrawn": True})
        return ScheduleChange(0, 0, sql.PublishReport(0, removed, 0))

    def _audit(self, department_id: uuid.UUID, detail: dict[str, object]) -> None:
        with self.db.write() as session:
            audit.record(
                session,
                self.principal.username,
                AuditAction.SCHEDULE_CHANGED,
                AuditSubject.SCHEDULE.value,
                department_id,
                **detail,
            )
