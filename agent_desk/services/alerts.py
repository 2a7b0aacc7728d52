"""Supervisor alerts (PHQ-9 item 9, a blood-pressure crisis): the list supervisors work
through, their acknowledgement with a note, and the escalation from an open form."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from agent_desk.db import alerts as alerts_db
from agent_desk.db import audit
from agent_desk.db.alerts import AlertRow
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AlertSeverity, AuditAction, Role
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError


@dataclass(frozen=True, slots=True)
class AlertLists:
    open: list[AlertRow]  # escalated ones first, then the newest
    handled: list[AlertRow]  # the latest acknowledged first


class AlertService:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    def lists(self, principal: Principal) -> AlertLists:
        """The alerts addressed to *principal*'s roles about patients of their departments
        (a supervisor of no department: the whole hospital), phone numbers masked. Raises
        PermissionDenied for a role that does not handle alerts."""
        principal.require(Permission.HANDLE_ALERTS)
        with self._db.read() as session:
            rows = alerts_db.alert_rows(session, principal.roles, principal.department_filter())
        rows = [replace(r, phone=mask_phone(r.phone) if r.phone else None) for r in rows]
        open_rows = [r for r in rows if r.acknowledged_at is None]
        open_rows.sort(key=lambda r: r.escalated_at is None)  # stable: newest stays first
        handled = [r for r in rows if r.acknowledged_at is not None]
        handled.sort(key=lambda r: r.acknowledged_at or r.raised_at, reverse=True)
        return AlertLists(open_rows, handled)

    def acknowledge(self, alert_id: uuid.UUID, principal: Principal, note: str = "") -> None:
        """Mark the alert handled by *principal* (once: a later call only adds its note);
        one addressed to another role, or about a patient outside their departments, is
        refused as not found."""
        principal.require(Permission.HANDLE_ALERTS)
        actor = principal.username
        note = note.strip()
        with self._db.write() as session:
            if not alerts_db.alert_in_scope(
                session, alert_id, principal.roles, principal.department_filter()
            ):
                raise UserError("this alert no longer exists")
            alert = alerts_db.acknowledge(session, alert_id, actor, note, self._clock())
            if alert is None:
                raise UserError("this alert no longer exists")
            audit.record(
                session,
                actor,
                AuditAction.ALERT_ACKNOWLEDGED,
                "followup_alerts",
                alert_id,
                patient_id=str(alert.patient_id),
                note=note,
            )

    def escalate(
        self,
        patient_id: uuid.UUID,
        code: str,
        severity: AlertSeverity,
        text: str,
        principal: Principal,
        notify: Role = Role.SUPERVISOR,
    ) -> uuid.UUID:
        """上报主管 from an open form: the alert is on the supervisors' screen now, named
        as escalated by *principal*; the form's submit later attaches its record."""
        principal.require(Permission.FILL_FORMS)
        actor = principal.username
        with self._db.write() as session:
            alert_id = alerts_db.escalate(
                session, patient_id, code, severity, notify, text, actor, self._clock()
            )
            audit.record(
                session,
                actor,
                AuditAction.ALERT_ESCALATED,
                "followup_alerts",
                alert_id,
                patient_id=str(patient_id),
                code=code,
            )
        return alert_id
