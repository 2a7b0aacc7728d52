"""The building blocks of the statistics queries: the question asked, the group a row
belongs to, and the one date-arithmetic function the two databases spell differently.

Everything else is plain SQLAlchemy Core and compiles the same for SQLite (the workstation)
and PostgreSQL (the central server, which holds the same tables: one set of migrations).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from agent_desk.db.models import (
    Department,
    EncounterDiagnosis,
    FollowupAttempt,
    FollowupTask,
    StaffUser,
    Ward,
)
from agent_desk.db.models import Encounter as EncounterRow
from agent_desk.domain.enums import TaskStatus
from agent_desk.domain.statistics import (
    HOSPITAL_GROUP,
    ICD10_CHAPTERS,
    UNASSIGNED_LABEL,
    Group,
    Grouping,
    Period,
    chapter_name,
)
from agent_desk.plans.calendar import local_start_of


class SecondsBetween(FunctionElement[float]):
    """later − earlier in seconds, for two UTC timestamp columns."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(SecondsBetween, "postgresql")
def _seconds_postgresql(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


def seconds_between(later: Any, earlier: Any) -> ColumnElement[float]:
    return SecondsBetween(later, earlier)


@dataclass(frozen=True, slots=True)
class StatisticsQuery:
    """What is asked: a period, a grouping, a scope and the day the figures are taken on."""

    period: Period
    grouping: Grouping
    as_of: date  # tasks planned after it are not due yet; complaints age up to it
    departments: frozenset[uuid.UUID] | None = None  # None: the whole hospital
    icd_prefix: str | None = None  # only tasks whose principal diagnosis starts so

    @property
    def first_day(self) -> date:
        return self.period.start

    @property
    def last_due_day(self) -> date:
        return min(self.period.end, self.as_of)

    @property
    def utc_range(self) -> tuple[datetime, datetime]:
        """The period as [start, end) instants, for the timestamp columns."""
        return (
            local_start_of(self.period.start),
            local_start_of(self.period.end + timedelta(days=1)),
        )


def planned_due() -> ColumnElement[date]:
    """The day a task is counted on: its plan's due day, which retries do not move."""
    return func.coalesce(FollowupTask.planned_due_date, FollowupTask.due_date)


def principal_category() -> ColumnElement[str]:
    """The task's principal diagnosis as its ICD-10 category (upper case, 3 characters)."""
    code = (
        select(func.upper(func.substr(EncounterDiagnosis.icd10, 1, 3)))
        .where(
            EncounterDiagnosis.encounter_id == FollowupTask.encounter_id,
            EncounterDiagnosis.seq == 0,
        )
        .limit(1)
        .scalar_subquery()
    )
    return code


def principal_code() -> ColumnElement[str]:
    return (
        select(func.upper(EncounterDiagnosis.icd10))
        .where(
            EncounterDiagnosis.encounter_id == FollowupTask.encounter_id,
            EncounterDiagnosis.seq == 0,
        )
        .limit(1)
        .scalar_subquery()
    )


def _chapter(category: ColumnElement[str]) -> ColumnElement[str]:
    return case(
        *((category.between(c.first, c.last), literal(c.numeral)) for c in ICD10_CHAPTERS),
        else_=None,
    )


def _task_staff() -> ColumnElement[uuid.UUID]:
    latest = (
        select(FollowupAttempt.staff_id)
        .where(FollowupAttempt.task_id == FollowupTask.id, FollowupAttempt.staff_id.is_not(None))
        .order_by(FollowupAttempt.attempted_at.desc(), FollowupAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(FollowupTask.assignee_id, latest)


def group_key(grouping: Grouping, department: Any = None) -> Any:
    """The expression a task's row is grouped by; *department* replaces the task's
    department (a complaint counts for the department it was routed to)."""
    if grouping is Grouping.HOSPITAL:
        return literal("hospital")
    if grouping is Grouping.DEPARTMENT:
        return department if department is not None else FollowupTask.department_id
    if grouping is Grouping.WARD:
        return (
            select(EncounterRow.ward_id)
            .where(EncounterRow.id == FollowupTask.encounter_id)
            .scalar_subquery()
        )
    if grouping is Grouping.STAFF:
        return _task_staff()
    if grouping is Grouping.PLAN:
        return FollowupTask.plan_code
    if grouping is Grouping.DISEASE:
        return principal_category()
    return _chapter(principal_category())


def key_text(value: object) -> str | None:
    return None if value is None else str(value)


def key_matches(grouping: Grouping, key: str | None, department: Any = None) -> Any:
    """WHERE the row is in the group *key* (as key_text gave it)."""
    expression = group_key(grouping, department)
    if key is None:
        return expression.is_(None)
    if grouping in (Grouping.DEPARTMENT, Grouping.WARD, Grouping.STAFF):
        return expression == uuid.UUID(key)
    return expression == key


def in_scope(query: StatisticsQuery, department: Any) -> Any:
    if query.departments is None:
        return literal(True)
    return department.in_(list(query.departments))


def diagnosis_filter(query: StatisticsQuery) -> ColumnElement[bool]:
    if not query.icd_prefix:
        return literal(True)
    return principal_code().like(query.icd_prefix.upper() + "%")


def cohort(query: StatisticsQuery) -> ColumnElement[bool]:
    """The tasks a statistics row counts: planned in the period and due by the day asked
    about, not cancelled (a revoked discharge was never due), in the principal's scope."""
    planned = planned_due()
    return and_(
        planned >= query.first_day,
        planned <= query.last_due_day,
        FollowupTask.status != TaskStatus.CANCELLED,
        in_scope(query, FollowupTask.department_id),
        diagnosis_filter(query),
    )


def group_labels(session: Session, grouping: Grouping, keys: Iterable[str | None]) -> list[Group]:
    """The groups of *keys* with the names people read, in the order they are listed."""
    wanted = [key for key in keys if key is not None]
    names: dict[str, str] = {}
    table: Any = {
        Grouping.DEPARTMENT: (Department.id, Department.name),
        Grouping.WARD: (Ward.id, Ward.name),
        Grouping.STAFF: (StaffUser.id, StaffUser.display_name),
    }.get(grouping)
    if table is not None and wanted:
        ids = [uuid.UUID(key) for key in wanted]
        names = {str(i): n for i, n in session.execute(select(*table).where(table[0].in_(ids)))}
    groups = []
    for key in keys:
        if grouping is Grouping.HOSPITAL:
            groups.append(HOSPITAL_GROUP)
        elif key is None:
            groups.append(Group(None, UNASSIGNED_LABEL))
        elif grouping is Grouping.CHAPTER:
            groups.append(Group(key, chapter_name(key)))
        else:
            groups.append(Group(key, names.get(key, key)))
    return sorted(groups, key=lambda g: (g.key is None, g.label))
