"""The SQL of a person's to-do list (待办): the follow-up tasks due today that are theirs.

A task is a person's when it is assigned to them, or to nobody and meant for one of their
roles (or for any role), in their departments. The retry policy books an unanswered
patient's next call for a time of day (callback_after); such a task is a callback.
"""

from __future__ import annotations

import uuid
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from agent_desk.db.models import Department, FollowupTask, Patient, StaffUser
from agent_desk.db.scope import Scope
from agent_desk.domain.enums import Role, TaskStatus


@dataclass(frozen=True, slots=True)
class DueTaskRow:
    task_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    department_name: str | None
    plan_code: str
    priority: int
    callback_after: datetime | None  # UTC


def _conditions(
    session: Session, username: str, roles: Set[Role], scope: Scope, today: date
) -> list[ColumnElement[bool]]:
    staff = session.scalar(select(StaffUser.id).where(StaffUser.username == username))
    task = FollowupTask
    mine = or_(
        task.assignee_id == staff if staff is not None else false(),
        and_(
            task.assignee_id.is_(None),
            or_(task.assignee_role.is_(None), task.assignee_role.in_(list(roles))),
        ),
    )
    conditions: list[ColumnElement[bool]] = [
        task.status == TaskStatus.PENDING,
        task.due_date == today,
        mine,
    ]
    if scope is not None:
        conditions.append(task.department_id.in_(list(scope)))
    return conditions


def due_today(
    session: Session,
    username: str,
    roles: Set[Role],
    scope: Scope,
    today: date,
    limit: int,
) -> list[DueTaskRow]:
    """The person's tasks due *today*, callbacks by their time then by priority, at most
    *limit*.

    The tasks are chosen and cut to *limit* before their patients are joined: joined first,
    a million patients' 5,000 tasks due a day read 5,000 patients' rows for 200 kept (25 ms
    against 15, and the rows' pages through the connection's cache)."""
    task = FollowupTask
    where = _conditions(session, username, roles, scope, today)
    order = (task.callback_after.is_(None), task.callback_after, task.priority, task.id)
    chosen = (
        select(
            task.id,
            task.patient_id,
            task.department_id,
            task.plan_code,
            task.priority,
            task.callback_after,
        )
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .subquery()
    )
    rows = session.execute(
        select(
            chosen.c.id,
            chosen.c.patient_id,
            Patient.name,
            Department.name,
            chosen.c.plan_code,
            chosen.c.priority,
            chosen.c.callback_after,
        )
        .join(Patient, Patient.id == chosen.c.patient_id)
        .outerjoin(Department, Department.id == chosen.c.department_id)
        .order_by(
            chosen.c.callback_after.is_(None),
            chosen.c.callback_after,
            chosen.c.priority,
            chosen.c.id,
        )
    )
    return [DueTaskRow(*row) for row in rows]
