"""Patient queries: phone lookup (the screen-pop hot path), search, and the card."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agent_desk.db import natural_keys
from agent_desk.db.models import (
    Call,
    Department,
    Encounter,
    EncounterDiagnosis,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    Patient,
    PatientContact,
    StaffUser,
    Ward,
)
from agent_desk.db.sms_models import SmsMessage, SmsReply
from agent_desk.domain.enums import ContactRelation, RecordingStatus, Sex, SmsState, TaskStatus
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.views import (
    AttemptView,
    CallView,
    ContactView,
    DiagnosisView,
    EncounterView,
    FormRef,
    PatientCard,
    PatientHit,
    TaskView,
    TimelineEntry,
    TimelineKind,
)

SEARCH_LIMIT = 50
_HIT_COLUMNS = (Patient.id, Patient.record_no, Patient.name, Patient.sex, Patient.birth_date)


def _prefix(column: Any, text: str) -> Any:
    # A range instead of LIKE: it uses the plain index on SQLite and PostgreSQL alike.
    return (column >= text) & (column < text + "\U0010ffff")


def find_by_name_or_record(session: Session, text: str) -> list[PatientHit]:
    stmt = (
        select(*_HIT_COLUMNS)
        .where(or_(Patient.record_no == text, _prefix(Patient.name, text)))
        .order_by(Patient.name, Patient.record_no)
        .limit(SEARCH_LIMIT)
    )
    hits = [PatientHit(*row) for row in session.execute(stmt)]
    if len(hits) < SEARCH_LIMIT and text.isalnum():
        known = {hit.id for hit in hits}
        by_record = select(*_HIT_COLUMNS).where(_prefix(Patient.record_no, text.upper()))
        for row in session.execute(by_record.order_by(Patient.record_no).limit(SEARCH_LIMIT)):
            if row[0] not in known and len(hits) < SEARCH_LIMIT:
                hits.append(PatientHit(*row))
    return hits


def load_card(session: Session, patient_id: uuid.UUID) -> PatientCard | None:
    patient = session.get(Patient, patient_id)
    if patient is None:
        return None
    contacts = tuple(
        ContactView(c.relation, c.contact_name, c.raw_number, c.e164, c.is_primary)
        for c in session.scalars(
            select(PatientContact)
            .where(PatientContact.patient_id == patient_id)
            .order_by(PatientContact.is_primary.desc(), PatientContact.created_at)
        )
    )
    encounters = _encounters(session, patient_id)
    tasks = _open_tasks(session, patient_id)
    attempts = _attempts(session, patient_id)
    calls = _calls(session, patient_id)
    timeline = _timeline(session, patient_id, encounters, attempts, calls)
    return PatientCard(
        id=patient.id,
        record_no=patient.record_no,
        name=patient.name,
        sex=patient.sex,
        birth_date=patient.birth_date,
        id_number=patient.id_number,
        occupation=patient.occupation,
        address=patient.address,
        insurance_no=patient.insurance_no,
        allergies=patient.allergies,
        family_history=patient.family_history,
        cardiac_history=patient.cardiac_history,
        chronic_conditions=patient.chronic_conditions,
        tags=tuple(patient.tags or ()),
        consent_call=patient.consent_call,
        consent_sms=patient.consent_sms,
        consent_recording=patient.consent_recording,
        contacts=contacts,
        encounters=encounters,
        open_tasks=tasks,
        timeline=timeline,
    )


def _encounters(session: Session, patient_id: uuid.UUID) -> tuple[EncounterView, ...]:
    rows = session.execute(
        select(Encounter, Department.name, Ward.name)
        .join(Department, Department.id == Encounter.department_id)
        .outerjoin(Ward, Ward.id == Encounter.ward_id)
        .where(Encounter.patient_id == patient_id)
        .order_by(Encounter.admitted_at.desc())
    ).all()
    diagnoses: dict[uuid.UUID, list[DiagnosisView]] = {}
    if rows:
        for dx in session.scalars(
            select(EncounterDiagnosis)
            .where(EncounterDiagnosis.encounter_id.in_([row[0].id for row in rows]))
            .order_by(EncounterDiagnosis.seq)
        ):
            diagnoses.setdefault(dx.encounter_id, []).append(DiagnosisView(dx.icd10, dx.name))
    return tuple(
        EncounterView(
            id=enc.id,
            kind=enc.kind,
            department_name=dept,
            ward_name=ward,
            attending_doctor=enc.attending_doctor,
            admitted_at=enc.admitted_at,
            discharged_at=enc.discharged_at,
            diagnoses=tuple(diagnoses.get(enc.id, ())),
            discharge_orders=enc.discharge_orders,
        )
        for enc, dept, ward in rows
    )


def _open_tasks(session: Session, patient_id: uuid.UUID) -> tuple[TaskView, ...]:
    rows = session.execute(
        select(FollowupTask, Department.name)
        .outerjoin(Department, Department.id == FollowupTask.department_id)
        .where(FollowupTask.patient_id == patient_id, FollowupTask.status == TaskStatus.PENDING)
        .order_by(FollowupTask.due_date, FollowupTask.priority)
    ).all()
    return tuple(
        TaskView(
            t.id, t.plan_code, t.due_date, t.window_start, t.window_end, t.priority, t.status, dept
        )
        for t, dept in rows
    )


def _attempts(session: Session, patient_id: uuid.UUID) -> list[AttemptView]:
    rows = session.execute(
        select(FollowupAttempt, StaffUser.display_name)
        .outerjoin(StaffUser, StaffUser.id == FollowupAttempt.staff_id)
        .where(FollowupAttempt.patient_id == patient_id)
        .order_by(FollowupAttempt.attempted_at.desc())
    ).all()
    return [AttemptView(a.attempted_at, a.channel, a.outcome, name, a.note) for a, name in rows]


def _calls(session: Session, patient_id: uuid.UUID) -> list[CallView]:
    rows = session.execute(
        select(Call, StaffUser.display_name)
        .outerjoin(StaffUser, StaffUser.id == Call.staff_id)
        .where(Call.patient_id == patient_id)
        .order_by(Call.started_at.desc())
    ).all()
    return [
        CallView(
            c.started_at,
            c.direction,
            c.remote_number,
            c.answered_at,
            c.ended_at,
            name,
            c.recording_path,
            c.id,
            c.recording_status is RecordingStatus.RECORDED,
        )
        for c, name in rows
    ]


def _timeline(
    session: Session,
    patient_id: uuid.UUID,
    encounters: tuple[EncounterView, ...],
    attempts: list[AttemptView],
    calls: list[CallView],
) -> tuple[TimelineEntry, ...]:
    entries: list[TimelineEntry] = []
    for enc in encounters:
        when = enc.discharged_at or enc.admitted_at
        if when is None:
            continue
        dx = "; ".join(f"{d.icd10} {d.name}" for d in enc.diagnoses)
        entries.append(TimelineEntry(when, TimelineKind.ENCOUNTER, enc.department_name, dx, None))
    for attempt in attempts:
        entries.append(
            TimelineEntry(
                attempt.attempted_at,
                TimelineKind.ATTEMPT,
                attempt.outcome,
                attempt.staff_name or "",
                None,
            )
        )
    for record in session.scalars(
        select(FollowupRecord).where(FollowupRecord.patient_id == patient_id)
    ):
        entries.append(
            TimelineEntry(
                record.completed_at,
                TimelineKind.RECORD,
                FormRef(record.template_code, record.template_version),
                "",
                record.recovery_score,
            )
        )
    for call in calls:
        entries.append(
            TimelineEntry(
                # The timeline is display text: the number is masked before it leaves.
                call.started_at,
                TimelineKind.CALL,
                call.direction,
                mask_phone(call.remote_number),
                None,
                call.id if call.recorded else None,
            )
        )
    entries.extend(_sms_entries(session, patient_id))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return tuple(entries)


_SMS_ON_CARD = 50  # the latest messages each way; the 短信 screen has the rest


def _sms_entries(session: Session, patient_id: uuid.UUID) -> list[TimelineEntry]:
    """Text messages sent to the patient, and their replies, on the card's history."""
    sent = session.execute(
        select(SmsMessage.sent_at, SmsMessage.kind, SmsMessage.text)
        .where(SmsMessage.patient_id == patient_id, SmsMessage.state == SmsState.SENT)
        .order_by(SmsMessage.sent_at.desc())
        .limit(_SMS_ON_CARD)
    )
    replies = session.execute(
        select(SmsReply.received_at, SmsReply.kind, SmsReply.text)
        .where(SmsReply.patient_id == patient_id)
        .order_by(SmsReply.received_at.desc())
        .limit(_SMS_ON_CARD)
    )
    out = [
        TimelineEntry(at, TimelineKind.SMS_OUT, kind, text)
        for at, kind, text in sent
        if at is not None  # a SENT message always has its time; the type allows None
    ]
    return out + [TimelineEntry(at, TimelineKind.SMS_IN, kind, text) for at, kind, text in replies]


def count_patients(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Patient)) or 0


def record_no_exists(session: Session, record_no: str) -> bool:
    return session.scalar(select(Patient.id).where(Patient.record_no == record_no)) is not None


def create_patient(
    session: Session, *, record_no: str, name: str, sex: Sex, birth_date: date | None
) -> uuid.UUID:
    # The id the record number gives, as intake gives it: a caller registered here and the
    # same patient imported on another workstation are one patient on the central server.
    patient = Patient(
        id=natural_keys.patient_id(record_no),
        record_no=record_no,
        name=name,
        sex=sex,
        birth_date=birth_date,
        tags=[],
    )
    session.add(patient)
    session.flush()
    return patient.id


def add_contact(
    session: Session,
    patient_id: uuid.UUID,
    raw_number: str,
    e164: str | None,
    relation: ContactRelation,
    contact_name: str | None = None,
) -> None:
    """Add a number unless the patient already has it (a second call must not duplicate it)."""
    if e164 is not None and session.scalar(
        select(PatientContact.id).where(
            PatientContact.patient_id == patient_id, PatientContact.e164 == e164
        )
    ):
        return
    has_primary = session.scalar(
        select(PatientContact.id).where(
            PatientContact.patient_id == patient_id, PatientContact.is_primary.is_(True)
        )
    )
    session.add(
        PatientContact(
            patient_id=patient_id,
            relation=relation,
            contact_name=contact_name,
            raw_number=raw_number,
            e164=e164,
            is_primary=has_primary is None,
        )
    )
