"""The SQL of what patients send back: replies, unsubscribes, satisfaction, the to-do list.

Consent and records are synced rows, so they change through the ORM (the sync capture
sees them); the SMS tables are the gateway's own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent_desk.db.models import FollowupRecord, Patient, PatientContact
from agent_desk.db.sms_models import SmsDoNotContact, SmsReply
from agent_desk.domain.enums import ContactRelation, SmsReplyKind

# Replies a person has to read and act on.
NEEDS_A_PERSON = (SmsReplyKind.NEEDS_AGENT, SmsReplyKind.UNKNOWN_SENDER)


@dataclass(frozen=True, slots=True)
class ReplyView:
    reply_id: uuid.UUID
    received_at: datetime
    number: str
    patient_id: uuid.UUID | None
    patient_name: str | None
    text: str
    kind: SmsReplyKind
    score: int | None
    handled_at: datetime | None
    handled_by: str | None


def patients_with_number(session: Session, e164: str) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(PatientContact.patient_id).where(PatientContact.e164 == e164).distinct()
        )
    )


def store(session: Session, reply: SmsReply) -> None:
    session.add(reply)
    session.flush()


def do_not_contact(
    session: Session, number: str, patient_id: uuid.UUID | None, reason: str, by: str, now: datetime
) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SmsDoNotContact)
        .values(number=number, patient_id=patient_id, reason=reason, added_at=now, added_by=by)
        .on_conflict_do_nothing(index_elements=["number"])
    )


def allow_contact(session: Session, number: str) -> bool:
    row = session.get(SmsDoNotContact, number)
    if row is None:
        return False
    session.delete(row)
    return True


def is_listed(session: Session, number: str) -> bool:
    return session.get(SmsDoNotContact, number) is not None


def listed_numbers(session: Session) -> set[str]:
    return set(session.scalars(select(SmsDoNotContact.number)))


def withdraw_consent(session: Session, patient_ids: list[uuid.UUID]) -> int:
    """consent_sms off for each patient (ORM updates: consent is synced)."""
    changed = 0
    for patient_id in patient_ids:
        patient = session.get(Patient, patient_id)
        if patient is not None and patient.consent_sms:
            patient.consent_sms = False
            changed += 1
    session.flush()
    return changed


def record_patient(
    session: Session, record_id: uuid.UUID
) -> tuple[uuid.UUID, str, str | None] | None:
    """The patient a follow-up record is about: id, name and own (or primary) number."""
    row = session.execute(
        select(Patient.id, Patient.name)
        .join(FollowupRecord, FollowupRecord.patient_id == Patient.id)
        .where(FollowupRecord.id == record_id)
    ).first()
    if row is None:
        return None
    number = session.scalar(
        select(PatientContact.e164)
        .where(PatientContact.patient_id == row.id, PatientContact.e164.is_not(None))
        .order_by(PatientContact.relation != ContactRelation.SELF, PatientContact.is_primary.desc())
        .limit(1)
    )
    return row.id, row.name, number


def record_satisfaction(session: Session, record_id: uuid.UUID, score: int) -> bool:
    """The overall satisfaction of the record the message asked about, unless the form
    already holds one (the patient's answer on the phone stands)."""
    record = session.get(FollowupRecord, record_id)
    if record is None or record.satisfaction_overall is not None:
        return False
    record.satisfaction_overall = float(score)
    session.flush()
    return True


def _views(session: Session, query: Select[*tuple[Any, ...]]) -> list[ReplyView]:
    return [ReplyView(*row) for row in session.execute(query)]


def _select() -> Select[*tuple[Any, ...]]:
    return select(
        SmsReply.id,
        SmsReply.received_at,
        SmsReply.number,
        SmsReply.patient_id,
        Patient.name,
        SmsReply.text,
        SmsReply.kind,
        SmsReply.score,
        SmsReply.handled_at,
        SmsReply.handled_by,
    ).outerjoin(Patient, Patient.id == SmsReply.patient_id)


def unhandled(session: Session, limit: int) -> list[ReplyView]:
    """Replies nobody has dealt with yet, oldest first: an agent's to-do."""
    return _views(
        session,
        _select()
        .where(SmsReply.kind.in_(NEEDS_A_PERSON), SmsReply.handled_at.is_(None))
        .order_by(SmsReply.received_at, SmsReply.id)
        .limit(limit),
    )


def recent(session: Session, limit: int) -> list[ReplyView]:
    return _views(
        session, _select().order_by(SmsReply.received_at.desc(), SmsReply.id).limit(limit)
    )


def of_patient(session: Session, patient_id: uuid.UUID, limit: int = 50) -> list[ReplyView]:
    return _views(
        session,
        _select()
        .where(SmsReply.patient_id == patient_id)
        .order_by(SmsReply.received_at.desc())
        .limit(limit),
    )


def mark_handled(session: Session, reply_id: uuid.UUID, by: str, now: datetime) -> bool:
    result = session.execute(
        update(SmsReply)
        .where(SmsReply.id == reply_id, SmsReply.handled_at.is_(None))
        .values(handled_at=now, handled_by=by)
        .returning(SmsReply.id)
    )
    return result.first() is not None
