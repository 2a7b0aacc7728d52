"""The audit log as supervisors read it: filtered, newest first, one page at a time.

Reading changes nothing: the hash chain (agent_desk.db.audit_chain) covers only writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from agent_desk.db.models import AuditEvent, Patient
from agent_desk.domain.enums import AuditAction

PATIENT_ENTITY = "patient"  # what audit.record names a patient's events


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None  # a login name, exactly
    patient: str | None = None  # a patient's id or record number
    action: AuditAction | None = None
    since: datetime | None = None  # inclusive, aware
    until: datetime | None = None  # exclusive, aware


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime
    actor: str
    action: AuditAction
    entity_type: str | None
    entity_id: str | None
    detail: dict[str, Any]


def _patient_ids(session: Session, patient: str) -> list[str]:
    """The entity ids a patient's events carry: the id as typed, or the one its record
    number names."""
    ids = [patient]
    found = session.scalar(select(Patient.id).where(Patient.record_no == patient))
    if found is not None:
        ids.append(str(found))
    return ids


def _filtered(session: Session, flt: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if flt.actor:
        query = query.where(AuditEvent.actor == flt.actor)
    if flt.action is not None:
        query = query.where(AuditEvent.action == flt.action)
    if flt.patient:
        query = query.where(
            AuditEvent.entity_type == PATIENT_ENTITY,
            AuditEvent.entity_id.in_(_patient_ids(session, flt.patient)),
        )
    if flt.since is not None:
        query = query.where(AuditEvent.at >= flt.since)
    if flt.until is not None:
        query = query.where(AuditEvent.at < flt.until)
    return query


def page(session: Session, flt: AuditFilter, limit: int, offset: int = 0) -> list[AuditRow]:
    query = (
        _filtered(session, flt)
        .order_by(AuditEvent.at.desc(), AuditEvent.chain_seq.desc(), AuditEvent.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        AuditRow(e.at, e.actor, e.action, e.entity_type, e.entity_id, dict(e.detail or {}))
        for e in session.scalars(query)
    ]
