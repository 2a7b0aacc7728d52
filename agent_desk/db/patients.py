"""Patient queries: phone lookup (the screen-pop hot path), search, and the card."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select
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


# The card is the screen-pop's hot path: every section is one SELECT of the columns it
# shows, read as plain rows (SQLAlchemy caches each compiled statement, and the driver each
# prepared one). Loading ORM entities cost twice as much, for an identity map and change
# tracking the read-only card never uses.
_PATIENT_COLUMNS = (
    Patient.id,
    Patient.record_no,
    Patient.name,
    Patient.sex,
    Patient.birth_date,
    Patient.id_number,
    Patient.occupation,
    Patient.address,
    Patient.insurance_no,
    Patient.allergies,
    Patient.family_history,
    Patient.cardiac_history,
    Patient.chronic_conditions,
    Patient.tags,
    Patient.consent_call,
    Patient.consent_sms,
    Patient.consent_recording,
)
_PATIENT = select(*_PATIENT_COLUMNS).where(Patient.id == bindparam("patient_id"))
_CONTACTS = (
    select(
        PatientContact.relation,
        PatientContact.contact_name,
        PatientContact.raw_number,
        PatientContact.e164,
        PatientContact.is_primary,
    )
    .where(PatientContact.patient_id == bindparam("patient_id"))
    .order_by(PatientContact.is_primary.desc(), PatientContact.created_at)
)
_ENCOUNTERS = (
    select(
        Encounter.id,
        Encounter.kind,
        Department.name,
        Ward.name,
        Encounter.attending_doctor,
        Encounter.admitted_at,
        Encounter.discharged_at,
        Encounter.discharge_orders,
    )
    .join(Department, Department.id == Encounter.department_id)
    .outerjoin(Ward, Ward.id == Encounter.ward_id)
    .where(Encounter.patient_id == bindparam("patient_id"))
    .order_by(Encounter.admitted_at.desc())
)
# By the patient's encounters, in one statement whatever their number.
_DIAGNOSES = (
    select(EncounterDiagnosis.encounter_id, EncounterDiagnosis.icd10, EncounterDiagnosis.name)
    .join(Encounter, Encounter.id == EncounterDiagnosis.encounter_id)
    .where(Encounter.patient_id == bindparam("patient_id"))
    .order_by(EncounterDiagnosis.seq)
)
_OPEN_TASKS = (
    select(
        FollowupTask.id,
        FollowupTask.plan_code,
        FollowupTask.due_date,
        FollowupTask.window_start,
        FollowupTask.window_end,
        FollowupTask.priority,
        FollowupTask.status,
        Department.name,
    )
    .outerjoin(Department, Department.id == FollowupTask.department_id)
    .where(
        FollowupTask.patient_id == bindparam("patient_id"),
        FollowupTask.status == TaskStatus.PENDING,
    )
    .order_by(FollowupTask.due_date, FollowupTask.priority)
)
_ATTEMPTS = (
    select(
        FollowupAttempt.attempted_at,
        FollowupAttempt.channel,
        FollowupAttempt.outcome,
        StaffUser.display_name,
        FollowupAttempt.note,
    )
    .outerjoin(StaffUser, StaffUser.id == FollowupAttempt.staff_id)
    .where(FollowupAttempt.patient_id == bindparam("patient_id"))
    .order_by(FollowupAttempt.attempted_at.desc())
)
_CALLS = (
    select(
        Call.started_at,
        Call.direction,
        Call.remote_number,
        Call.answered_at,
        Call.ended_at,
        StaffUser.display_name,
        Call.recording_path,
        Call.id,
        Call.recording_status,
    )
    .outerjoin(StaffUser, StaffUser.id == Call.staff_id)
    .where(Call.patient_id == bindparam("patient_id"))
    .order_by(Call.started_at.desc())
)
_RECORDS = select(
    FollowupRecord.completed_at,
    FollowupRecord.template_code,
    FollowupRecord.template_version,
    FollowupRecord.recovery_score,
).where(FollowupRecord.patient_id == bindparam("patient_id"))


_CARD_STATEMENTS = (
    _PATIENT, _CONTACTS, _ENCOUNTERS, _DIAGNOSES, _OPEN_TASKS, _ATTEMPTS, _CALLS, _RECORDS,
)  # fmt: skip


def warm_up_card(session: Session) -> None:
    """Run each of the card's statements once, for an id no patient has: the first call of
    the day then finds them compiled and their indexes' upper pages read (its lookup and
    card took 22.7 ms against 5.7 at a million patients), and no one's record is read."""
    connection = session.connection()
    key = {"patient_id": uuid.uuid4()}
    for statement in _CARD_STATEMENTS:
        connection.execute(statement, key).all()


def load_card(session: Session, patient_id: uuid.UUID) -> PatientCard | None:
    connection = session.connection()
    key = {"patient_id": patient_id}
    patient = connection.execute(_PATIENT, key).first()
    if patient is None:
        return None
    contacts = tuple(ContactView(*row) for row in connection.execute(_CONTACTS, key))
    encounters = _encounters(connection, key)
    tasks = tuple(TaskView(*row) for row in connection.execute(_OPEN_TASKS, key))
    attempts = [AttemptView(*row) for row in connection.execute(_ATTEMPTS, key)]
    calls = _calls(connection, key)
    timeline = _timeline(connection, key, encounters, attempts, calls)
    (id_, record_no, name, sex, birth_date, id_number, occupation, address, insurance_no,
     allergies, family_history, cardiac_history, chronic_conditions, tags, consent_call,
     consent_sms, consent_recording) = patient  # fmt: skip
    return PatientCard(
        id=id_,
        record_no=record_no,
        name=name,
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        occupation=occupation,
        address=address,
        insurance_no=insurance_no,
        allergies=allergies,
        family_history=family_history,
        cardiac_history=cardiac_history,
        chronic_conditions=chronic_conditions,
        tags=tuple(tags or ()),
        consent_call=consent_call,
        consent_sms=consent_sms,
        consent_recording=consent_recording,
        contacts=contacts,
        encounters=encounters,
        open_tasks=tasks,
        timeline=timeline,
    )


def _encounters(connection: Connection, key: dict[str, Any]) -> tuple[EncounterView, ...]:
    rows = connection.execute(_ENCOUNTERS, key).all()
    diagnoses: dict[uuid.UUID, list[DiagnosisView]] = {}
    if rows:
        for encounter_id, icd10, dx_name in connection.execute(_DIAGNOSES, key):
            diagnoses.setdefault(encounter_id, []).append(DiagnosisView(icd10, dx_name))
    return tuple(
        EncounterView(
            id=enc_id,
            kind=kind,
            department_name=dept,
            ward_name=ward,
            attending_doctor=doctor,
            admitted_at=admitted_at,
            discharged_at=discharged_at,
            diagnoses=tuple(diagnoses.get(enc_id, ())),
            discharge_orders=orders,
        )
        for enc_id, kind, dept, ward, doctor, admitted_at, discharged_at, orders in rows
    )


def _calls(connection: Connection, key: dict[str, Any]) -> list[CallView]:
    return [
        CallView(
            started_at,
            direction,
            remote_number,
            answered_at,
            ended_at,
            name,
            recording_path,
            call_id,
            status is RecordingStatus.RECORDED,
        )
        for (
            started_at,
            direction,
            remote_number,
            answered_at,
            ended_at,
            name,
            recording_path,
            call_id,
            status,
        ) in connection.execute(_CALLS, key)
    ]


def _timeline(
    connection: Connection,
    key: dict[str, Any],
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
    for completed_at, code, version, score in connection.execute(_RECORDS, key):
        entries.append(
            TimelineEntry(completed_at, TimelineKind.RECORD, FormRef(code, version), "", score)
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
    entries.extend(_sms_entries(connection, key))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return tuple(entries)


_SMS_ON_CARD = 50  # the latest messages each way; the 短信 screen has the rest


_SMS_SENT = (
    select(SmsMessage.sent_at, SmsMessage.kind, SmsMessage.text)
    .where(SmsMessage.patient_id == bindparam("patient_id"), SmsMessage.state == SmsState.SENT)
    .order_by(SmsMessage.sent_at.desc())
    .limit(_SMS_ON_CARD)
)
_SMS_REPLIES = (
    select(SmsReply.received_at, SmsReply.kind, SmsReply.text)
    .where(SmsReply.patient_id == bindparam("patient_id"))
    .order_by(SmsReply.received_at.desc())
    .limit(_SMS_ON_CARD)
)


def _sms_entries(connection: Connection, key: dict[str, Any]) -> list[TimelineEntry]:
    """Text messages sent to the patient, and their replies, on the card's history."""
    out = [
        TimelineEntry(at, TimelineKind.SMS_OUT, kind, text)
        for at, kind, text in connection.execute(_SMS_SENT, key)
        if at is not None  # a SENT message always has its time; the type allows None
    ]
    replies = connection.execute(_SMS_REPLIES, key)
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
