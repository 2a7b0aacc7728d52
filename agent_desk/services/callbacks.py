"""Callbacks at a set time (预约回拨): "call me back tomorrow at 3 pm" becomes a task.

The task is an ordinary follow-up task (agent_desk.db.callbacks): on the worklist on its
day, handed out by the work queue no earlier than its time, on the to-do list of the
agent who promised it (callbacks_due).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from agent_desk.db import audit
from agent_desk.db import callbacks as sql
from agent_desk.db.base import utcnow
from agent_desk.db.callbacks import CallbackView
from agent_desk.db.engine import Database
from agent_desk.db.models import Patient
from agent_desk.domain.appointments import AppointmentView
from agent_desk.domain.enums import AuditAction, AuditSubject, Role
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError


class CallbackService:
    def __init__(
        self, db: Database, principal: Principal, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.principal = principal
        self.clock = clock

    def book_callback(
        self,
        patient_id: uuid.UUID,
        at: datetime,
        department_id: uuid.UUID | None = None,
        note: str | None = None,
    ) -> uuid.UUID:
        """A callback to the patient at *at* (aware), on this user's to-do list."""
        self.principal.require(Permission.BOOK_APPOINTMENTS)
        if at.tzinfo is None:
            raise ValueError("a callback time must be aware")
        if at < self.clock():
            raise UserError(f"the callback time {at:%Y-%m-%d %H:%M} has already passed")
        with self.db.write() as session:
            if session.get(Patient, patient_id) is None:
                raise UserError(f"no patient {patient_id}")
            assignee = sql.staff_id_of(session, self.principal.username)
            if assignee is None:
                raise UserError(f"no staff account {self.principal.username!r} to assign it to")
            task = sql.add_callback(
                session,
                patient_id=patient_id,
                at=at,
                plan_code=sql.CALLBACK_PLAN,
                department_id=department_id,
                assignee_id=assignee,
                assignee_role=None,
            )
            audit.record(
                session,
                self.principal.username,
                AuditAction.APPOINTMENT_BOOKED,
                AuditSubject.TASK.value,
                task.id,
                callback_at=at.isoformat(),
                note=note or "",
            )
            return task.id

    def request_for(self, appointment: AppointmentView, at: datetime) -> uuid.UUID:
        """改期: a callback for the booking's department's agents, due at *at*."""
        with self.db.write() as session:
            task = sql.add_callback(
                session,
                patient_id=appointment.patient_id,
                at=at,
                plan_code=sql.RESCHEDULE_PLAN,
                department_id=appointment.department_id,
                assignee_id=None,
                assignee_role=Role.AGENT,
            )
            return task.id

    def callbacks_due(
        self, username: str | None = None, until: datetime | None = None
    ) -> list[CallbackView]:
        """The open callbacks due by *until* (default now) for *username* (default the
        signed-in user): theirs, and the unassigned ones of their departments."""
        self.principal.require(Permission.VIEW_RECORDS)
        name = username or self.principal.username
        if name != self.principal.username:
            self.principal.require(Permission.HANDLE_ALERTS)  # a supervisor looking on
        with self.db.read() as session:
            return sql.callbacks_due(
                session,
                sql.staff_id_of(session, name),
                until or self.clock(),
                self.principal.department_filter(),
            )
