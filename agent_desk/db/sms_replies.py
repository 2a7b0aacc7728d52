"""The SQL of what patients send back: replies, unsubscribes, satisfaction, the to-do list.

Consent, records, replies and the do-not-contact list are synced rows, so on a workstation
they change through the ORM (the sync capture sees them; a bulk statement would be refused).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from agent_desk.db import natural_keys
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
    """List *number* (already listed: nothing changes). Its id comes from the number, so the
    row written on the central server and the one written here are the same row."""
    values = {
        "id": natural_keys.do_not_contact_id(number),
        "number": number,
        "patient_id": patient_id,
        "reason": reason,
        "added_at": now,
        "added_by": by,
    }
    if session.get_bind().dialect.name == "postgresql":
        # The central server, written by the gateway directly (no capture there): one
        # statement, so an upload of the same number racing it leaves one row.
        session.execute(pg_insert(SmsDoNotContact).values(**values).on_conflict_do_nothing())
        return
    if _listed(session, number) is None:
        session.add(SmsDoNotContact(**values))  # through the unit of work: it syncs
        session.flush()


def _listed(session: Session, number: str) -> SmsDoNotContact | None:
    return session.scalars(select(SmsDoNotContact).where(SmsDoNotContact.number == number)).first()


def allow_contact(session: Session, number: str) -> bool:
    row = _listed(session, number)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def is_listed(session: Session, number: str) -> bool:
    return _listed(session, number) is not None


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
    """Through the unit of work: the change syncs, on the version this workstation saw."""
    reply = session.get(SmsReply, reply_id)
    if reply is None or reply.handled_at is not None:
        return False
    reply.handled_at, reply.handled_by = now, by
    session.flush()
    return True
