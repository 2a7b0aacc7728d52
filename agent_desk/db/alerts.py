"""The SQL of supervisor alerts: the list with each patient's name and primary number, an
escalation from an open form, and an acknowledgement with its note."""

from __future__ import annotations

import uuid
from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_desk.db.models import Department, FollowupAlert, Patient, PatientContact
from agent_desk.db.scope import Scope, patient_in_scope
from agent_desk.domain.enums import AlertSeverity, Role
from agent_desk.plans.calendar import HOSPITAL_TZ


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: uuid.UUID
    severity: AlertSeverity
    patient_name: str
    phone: str | None  # the patient's primary number, unmasked: the service masks it
    text: str
    raised_at: datetime
    escalated_by: str | None
    escalated_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    notes: str
    department: str | None = None  # the department's name, when the alert names one
    patient_id: uuid.UUID | None = None


def alert_in_scope(session: Session, alert_id: uuid.UUID, roles: Set[Role], scope: Scope) -> bool:
    """The alert is addressed to one of *roles* and its patient is in *scope*."""
    found = session.scalar(
        select(FollowupAlert.id).where(
            FollowupAlert.id == alert_id,
            FollowupAlert.notify_role.in_(list(roles)),
            patient_in_scope(FollowupAlert.patient_id, scope),
        )
    )
    return found is not None


def alert_rows(session: Session, roles: Set[Role], scope: Scope = None) -> list[AlertRow]:
    """Every alert for one of *roles* about a patient in *scope*, newest first."""
    phone = (
        select(PatientContact.e164)
        .where(PatientContact.patient_id == FollowupAlert.patient_id)
        .order_by(PatientContact.is_primary.desc(), PatientContact.created_at)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(FollowupAlert, Patient.name, phone, Department.name)
        .join(Patient, Patient.id == FollowupAlert.patient_id)
        .outerjoin(Department, Department.id == FollowupAlert.department_id)
        .where(
            FollowupAlert.notify_role.in_(list(roles)),
            patient_in_scope(FollowupAlert.patient_id, scope),
        )
        .order_by(FollowupAlert.raised_at.desc())
    )
    return [
        AlertRow(
            a.id,
            a.severity,
            name,
            number,
            a.text,
            a.raised_at,
            a.escalated_by,
            a.escalated_at,
            a.acknowledged_by,
            a.acknowledged_at,
            a.handling_notes or "",
            department,
            a.patient_id,
        )
        for a, name, number, department in rows
    ]


def acknowledge(
    session: Session, alert_id: uuid.UUID, actor: str, note: str, at: datetime
) -> FollowupAlert | None:
    """The first acknowledgement names the handler; every one appends its note."""
    alert = session.get(FollowupAlert, alert_id)
    if alert is None:
        return None
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = at, actor
    if note:
        line = f"{actor} {at.astimezone(HOSPITAL_TZ):%Y-%m-%d %H:%M}: {note}"
        alert.handling_notes = f"{alert.handling_notes}\n{line}" if alert.handling_notes else line
    return alert


def escalate(
    session: Session,
    patient_id: uuid.UUID,
    code: str,
    severity: AlertSeverity,
    notify_role: Role,
    text: str,
    actor: str,
    at: datetime,
) -> uuid.UUID:
    """Raise the alert now, before its form is submitted; a second press finds it."""
    alert = pending_escalation(session, patient_id, code)
    if alert is None:
        alert = FollowupAlert(
            record_id=None,
            patient_id=patient_id,
            code=code,
            severity=severity,
            notify_role=notify_role,
            text=text,
            raised_at=at,
            escalated_by=actor,
            escalated_at=at,
        )
        session.add(alert)
        session.flush()
    return alert.id


def pending_escalation(session: Session, patient_id: uuid.UUID, code: str) -> FollowupAlert | None:
    """The patient's escalated alert whose form is not submitted yet."""
    return session.scalar(
        select(FollowupAlert)
        .where(
            FollowupAlert.patient_id == patient_id,
            FollowupAlert.code == code,
            FollowupAlert.record_id.is_(None),
        )
        .limit(1)
    )
