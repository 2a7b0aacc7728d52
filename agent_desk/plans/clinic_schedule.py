"""Clinic schedules (出诊排班) as the outpatient office keeps them, and the slots they make.

No database here: the schedule file's rows, checked one by one with a clear message, and
the arithmetic of slots. Times are the hospital's (plans.calendar.HOSPITAL_TZ); a slot's
start is stored in UTC like every other time.

The CSV file (README: Revisit appointments) has one row per opening or closed day::

    department,doctor,day,start,end,slot_minutes,capacity,note
    CARD,,mon,08:00,11:30,30,4,
    CARD,王医生,tue,14:00,17:00,20,2,
    CARD,,2027-01-01,,,,,元旦停诊

*day* is a weekday (mon … sun, 1 … 7, 周一 … 周日) for clinic hours, or a date
(YYYY-MM-DD) for a closed day, whose note says why. An empty doctor is the department's
general clinic. Chinese headers (科室, 医生, 日期, 开始, 结束, 时长, 容量, 备注) work too.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from agent_desk.errors import UserError
from agent_desk.plans.calendar import at_local

WEEKDAYS = {
    **{
        name: number
        for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), start=1)
    },
    **{
        name: number
        for number, name in enumerate(
            ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), start=1
        )
    },
    **{str(number): number for number in range(1, 8)},
    "星期天": 7,
    "周天": 7,
}
_HEADERS = {
    "department": "department",
    "科室": "department",
    "doctor": "doctor",
    "医生": "doctor",
    "day": "day",
    "日期": "day",
    "星期": "day",
    "start": "start",
    "开始": "start",
    "end": "end",
    "结束": "end",
    "slot_minutes": "slot_minutes",
    "时长": "slot_minutes",
    "capacity": "capacity",
    "容量": "capacity",
    "note": "note",
    "备注": "note",
}
REQUIRED = ("department", "day")
MAX_CAPACITY = 500
# Slot ids are made from department, doctor and start, so that publishing the same
# schedule twice, or on two workstations, makes the same rows.
_SLOT_IDS = uuid.UUID("0193b2c4-5a1e-7c3d-9f00-736c6f747321")


class ScheduleFileError(UserError):
    """The schedule file cannot be read; nothing of it was applied."""


@dataclass(frozen=True, slots=True)
class Opening:
    """Clinic hours on one weekday, cut into slots of slot_minutes with capacity places."""

    department: str  # the department's code
    doctor: str  # "" for the department's general clinic
    weekday: int  # ISO, 1 Monday
    start_minute: int
    end_minute: int
    slot_minutes: int
    capacity: int

    def slot_starts(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The slots this opening makes on *day*, as UTC (start, end); none on other weekdays."""
        if day.isoweekday() != self.weekday:
            return
        minute = self.start_minute
        while minute + self.slot_minutes <= self.end_minute:
            start = at_local(day, time(minute // 60, minute % 60))
            yield start, start + timedelta(minutes=self.slot_minutes)
            minute += self.slot_minutes


@dataclass(frozen=True, slots=True)
class ClosedDay:
    department: str
    doctor: str  # "" closes the whole department that day
    day: date
    reason: str


@dataclass(frozen=True, slots=True)
class ScheduleFile:
    openings: tuple[Opening, ...]
    closed: tuple[ClosedDay, ...]

    @property
    def departments(self) -> frozenset[str]:
        return frozenset(o.department for o in self.openings) | {c.department for c in self.closed}


def slot_id(department_id: uuid.UUID, doctor: str, starts_at: datetime) -> uuid.UUID:
    stamp = starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M")
    return uuid.uuid5(_SLOT_IDS, f"{department_id.hex}|{doctor}|{stamp}")


def natural_id(kind: str, *parts: object) -> uuid.UUID:
    """The id of a schedule row or closed day, from what it says (see slot_id)."""
    return uuid.uuid5(_SLOT_IDS, "|".join([kind, *map(str, parts)]))


def minute_of(text: str, what: str) -> int:
    """'08:30' → 510; a clear error for anything else."""
    try:
        parsed = datetime.strptime(text.strip(), "%H:%M")
    except ValueError:
        raise UserError(f"{what} must be a time such as 08:30, got {text!r}") from None
    return parsed.hour * 60 + parsed.minute


def _whole(text: str, what: str, low: int, high: int) -> int:
    value = int(text) if text.strip().isdigit() and len(text.strip()) <= 6 else None
    if value is None or not low <= value <= high:
        raise UserError(f"{what} must be a whole number from {low} to {high}, got {text!r}")
    return value


def opening(
    department: str,
    doctor: str,
    weekday: int,
    start: str,
    end: str,
    slot_minutes: int,
    capacity: int,
) -> Opening:
    """One opening, checked: end after start, at least one slot, a sane capacity."""
    first, last = minute_of(start, "start"), minute_of(end, "end")
    if not 1 <= weekday <= 7:
        raise UserError(f"the weekday must be 1 (Monday) to 7 (Sunday), got {weekday}")
    if not 5 <= slot_minutes <= 480:
        raise UserError(f"slot_minutes must be 5 to 480, got {slot_minutes}")
    if last - first < slot_minutes:
        raise UserError(f"{start}–{end} is shorter than one slot of {slot_minutes} minutes")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise UserError(f"capacity must be 1 to {MAX_CAPACITY}, got {capacity}")
    return Opening(department, doctor, weekday, first, last, slot_minutes, capacity)


def _row(cells: dict[str, str], line: int) -> Opening | ClosedDay:
    department = cells.get("department", "").strip().upper()
    doctor = cells.get("doctor", "").strip()
    day_text = cells.get("day", "").strip().lower()
    if not department:
        raise UserError("the department code is empty")
    if day_text in WEEKDAYS:
        return opening(
            department,
            doctor,
            WEEKDAYS[day_text],
            cells.get("start", ""),
            cells.get("end", ""),
            _whole(cells.get("slot_minutes", ""), "slot_minutes", 5, 480),
            _whole(cells.get("capacity", ""), "capacity", 1, MAX_CAPACITY),
        )
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise UserError(
            f"day must be a weekday (mon … sun, 周一 … 周日) or a date YYYY-MM-DD, got {day_text!r}"
        ) from None
    return ClosedDay(department, doctor, day, cells.get("note", "").strip()[:128])


def parse_schedule(text: str) -> ScheduleFile:
    """Read a whole schedule file; every bad row is listed (one line each), none applied."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ScheduleFileError("the schedule file is empty")
    names = [_HEADERS.get(cell.strip().lower(), cell.strip()) for cell in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ScheduleFileError(
            f"the schedule file has no {', '.join(missing)} column (header: {','.join(header)})"
        )
    openings: list[Opening] = []
    closed: list[ClosedDay] = []
    problems: list[str] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        try:
            row = _row(dict(zip(names, cells, strict=False)), line)
        except UserError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        (openings if isinstance(row, Opening) else closed).append(row)  # type: ignore[arg-type]
    if problems:
        raise ScheduleFileError("\n".join(problems[:20]))
    return ScheduleFile(tuple(openings), tuple(closed))
