"""The audit log as supervisors read it: filtered, newest first, one page at a time, and
what each event is about, looked up for people to read.

Reading changes nothing: the hash chain (agent_desk.db.audit_chain) covers only writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, null, or_, select
from sqlalchemy.orm import Session

from agent_desk.db.models import (
    AuditEvent,
    Call,
    FeedbackEntry,
    FollowupAlert,
    FollowupRecord,
    FollowupTask,
    ImportRun,
    Patient,
    StaffUser,
)
from agent_desk.db.sms_models import SmsCampaign, SmsMessage
from agent_desk.domain.enums import AuditAction, AuditSubject

# The entity types audit.record is given, by what they name. Events name a table's rows
# by the table's name or by a short word; both are read.
ENTITY_SUBJECTS: Mapping[str, AuditSubject] = {
    "patient": AuditSubject.PATIENT,
    "patients": AuditSubject.PATIENT,
    "call": AuditSubject.CALL,
    "calls": AuditSubject.CALL,
    "followup_records": AuditSubject.RECORD,
    "followup_tasks": AuditSubject.TASK,
    "followup_alerts": AuditSubject.ALERT,
    "feedback_items": AuditSubject.FEEDBACK,
    "staff": AuditSubject.STAFF,
    "staff_users": AuditSubject.STAFF,
    "import_run": AuditSubject.IMPORT,
    "backup": AuditSubject.BACKUP,
    "setting": AuditSubject.SETTING,
    "sms": AuditSubject.SMS,
}
# The rows that belong to one patient: an event about any of them is about the patient.
_PATIENT_KINDS = frozenset(
    {
        AuditSubject.PATIENT,
        AuditSubject.CALL,
        AuditSubject.RECORD,
        AuditSubject.TASK,
        AuditSubject.ALERT,
        AuditSubject.FEEDBACK,
    }
)
_PATIENT_ENTITY_TYPES = sorted(t for t, kind in ENTITY_SUBJECTS.items() if kind in _PATIENT_KINDS)


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


@dataclass(frozen=True, slots=True)
class PatientFacts:
    name: str  # unmasked: the service masks it
    record_no: str


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    """The row an event names, as far as a reader needs it; identifiers unmasked."""

    kind: AuditSubject
    name: str | None = None  # a form or plan code, an account, a file, a feedback kind
    at: datetime | date | None = None  # a call's start, a record's completion, a due date
    number: str | None = None  # a call's remote number
    patient: PatientFacts | None = None


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _patient_ids(session: Session, patient: str) -> list[uuid.UUID]:
    """The patients the filter's text names: by id, or by record number."""
    typed = _uuid(patient)
    found = session.scalars(
        select(Patient.id).where(
            or_(Patient.record_no == patient, Patient.id == typed)
            if typed is not None
            else Patient.record_no == patient
        )
    )
    return list(found)


def _about_patients(session: Session, patients: list[uuid.UUID]) -> ColumnElement[bool]:
    """Events about these patients: about the patient row itself, or about one of their
    calls, records, tasks, alerts or feedback items (a recording played names its call)."""
    if not patients:
        return false()
    ids = set(patients)
    for column, owner in (
        (Call.id, Call.patient_id),
        (FollowupRecord.id, FollowupRecord.patient_id),
        (FollowupTask.id, FollowupTask.patient_id),
        (FollowupAlert.id, FollowupAlert.patient_id),
        (FeedbackEntry.id, FeedbackEntry.patient_id),
    ):
        ids.update(session.scalars(select(column).where(owner.in_(patients))))
    return and_(
        AuditEvent.entity_type.in_(_PATIENT_ENTITY_TYPES),
        AuditEvent.entity_id.in_(sorted(str(i) for i in ids)),
    )


def _filtered(session: Session, flt: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if flt.actor:
        query = query.where(AuditEvent.actor == flt.actor)
    if flt.action is not None:
        query = query.where(AuditEvent.action == flt.action)
    if flt.patient:
        query = query.where(_about_patients(session, _patient_ids(session, flt.patient)))
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


# --- what the events are about ----------------------------------------------------------

Ref = tuple[str, str]  # an event's entity type and id


def subjects(session: Session, refs: Iterable[Ref]) -> dict[Ref, SubjectFacts]:
    """The rows a page of events names, one query per kind; a row this workstation does
    not hold (not synced yet, or a name typed that never existed) is left out."""
    wanted: dict[AuditSubject, dict[str, Ref]] = {}
    for entity_type, entity_id in refs:
        kind = ENTITY_SUBJECTS.get(entity_type)
        if kind is not None:
            wanted.setdefault(kind, {})[entity_id] = (entity_type, entity_id)
    found: dict[Ref, SubjectFacts] = {}
    for kind, by_id in wanted.items():
        for entity_id, facts in _LOOKUPS[kind](session, list(by_id)).items():
            found[by_id[entity_id]] = facts
    return found


def _ids(texts: list[str]) -> dict[uuid.UUID, str]:
    return {parsed: text for text in texts if (parsed := _uuid(text)) is not None}


def _patients(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    ids = _ids(texts)
    rows = session.execute(
        select(Patient.id, Patient.name, Patient.record_no).where(Patient.id.in_(ids))
    )
    return {
        ids[pid]: SubjectFacts(AuditSubject.PATIENT, patient=PatientFacts(name, record_no))
        for pid, name, record_no in rows
    }


def _owned(
    session: Session,
    kind: AuditSubject,
    texts: list[str],
    columns: tuple[Any, Any, Any, Any, Any],
) -> dict[str, SubjectFacts]:
    """Rows that belong to a patient, by their (id, patient id, name, time, number)
    columns; null() where a kind has none."""
    ids = _ids(texts)
    table_id, owner = columns[0], columns[1]
    rows = session.execute(
        select(*columns, Patient.name, Patient.record_no)
        .outerjoin(Patient, Patient.id == owner)
        .where(table_id.in_(ids))
    )
    found = {}
    for row_id, _owner, name, at, number, patient_name, record_no in rows:
        patient = None if patient_name is None else PatientFacts(patient_name, record_no)
        text = None if name is None else str(name)
        found[ids[row_id]] = SubjectFacts(kind, text, at, number, patient)
    return found


def _calls(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    columns = (Call.id, Call.patient_id, null(), Call.started_at, Call.remote_number)
    return _owned(session, AuditSubject.CALL, texts, columns)


def _records(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    r = FollowupRecord
    columns = (r.id, r.patient_id, r.template_code, r.completed_at, null())
    return _owned(session, AuditSubject.RECORD, texts, columns)


def _tasks(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    t = FollowupTask
    columns = (t.id, t.patient_id, t.plan_code, t.due_date, null())
    return _owned(session, AuditSubject.TASK, texts, columns)


def _alerts(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    a = FollowupAlert
    columns = (a.id, a.patient_id, a.code, a.raised_at, null())
    return _owned(session, AuditSubject.ALERT, texts, columns)


def _feedback(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    f = FeedbackEntry
    columns = (f.id, f.patient_id, f.kind, f.created_at, null())
    return _owned(session, AuditSubject.FEEDBACK, texts, columns)


def _staff(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    """Accounts by id, or by login name (a password change names the account so)."""
    ids = _ids(texts)
    rows = session.execute(
        select(StaffUser.id, StaffUser.username, StaffUser.display_name).where(
            or_(StaffUser.id.in_(ids), StaffUser.username.in_(texts))
        )
    )
    found = {}
    for staff_id, username, display_name in rows:
        key = ids.get(staff_id, username)
        found[key] = SubjectFacts(AuditSubject.STAFF, f"{display_name} ({username})")
    return found


def _imports(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    ids = _ids(texts)
    rows = session.execute(
        select(ImportRun.id, ImportRun.source_name, ImportRun.started_at).where(
            ImportRun.id.in_(ids)
        )
    )
    return {
        ids[run_id]: SubjectFacts(AuditSubject.IMPORT, source, started)
        for run_id, source, started in rows
    }


def _sms(session: Session, texts: list[str]) -> dict[str, SubjectFacts]:
    """A message (its kind, time, number and patient) or a campaign (its template's name)."""
    m = SmsMessage
    found = _owned(
        session, AuditSubject.SMS, texts, (m.id, m.patient_id, m.kind, m.created_at, m.number)
    )
    ids = _ids([text for text in texts if text not in found])
    rows = session.execute(
        select(SmsCampaign.id, SmsCampaign.name, SmsCampaign.created_at).where(
            SmsCampaign.id.in_(ids)
        )
    )
    found |= {ids[c]: SubjectFacts(AuditSubject.SMS, name, at) for c, name, at in rows}
    return found


def _named(kind: AuditSubject) -> Any:
    """Kinds whose id is already the name people know (a backup file, a setting's key)."""
    return lambda _session, texts: {text: SubjectFacts(kind, text) for text in texts}


_LOOKUPS: Mapping[AuditSubject, Any] = {
    AuditSubject.PATIENT: _patients,
    AuditSubject.CALL: _calls,
    AuditSubject.RECORD: _records,
    AuditSubject.TASK: _tasks,
    AuditSubject.ALERT: _alerts,
    AuditSubject.FEEDBACK: _feedback,
    AuditSubject.STAFF: _staff,
    AuditSubject.IMPORT: _imports,
    AuditSubject.BACKUP: _named(AuditSubject.BACKUP),
    AuditSubject.SETTING: _named(AuditSubject.SETTING),
    AuditSubject.SMS: _sms,
}
