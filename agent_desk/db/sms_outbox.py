"""The SQL of the SMS outbox: queue, claim under the contact rules, record what the modem did.

The same statements run on the workstation's SQLite and on the central PostgreSQL (the
gateway sends from the central outbox when there is a server). A claim is one UPDATE from
QUEUED to SENDING that must find the row still QUEUED (and, centrally, the gateway's lease
still live under its fence), so two senders can never both claim a message.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agent_desk.db.appointment_models import Appointment
from agent_desk.db.models import FollowupTask, Patient
from agent_desk.db.sms_models import SmsDoNotContact, SmsGatewayLease, SmsMessage, SmsPart
from agent_desk.domain.appointments import HOLDING
from agent_desk.domain.enums import SmsDelivery, SmsKind, SmsState, TaskStatus
from agent_desk.domain.sms_rules import (
    UNCAPPED_KINDS,
    ContactRules,
    day_bounds,
    month_start,
    next_morning,
)

# States that count against a patient's cap: what went out, or may have.
_COUNTED = (SmsState.SENDING, SmsState.SENT, SmsState.UNCERTAIN)
# How long a delivery report may take to come back and still be matched.
REPORT_WINDOW = timedelta(days=7)
# A claim looks at this many due messages before saying nothing is sendable now.
_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class NewMessage:
    kind: SmsKind
    number: str
    text: str
    created_by: str
    patient_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    appointment_id: uuid.UUID | None = None  # a revisit reminder's booking
    about_date: Any = None  # a date: the day a reminder announces
    record_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
    dedupe_key: str | None = None
    not_before: datetime | None = None
    state: SmsState = SmsState.QUEUED
    failure: str | None = None
    message_id: uuid.UUID | None = None  # chosen by the caller, to name it (an audit event)


@dataclass(frozen=True, slots=True)
class Claimed:
    message_id: uuid.UUID
    number: str
    text: str


@dataclass(frozen=True, slots=True)
class GatewayFence:
    """Central only: the claim must find this gateway's lease live under this fence."""

    name: str
    fence: int


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(SmsMessage)


def queue(session: Session, messages: Sequence[NewMessage], now: datetime) -> int:
    """Insert *messages*; one whose dedupe_key is already queued is skipped. Returns how
    many were added (one statement: a campaign of 10,000 is one round trip)."""
    if not messages:
        return 0
    rows = [
        {
            "id": m.message_id or _new_id(),
            "kind": m.kind,
            "state": m.state,
            "patient_id": m.patient_id,
            "number": m.number,
            "text": m.text,
            "task_id": m.task_id,
            "appointment_id": m.appointment_id,
            "about_date": m.about_date,
            "record_id": m.record_id,
            "campaign_id": m.campaign_id,
            "dedupe_key": m.dedupe_key,
            "not_before": m.not_before or now,
            "created_at": now,
            "created_by": m.created_by,
            "parts": 0,
            "failure": m.failure,
            "delivery": SmsDelivery.UNKNOWN,
        }
        for m in messages
    ]
    statement = _insert(session).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = session.execute(statement.returning(SmsMessage.id), rows)
    return len(result.all())


def _new_id() -> uuid.UUID:
    from agent_desk.db.base import new_id

    return new_id()


def copy_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> int:
    """Rows of another outbox (a workstation's, handed to the central one) as they are;
    a message already there is left alone."""
    rows = list(rows)
    if not rows:
        return 0
    # Any key: the same id (a resend after a crash) or the same dedupe key (two
    # workstations queued the same reminder) is the same message.
    statement = _insert(session).on_conflict_do_nothing()
    return len(session.execute(statement.returning(SmsMessage.id), rows).all())


def queued_rows(session: Session, limit: int) -> list[dict[str, Any]]:
    columns = SmsMessage.__table__.columns
    rows = session.execute(
        select(*columns).where(SmsMessage.state == SmsState.QUEUED).limit(limit)
    ).mappings()
    return [dict(row) for row in rows]


def mark_forwarded(session: Session, ids: Sequence[uuid.UUID]) -> None:
    session.execute(
        update(SmsMessage)
        .where(SmsMessage.id.in_(ids), SmsMessage.state == SmsState.QUEUED)
        .values(state=SmsState.FORWARDED)
    )


def recover(session: Session, holder: str) -> int:
    """This gateway's sends that a crash interrupted: UNCERTAIN, never sent again by itself."""
    result = session.execute(
        update(SmsMessage)
        .where(SmsMessage.state == SmsState.SENDING, SmsMessage.holder == holder)
        .values(
            state=SmsState.UNCERTAIN,
            failure="the gateway stopped while sending: it may have gone out; not resent",
        )
        .returning(SmsMessage.id)
    )
    return len(result.all())


def claim_next(
    session: Session,
    now: datetime,
    holder: str,
    rules: ContactRules,
    zone: tzinfo,
    lease: GatewayFence | None = None,
) -> Claimed | None:
    """The next due message the rules allow, marked SENDING, or None.

    On the way, messages the rules forbid are settled: BLOCKED without consent or on the
    do-not-contact list, WITHDRAWN when their task or revisit is done, cancelled or moved, pushed to
    tomorrow morning when the patient's cap for today or this month is reached."""
    local = now.astimezone(zone)
    due = [SmsMessage.state == SmsState.QUEUED, SmsMessage.not_before <= now]
    if rules.is_quiet(local):
        due.append(SmsMessage.kind.in_(UNCAPPED_KINDS))
    candidates = session.execute(
        select(
            SmsMessage.id,
            SmsMessage.kind,
            SmsMessage.patient_id,
            SmsMessage.number,
            SmsMessage.text,
            SmsMessage.task_id,
            SmsMessage.appointment_id,
            SmsMessage.about_date,
        )
        .where(*due)
        .order_by(SmsMessage.not_before, SmsMessage.id)
        .limit(_CANDIDATES)
    ).all()
    for row in candidates:
        verdict = _verdict(session, row, now, local, rules, zone)
        if verdict is not None:
            session.execute(
                update(SmsMessage)
                .where(SmsMessage.id == row.id, SmsMessage.state == SmsState.QUEUED)
                .values(**verdict)
            )
            continue
        claimed = session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == row.id, SmsMessage.state == SmsState.QUEUED, *_live(lease))
            .values(
                state=SmsState.SENDING,
                holder=holder,
                fence=lease.fence if lease else None,
                claimed_at=now,
                sent_at=now,
            )
            .returning(SmsMessage.id)
        ).first()
        if claimed is None:
            return None  # taken by another sender, or our lease is gone: ask again later
        return Claimed(row.id, row.number, row.text)
    return None


def _live(lease: GatewayFence | None) -> list[Any]:
    if lease is None:
        return []
    from agent_desk.db.leases import _server_now

    return [
        select(SmsGatewayLease.name)
        .where(
            SmsGatewayLease.name == lease.name,
            SmsGatewayLease.fence == lease.fence,
            SmsGatewayLease.expires_at >= _server_now(),
        )
        .exists()
    ]


def _verdict(
    session: Session, row: Any, now: datetime, local: datetime, rules: ContactRules, zone: tzinfo
) -> dict[str, Any] | None:
    """What to do instead of sending *row*, or None to send it."""
    if row.kind is not SmsKind.CONFIRMATION:
        if row.patient_id is not None:
            consent = session.scalar(
                select(Patient.consent_sms).where(Patient.id == row.patient_id)
            )
            if not consent:
                return {"state": SmsState.BLOCKED, "failure": "no SMS consent"}
        listed = session.scalar(
            select(SmsDoNotContact.reason).where(SmsDoNotContact.number == row.number)
        )
        if listed is not None:
            return {"state": SmsState.BLOCKED, "failure": f"do not contact: {listed}"}
    if row.task_id is not None:
        task = session.execute(
            select(FollowupTask.status, FollowupTask.due_date).where(FollowupTask.id == row.task_id)
        ).one_or_none()
        if task is None or task.status is not TaskStatus.PENDING:
            return {"state": SmsState.WITHDRAWN, "failure": "the task is no longer open"}
        if row.about_date is not None and task.due_date != row.about_date:
            return {"state": SmsState.WITHDRAWN, "failure": "the task moved to another day"}
    if row.appointment_id is not None:
        revisit = session.execute(
            select(Appointment.status, Appointment.starts_at).where(
                Appointment.id == row.appointment_id
            )
        ).one_or_none()
        # Moving a booking closes it (RESCHEDULED) and books anew, so a moved revisit is
        # withdrawn here too; the new booking gets its own reminder if it qualifies.
        if revisit is None or revisit.status not in HOLDING:
            return {"state": SmsState.WITHDRAWN, "failure": "the revisit was cancelled or moved"}
        day = revisit.starts_at.astimezone(zone).date()
        if row.about_date is not None and day != row.about_date:
            return {"state": SmsState.WITHDRAWN, "failure": "the revisit moved to another day"}
    if row.kind not in UNCAPPED_KINDS and row.patient_id is not None:
        today, month = _counts(session, row.patient_id, local, zone)
        if rules.cap_reached(today, month):
            return {"not_before": next_morning(local, rules)}
    return None


def _counts(
    session: Session, patient_id: uuid.UUID, local: datetime, zone: tzinfo
) -> tuple[int, int]:
    day_start, day_end = day_bounds(local.date(), zone)
    month_from = month_start(local.date(), zone)
    base = and_(
        SmsMessage.patient_id == patient_id,
        SmsMessage.state.in_(_COUNTED),
        SmsMessage.kind.not_in(UNCAPPED_KINDS),
        SmsMessage.sent_at >= month_from,
    )
    in_today = and_(SmsMessage.sent_at >= day_start, SmsMessage.sent_at < day_end)
    today = func.count(case((in_today, 1)))
    row = session.execute(select(today, func.count()).where(base)).one()
    return int(row[0] or 0), int(row[1] or 0)


def part_sent(
    session: Session,
    message_id: uuid.UUID,
    part_no: int,
    reference: int,
    number: str,
    now: datetime,
) -> None:
    session.execute(
        insert(SmsPart).values(
            message_id=message_id,
            part_no=part_no,
            reference=reference,
            number=number,
            sent_at=now,
            delivery=SmsDelivery.UNKNOWN,
        )
    )


def mark_sent(
    session: Session, message_id: uuid.UUID, parts: int, now: datetime
) -> uuid.UUID | None:
    """The message went out; the revisit it reminds of, if it is a revisit reminder."""
    appointment_id: uuid.UUID | None = session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == message_id)
        .values(state=SmsState.SENT, parts=parts, sent_at=now, failure=None)
        .returning(SmsMessage.appointment_id)
    ).scalar()
    return appointment_id


def mark_not_sent(
    session: Session,
    message_id: uuid.UUID,
    state: SmsState,
    failure: str,
    not_before: datetime | None = None,
) -> None:
    values: dict[str, Any] = {"state": state, "failure": failure}
    if state is SmsState.QUEUED:
        values |= {"holder": None, "fence": None, "claimed_at": None, "sent_at": None}
        values["not_before"] = not_before
    session.execute(update(SmsMessage).where(SmsMessage.id == message_id).values(**values))


def match_report(
    session: Session, number: str, reference: int, delivered: bool, now: datetime
) -> uuid.UUID | None:
    """The part a delivery report is about, found by message reference and recipient (never
    the SMSC, which may differ from the one we sent through); its message's delivery is
    updated. None when no part sent in the last week matches."""
    part = session.execute(
        select(SmsPart.message_id, SmsPart.part_no)
        .where(
            SmsPart.reference == reference,
            SmsPart.number == number,
            SmsPart.sent_at >= now - REPORT_WINDOW,
            SmsPart.delivery == SmsDelivery.UNKNOWN,
        )
        .order_by(SmsPart.sent_at.desc())
        .limit(1)
    ).first()
    if part is None:
        return None
    message_id: uuid.UUID = part.message_id
    outcome = SmsDelivery.DELIVERED if delivered else SmsDelivery.FAILED
    session.execute(
        update(SmsPart)
        .where(SmsPart.message_id == part.message_id, SmsPart.part_no == part.part_no)
        .values(delivery=outcome, reported_at=now)
    )
    states = session.scalars(
        select(SmsPart.delivery).where(SmsPart.message_id == part.message_id)
    ).all()
    if SmsDelivery.FAILED in states:
        overall = SmsDelivery.FAILED
    elif all(s is SmsDelivery.DELIVERED for s in states):
        overall = SmsDelivery.DELIVERED
    else:
        return message_id
    session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == message_id)
        .values(delivery=overall, delivered_at=now)
    )
    return message_id


def last_sent_to(session: Session, number: str, kinds: Iterable[SmsKind]) -> Any:
    """The latest message of *kinds* sent to *number*: what a reply answers."""
    return session.execute(
        select(SmsMessage.id, SmsMessage.kind, SmsMessage.record_id, SmsMessage.patient_id)
        .where(SmsMessage.number == number, SmsMessage.kind.in_(list(kinds)))
        .where(SmsMessage.state == SmsState.SENT)
        .order_by(SmsMessage.sent_at.desc())
        .limit(1)
    ).first()


def last_revisit_reminder_to(session: Session, number: str) -> Any:
    """The latest revisit reminder sent to *number* (its id and appointment): what a
    确认 or 改期 answers."""
    return session.execute(
        select(SmsMessage.id, SmsMessage.appointment_id, SmsMessage.patient_id)
        .where(
            SmsMessage.number == number,
            SmsMessage.kind == SmsKind.REMINDER,
            SmsMessage.appointment_id.is_not(None),
            SmsMessage.state == SmsState.SENT,
        )
        .order_by(SmsMessage.sent_at.desc())
        .limit(1)
    ).first()
