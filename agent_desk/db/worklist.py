"""Today's worklist: follow-up tasks in due order, fetched a page at a time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from agent_desk.db.models import Department, FollowupAttempt, FollowupTask, Patient, PatientContact
from agent_desk.domain.enums import TaskStatus, WorklistView
from agent_desk.domain.views import WorklistRow


@dataclass(frozen=True, slots=True)
class WorklistFilter:
    view: WorklistView
    today: date
    department_id: uuid.UUID | None = None
    # The signed-in user's department scope (None: the whole hospital), set by the service
    # whatever a screen asks for.
    scope: frozenset[uuid.UUID] | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended; keyset paging stays fast on page 500 too."""

    due_date: date
    priority: int
    task_id: uuid.UUID


def _conditions(flt: WorklistFilter) -> list[ColumnElement[bool]]:
    task = FollowupTask
    match flt.view:
        case WorklistView.DUE:
            conds = [
                task.status == TaskStatus.PENDING,
                task.due_date <= flt.today,
                task.window_end >= flt.today,
            ]
        case WorklistView.OVERDUE:
            conds = [task.status == TaskStatus.PENDING, task.window_end < flt.today]
        case WorklistView.DONE:
            conds = [task.status == TaskStatus.DONE]
        case WorklistView.ALL_OPEN:
            conds = [task.status == TaskStatus.PENDING]
        case WorklistView.TOMORROW:
            conds = [
                task.status == TaskStatus.PENDING,
                task.due_date == flt.today + timedelta(days=1),
            ]
    if flt.department_id is not None:
        conds.append(task.department_id == flt.department_id)
    if flt.scope is not None:
        conds.append(task.department_id.in_(list(flt.scope)))
    return conds


def _descending(flt: WorklistFilter) -> bool:
    return flt.view is WorklistView.DONE  # the most recently finished first


def count(session: Session, flt: WorklistFilter) -> int:
    stmt = select(func.count()).select_from(FollowupTask).where(*_conditions(flt))
    return session.scalar(stmt) or 0


def page(
    session: Session, flt: WorklistFilter, limit: int, after: Cursor | None = None
) -> list[WorklistRow]:
    stmt = _rows().where(*_conditions(flt))
    desc = _descending(flt)
    if after is not None:
        stmt = stmt.where(_after(after, desc))
    task = FollowupTask
    keys = (task.due_date, task.priority, task.id)
    stmt = stmt.order_by(*(key.desc() for key in keys) if desc else keys).limit(limit)
    rows: list[Any] = list(session.execute(stmt))
    return [WorklistRow(*row) for row in rows]


def rows_of(
    session: Session, task_ids: list[uuid.UUID], scope: frozenset[uuid.UUID] | None
) -> list[WorklistRow]:
    """The worklist rows of *task_ids* (a statistic's tasks), in that order, kept to *scope*
    (None: the whole hospital)."""
    if not task_ids:
        return []
    stmt = _rows().where(FollowupTask.id.in_(task_ids))
    if scope is not None:
        stmt = stmt.where(FollowupTask.department_id.in_(list(scope)))
    rows: list[Any] = list(session.execute(stmt))
    found = {row.task_id: row for row in (WorklistRow(*values) for values in rows)}
    return [found[task_id] for task_id in task_ids if task_id in found]


def _rows() -> Select[tuple[object, ...]]:
    """A worklist row's columns, the patient's and department's joined."""
    task = FollowupTask
    primary_phone = (
        select(PatientContact.e164)
        .where(PatientContact.patient_id == task.patient_id, PatientContact.e164.is_not(None))
        .order_by(PatientContact.is_primary.desc())
        .limit(1)
        .scalar_subquery()
    )
    attempts = (
        select(func.count())
        .select_from(FollowupAttempt)
        .where(FollowupAttempt.task_id == task.id)
        .scalar_subquery()
    )
    return (
        select(
            task.id,
            task.patient_id,
            Patient.name,
            Patient.record_no,
            primary_phone,
            Department.name,
            task.plan_code,
            task.due_date,
            task.window_end,
            task.priority,
            task.status,
            attempts,
        )
        .join(Patient, Patient.id == task.patient_id)
        .outerjoin(Department, Department.id == task.department_id)
    )


def _after(cursor: Cursor, desc: bool) -> ColumnElement[bool]:
    task = FollowupTask
    # Spelled out rather than a row-value comparison, which older SQLite builds lack.
    if desc:
        return or_(
            task.due_date < cursor.due_date,
            and_(task.due_date == cursor.due_date, task.priority < cursor.priority),
            and_(
                task.due_date == cursor.due_date,
                task.priority == cursor.priority,
                task.id < cursor.task_id,
            ),
        )
    return or_(
        task.due_date > cursor.due_date,
        and_(task.due_date == cursor.due_date, task.priority > cursor.priority),
        and_(
            task.due_date == cursor.due_date,
            task.priority == cursor.priority,
            task.id > cursor.task_id,
        ),
    )


def cursor_of(row: WorklistRow) -> Cursor:
    return Cursor(row.due_date, row.priority, row.task_id)
