"""Callbacks at a set time (预约回拨) as follow-up tasks: the SQL.

"Call me back tomorrow at 3 pm" is a follow-up task like any other (it shows on the
worklist, is claimed through the work queue and syncs), with plan_code CALLBACK_PLAN, the
time in callback_after (the queue does not hand it out earlier) and the agent who
promised it as assignee. An SMS reply of 改期 makes one with RESCHEDULE_PLAN for the
booking's department, unassigned: whoever of that department's agents is free calls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from agent_desk.db.models import FollowupTask, Patient, StaffUser
from agent_desk.db.scope import Scope
from agent_desk.domain.enums import Role, TaskStatus
from agent_desk.plans.calendar import local_date

CALLBACK_PLAN = "callback"  # 预约回拨: a time the patient asked to be called back
RESCHEDULE_PLAN = "appointment_reschedule"  # 改期: the patient asked to move a revisit
CALLBACK_PLANS = (CALLBACK_PLAN, RESCHEDULE_PLAN)


@dataclass(frozen=True, slots=True)
class CallbackView:
    task_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    at: datetime  # when to call, aware UTC
    plan_code: str
    department_id: uuid.UUID | None
    assignee_id: uuid.UUID | None


def staff_id_of(session: Session, username: str) -> uuid.UUID | None:
    return session.scalar(select(StaffUser.id).where(StaffUser.username == username))


def add_callback(
    session: Session,
    *,
    patient_id: uuid.UUID,
    at: datetime,
    plan_code: str,
    department_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
    assignee_role: Role | None,
) -> FollowupTask:
    day = local_date(at)
    task = FollowupTask(
        patient_id=patient_id,
        plan_code=plan_code,
        due_date=day,
        window_start=day,
        window_end=day,
        planned_due_date=day,
        priority=1,  # a time promised to the patient comes first
        callback_after=at,
        department_id=department_id,
        assignee_id=assignee_id,
        assignee_role=assignee_role,
    )
    session.add(task)
    session.flush()
    return task


def callbacks_due(
    session: Session, assignee_id: uuid.UUID | None, until: datetime, scope: Scope
) -> list[CallbackView]:
    """Open callbacks whose time has come by *until*: the user's own, and the unassigned
    ones of the departments in *scope*, earliest first."""
    unassigned: ColumnElement[bool] = FollowupTask.assignee_id.is_(None)
    if scope is not None:
        unassigned = and_(unassigned, FollowupTask.department_id.in_(list(scope)))
    rows = session.execute(
        select(FollowupTask, Patient.name)
        .join(Patient, Patient.id == FollowupTask.patient_id)
        .where(
            FollowupTask.plan_code.in_(CALLBACK_PLANS),
            FollowupTask.status == TaskStatus.PENDING,
            FollowupTask.callback_after <= until,
            or_(FollowupTask.assignee_id == assignee_id, unassigned),
        )
        .order_by(FollowupTask.callback_after, FollowupTask.id)
    )
    return [
        CallbackView(
            task.id,
            task.patient_id,
            name,
            task.callback_after,
            task.plan_code,
            task.department_id,
            task.assignee_id,
        )
        for task, name in rows
        if task.callback_after is not None
    ]
