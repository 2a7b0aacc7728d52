"""The supervisors' tables behind tickets: the working calendar's imported days, the
deadlines per kind, and the keyword routing rules (SQL; the service checks who may)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_desk.db import natural_keys
from agent_desk.db.ticket_models import CalendarDay, RoutingRule, TicketDeadline
from agent_desk.domain.enums import TicketKind
from agent_desk.plans.calendar import CalendarException, WorkingCalendar, builtin_exceptions

# Working days to answer, and working days more before 医务处/护理部 take the ticket over.
DEFAULT_DEADLINES: dict[TicketKind, tuple[int, int]] = {
    TicketKind.COMPLAINT: (5, 2),  # the health authority's complaint rules
    TicketKind.DISPUTE: (5, 2),
    TicketKind.CRITICISM: (7, 2),
    TicketKind.SUGGESTION: (7, 2),
    TicketKind.PRAISE: (7, 2),  # passed on to the department
    TicketKind.RED_FLAG: (1, 1),  # a patient who needs the department now
}


# --- calendar and deadlines --------------------------------------------------------------


def working_calendar(session: Session) -> WorkingCalendar:
    """The built-in years, with the imported days over them."""
    days = {e.day: e for e in builtin_exceptions()}
    for row in session.scalars(select(CalendarDay)):
        days[row.day] = CalendarException(row.day, row.working, row.name)
    return WorkingCalendar(days.values())


def import_calendar(session: Session, exceptions: Iterable[CalendarException]) -> int:
    count = 0
    for found in exceptions:
        row = session.scalar(select(CalendarDay).where(CalendarDay.day == found.day))
        if row is None:
            row = CalendarDay(id=natural_keys.calendar_day_id(found.day), day=found.day)
            session.add(row)
        row.working, row.name = found.working, found.name
        count += 1
    return count


def deadlines(session: Session) -> dict[TicketKind, tuple[int, int]]:
    found = dict(DEFAULT_DEADLINES)
    for row in session.scalars(select(TicketDeadline)):
        found[row.kind] = (row.working_days, row.office_days)
    return found


def set_deadline(session: Session, kind: TicketKind, working_days: int, office_days: int) -> None:
    row = session.scalar(select(TicketDeadline).where(TicketDeadline.kind == kind))
    if row is None:
        row = TicketDeadline(id=natural_keys.ticket_deadline_id(kind.value), kind=kind)
        session.add(row)
    row.working_days, row.office_days = working_days, office_days


# --- routing ------------------------------------------------------------------------------


def rules(session: Session) -> list[tuple[str, uuid.UUID, bool]]:
    rows = session.execute(
        select(RoutingRule.keyword, RoutingRule.department_id, RoutingRule.active).order_by(
            RoutingRule.keyword
        )
    )
    return [(keyword, department, active) for keyword, department, active in rows]


def set_rule(session: Session, keyword: str, department_id: uuid.UUID | None) -> None:
    """*department_id* None turns the keyword's rule off (kept: it syncs as a change)."""
    row = session.scalar(select(RoutingRule).where(RoutingRule.keyword == keyword))
    if row is None:
        if department_id is None:
            return
        row = RoutingRule(id=natural_keys.routing_rule_id(keyword), keyword=keyword)
        session.add(row)
    if department_id is None:
        row.active = False
    else:
        row.department_id, row.active = department_id, True
