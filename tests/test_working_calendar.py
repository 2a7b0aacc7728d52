"""Deadlines in working time: weekends, public holidays and the weekends worked (调休)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from agent_desk.plans.calendar import (
    HOSPITAL_TZ,
    CalendarError,
    WorkingCalendar,
    builtin_exceptions,
    parse_calendar,
)

CHINA = WorkingCalendar(builtin_exceptions())


def _local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=HOSPITAL_TZ)  # type: ignore[misc]


def _due(start: datetime, days: int) -> datetime:
    return CHINA.add_working_days(start, days).astimezone(HOSPITAL_TZ)


def test_a_deadline_skips_the_weekend() -> None:
    # Thursday 2026-11-26 10:00 + 2 working days: Friday, then Monday.
    assert _due(_local(2026, 11, 26, 10), 2) == _local(2026, 11, 30, 10)


def test_a_deadline_skips_a_public_holiday() -> None:
    # 2026-04-03 (Friday) + 1: Saturday, Sunday and Monday 6 April (清明) are off.
    assert _due(_local(2026, 4, 3, 9), 1) == _local(2026, 4, 7, 9)


def test_a_working_saturday_counts() -> None:
    # Friday 2026-02-13 + 1 working day: Saturday 14 February is worked (春节调休).
    assert CHINA.is_working_day(date(2026, 2, 14))
    assert _due(_local(2026, 2, 13, 10), 1) == _local(2026, 2, 14, 10)
    # and five days run over the Spring Festival week to Friday 27 February
    assert _due(_local(2026, 2, 13, 10), 5) == _local(2026, 2, 27, 10)


def test_a_ticket_opened_at_night_starts_counting_next_morning() -> None:
    # Opened Sunday 23:30: the clock starts Monday 08:00, so five days end Friday 17:00.
    assert _due(_local(2026, 11, 29, 23, 30), 5) == _local(2026, 12, 4, 17)


def test_deadlines_fall_inside_working_hours() -> None:
    due = CHINA.add_working_days(_local(2026, 9, 30, 16, 30), 1)
    assert CHINA.is_working_time(due)
    # 30 Sep 16:30 + 9 hours: the half hour left, then National Day (1-7 Oct), then the
    # 8.5 hours left on Thursday 8 October.
    assert due.astimezone(HOSPITAL_TZ) == _local(2026, 10, 8, 16, 30)


def test_a_calendar_file_with_a_bad_line_is_refused_whole() -> None:
    with pytest.raises(CalendarError, match="line 3: type must be holiday or workday"):
        parse_calendar("date,type,name\n2028-01-01,holiday,元旦\n2028-01-02,off,x\n")


def test_an_imported_day_overrides_the_rule() -> None:
    found = parse_calendar("# 2028\n2028-01-29,workday,春节调休上班\n2028-01-27,holiday,春节\n")
    calendar = WorkingCalendar(found)
    assert calendar.is_working_day(date(2028, 1, 29))  # a Saturday
    assert not calendar.is_working_day(date(2028, 1, 27))  # a Thursday
    assert calendar.name_of(date(2028, 1, 27)) == "春节"
