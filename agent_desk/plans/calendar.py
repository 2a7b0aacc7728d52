"""The hospital's clock: HIS times are local, the database keeps UTC.

China has one time zone and no daylight saving, so a fixed +08:00 offset is exact
and needs no tz database (which a bare Windows Python does not have).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

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
