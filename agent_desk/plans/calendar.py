"""The hospital's clock: HIS times are local, the database keeps UTC; and its working
calendar (public holidays and 调休 working weekends), on which ticket deadlines run.

China has one time zone and no daylight saving, so a fixed +08:00 offset is exact
and needs no tz database (which a bare Windows Python does not have).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from importlib.resources import files

from agent_desk.errors import UserError

HOSPITAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(at: datetime) -> date:
    """The calendar day *at* falls on in the hospital."""
    return at.astimezone(HOSPITAL_TZ).date()


def local_start_of(day: date) -> datetime:
    """Midnight of *day* in the hospital, as an aware datetime."""
    return datetime.combine(day, time(0), HOSPITAL_TZ)


def at_local(day: date, clock: time) -> datetime:
    """*day* at *clock* hospital time, in UTC."""
    return datetime.combine(day, clock, HOSPITAL_TZ).astimezone(UTC)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


# --- the working calendar: deadlines counted in working time ------------------------------
# Monday to Friday, 08:00-17:00 hospital time, except the days a calendar names: public
# holidays off, and the weekend days worked in their place (调休), which a plain weekday
# rule cannot express. A deadline of N working days is N working days' hours on from the
# start, so it always falls inside working hours: never at midnight, never on a holiday.

WORK_START = time(8, 0)
WORK_END = time(17, 0)
WORKDAY = datetime.combine(date.min, WORK_END) - datetime.combine(date.min, WORK_START)
HOLIDAY, WORKDAY_TYPE = "holiday", "workday"


class CalendarError(UserError):
    """A calendar file that cannot be read as one: the line and what is wrong with it."""


@dataclass(frozen=True, slots=True)
class CalendarException:
    day: date
    working: bool
    name: str


def parse_calendar(text: str, source: str = "calendar") -> list[CalendarException]:
    """Lines `date,type,name` (type holiday or workday); '#' comments, blank lines and a
    `date,type,name` header are skipped. Raises CalendarError naming the bad line."""
    found: dict[date, CalendarException] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if cells[0].lower() == "date":
            continue
        if len(cells) < 2:
            raise CalendarError(f"{source} line {number}: expected date,type,name")
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            raise CalendarError(f"{source} line {number}: {cells[0]!r} is not a date") from None
        kind = cells[1].lower()
        if kind not in (HOLIDAY, WORKDAY_TYPE):
            raise CalendarError(
                f"{source} line {number}: type must be holiday or workday, not {cells[1]!r}"
            )
        name = cells[2] if len(cells) > 2 and cells[2] else kind
        if day in found:
            raise CalendarError(f"{source} line {number}: {day} is listed twice")
        found[day] = CalendarException(day, kind == WORKDAY_TYPE, name[:64])
    return sorted(found.values(), key=lambda e: e.day)


def builtin_exceptions() -> tuple[CalendarException, ...]:
    """The years shipped with the workstation (resources/calendar/cn_holidays.csv)."""
    return _builtin()


@cache
def _builtin() -> tuple[CalendarException, ...]:
    text = (files("agent_desk.resources") / "calendar" / "cn_holidays.csv").read_text("utf-8")
    return tuple(parse_calendar(text, "cn_holidays.csv"))


class WorkingCalendar:
    """Which days are worked, and working time added to a moment."""

    def __init__(self, exceptions: Iterable[CalendarException] = ()) -> None:
        self._days = {e.day: e for e in exceptions}

    def is_working_day(self, day: date) -> bool:
        found = self._days.get(day)
        return found.working if found is not None else day.weekday() < 5

    def name_of(self, day: date) -> str | None:
        found = self._days.get(day)
        return found.name if found is not None else None

    def is_working_time(self, at: datetime) -> bool:
        local = at.astimezone(HOSPITAL_TZ)
        return self.is_working_day(local.date()) and WORK_START <= local.time() < WORK_END

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        for _ in range(366):  # a year without a working day is a broken calendar
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise CalendarError(f"no working day within a year after {day}")

    def _start_of_work(self, at: datetime) -> datetime:
        """*at*, or the start of the working time that follows it."""
        local = at.astimezone(HOSPITAL_TZ)
        day = local.date()
        if self.is_working_day(day) and local.time() < WORK_END:
            return max(local, datetime.combine(day, WORK_START, HOSPITAL_TZ))
        if not self.is_working_day(day) or local.time() >= WORK_END:
            day = self.next_working_day(day)
        return datetime.combine(day, WORK_START, HOSPITAL_TZ)

    def add_working_time(self, start: datetime, span: timedelta) -> datetime:
        """The moment *span* of working time after *start* (in UTC)."""
        cursor = self._start_of_work(start)
        remaining = span
        while True:
            end = datetime.combine(cursor.date(), WORK_END, HOSPITAL_TZ)
            if remaining <= end - cursor:
                return (cursor + remaining).astimezone(UTC)
            remaining -= end - cursor
            cursor = datetime.combine(self.next_working_day(cursor.date()), WORK_START, HOSPITAL_TZ)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        return self.add_working_time(start, WORKDAY * days)
