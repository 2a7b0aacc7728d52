"""What the 短信 screen and `sms status` list: the outbox by state, and counts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from agent_desk.db.models import Patient
from agent_desk.db.sms_models import SmsMessage
from agent_desk.domain.enums import SmsDelivery, SmsKind, SmsState


@dataclass(frozen=True, slots=True)
class MessageView:
    message_id: uuid.UUID
    kind: SmsKind
    state: SmsState
    number: str
    patient_name: str | None
    text: str
    created_at: datetime
    not_before: datetime
    sent_at: datetime | None
    parts: int
    failure: str | None
    delivery: SmsDelivery


def _select() -> Select[*tuple[Any, ...]]:
    return select(
        SmsMessage.id,
        SmsMessage.kind,
        SmsMessage.state,
        SmsMessage.number,
        Patient.name,
        SmsMessage.text,
        SmsMessage.created_at,
        SmsMessage.not_before,
        SmsMessage.sent_at,
        SmsMessage.parts,
        SmsMessage.failure,
        SmsMessage.delivery,
    ).outerjoin(Patient, Patient.id == SmsMessage.patient_id)


def messages(
    session: Session, states: Sequence[SmsState], limit: int, newest_first: bool = True
) -> list[MessageView]:
    order = SmsMessage.created_at.desc() if newest_first else SmsMessage.not_before
    rows = session.execute(
        _select()
        .where(SmsMessage.state.in_(list(states)))
        .order_by(order, SmsMessage.id)
        .limit(limit)
    )
    return [MessageView(*row) for row in rows]


def counts(session: Session) -> dict[SmsState, int]:
    rows = session.execute(select(SmsMessage.state, func.count()).group_by(SmsMessage.state)).all()
    return {state: int(count) for state, count in rows}


def of_patient(session: Session, patient_id: uuid.UUID, limit: int = 50) -> list[MessageView]:
    rows = session.execute(
        _select()
        .where(SmsMessage.patient_id == patient_id)
        .order_by(SmsMessage.created_at.desc())
        .limit(limit)
    )
    return [MessageView(*row) for row in rows]
