"""The SMS tables (migration 0020): the outbox, parts and their delivery reports, replies,
the do-not-contact list, campaigns, and the gateway's lease on the central server.

Every table exists on both kinds of database (one chain of migrations builds both). The
outbox is not synced row by row: a workstation queues in its own outbox first, then, when
there is a central server, hands its queued messages to the central outbox, which the one
gateway holding the lease sends from (agent_desk/services/sms_gateway.py). Replies and the
do-not-contact list are synced (migration 0022; see agent_desk/db/sync_tables.py): every
workstation's cards, to-do lists and senders need them, not only the gateway's.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base, IdMixin, VersionedMixin, utcnow
from agent_desk.db.models import _enum
from agent_desk.domain.enums import SmsDelivery, SmsKind, SmsReplyKind, SmsState


class SmsMessage(IdMixin, Base):
    """One outgoing message, whole (signature included); its parts are SmsPart rows."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        # The sender's next message: queued, due, oldest first.
        Index("ix_sms_messages_queue", "state", "not_before", "id"),
        # The contact rules' cap: what went to this patient today and this month.
        Index("ix_sms_messages_patient_sent", "patient_id", "sent_at"),
    )

    kind: Mapped[SmsKind] = mapped_column(_enum(SmsKind))
    state: Mapped[SmsState] = mapped_column(_enum(SmsState), default=SmsState.QUEUED)
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"))
    number: Mapped[str] = mapped_column(String(32))  # E.164 where it could be read
    text: Mapped[str] = mapped_column(Text)
    # What the message is about: a reminder's task or revisit and the day it announces,
    # a satisfaction message's record, a campaign.
    task_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_tasks.id"))
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    about_date: Mapped[date | None] = mapped_column(Date)
    record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_records.id"))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sms_campaigns.id"))
    # A reminder source's own key ("reminder:TASK:DAY"): queueing it twice is a no-op.
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    # The claim that sends it: which gateway, under which lease fence (central only).
    holder: Mapped[str | None] = mapped_column(String(64))
    fence: Mapped[int | None] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    parts: Mapped[int] = mapped_column(Integer, default=0)
    failure: Mapped[str | None] = mapped_column(Text)  # Gammu's reason, or the rule that blocked
    delivery: Mapped[SmsDelivery] = mapped_column(_enum(SmsDelivery), default=SmsDelivery.UNKNOWN)
    delivered_at: Mapped[datetime | None]


class SmsPart(Base):
    """One part as the modem took it: the message reference a delivery report names."""

    __tablename__ = "sms_parts"
    # A report names the reference and the recipient (never our SMSC, which may differ).
    __table_args__ = (Index("ix_sms_parts_reference", "reference", "number", "sent_at"),)

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sms_messages.id"), primary_key=True)
    part_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivery: Mapped[SmsDelivery] = mapped_column(_enum(SmsDelivery), default=SmsDelivery.UNKNOWN)
    reported_at: Mapped[datetime | None]


class SmsReply(IdMixin, VersionedMixin, Base):
    """An incoming message, its parts joined, stored before it is deleted from the SIM.

    Synced and versioned: the gateway inserts it, and whoever deals with it on any
    workstation marks it handled (an update on the version it saw, so two people handling
    the same reply go to the review, as two closing one task do)."""

    __tablename__ = "sms_replies"
    __table_args__ = (
        Index("ix_sms_replies_patient", "patient_id", "received_at"),
        Index("ix_sms_replies_open", "kind", "handled_at", "received_at"),
    )

    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    number: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[SmsReplyKind] = mapped_column(_enum(SmsReplyKind))
    # The message it answers (a satisfaction question, a revisit reminder), by id only: the
    # outbox is not synced, and the message is in the central outbox or the gateway's, so
    # a foreign key would refuse the reply on every other workstation.
    message_id: Mapped[uuid.UUID | None]
    record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_records.id"))
    # The revisit a 确认 or 改期 answered (the reminder is message_id).
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    score: Mapped[int | None] = mapped_column(Integer)  # a satisfaction reply's 5/3/1
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str | None] = mapped_column(String(64))


class SmsDoNotContact(IdMixin, Base):
    """A number no sender may text: an unsubscribe, or an entry made by staff.

    Synced, a fact keyed by its number (natural_keys.do_not_contact_id): the same number
    listed on two workstations is one row, and every workstation's senders see it."""

    __tablename__ = "sms_do_not_contact"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"))
    reason: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64))


class SmsCampaign(IdMixin, Base):
    """A confirmed 群发: the template and the filter as they were when it was sent."""

    __tablename__ = "sms_campaigns"

    name: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(Text)
    filter: Mapped[dict[str, Any]] = mapped_column(JSON)
    queued: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsGatewayLease(Base):
    """Central only: which workstation is the SMS gateway, judged by the server's clock.

    One row per gateway name; the fence comes from the work queue's sequence, so a gateway
    whose lease lapsed and was taken over can claim no message any more."""

    __tablename__ = "sms_gateway_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    fence: Mapped[int] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime]
    expires_at: Mapped[datetime]
