"""Feedback tickets (工单): what a department must answer, by when, and what it answered.

Kept out of models.py (which would outgrow its size) and imported there, so that every
table is on Base.metadata wherever the models are. Every table here syncs
(agent_desk.db.sync_tables): a ticket opened on the follow-up centre's workstation is on
the department's within a second, and two people changing one ticket go to the review.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base, IdMixin, VersionedMixin, utcnow
from agent_desk.db.models import _enum
from agent_desk.domain.enums import (
    CallbackSatisfaction,
    RoutedBy,
    TicketEventKind,
    TicketKind,
    TicketSeverity,
    TicketSource,
    TicketState,
)


class Ticket(IdMixin, VersionedMixin, Base):
    """One praise, criticism, suggestion, complaint, dispute or red flag to be answered."""

    __tablename__ = "tickets"
    __table_args__ = (
        # The list's keyset order (newest first), with and without a department filter.
        Index("ix_tickets_list", "opened_at", "id"),
        Index("ix_tickets_department_list", "department_id", "opened_at", "id"),
        # The escalation pass: awaiting tickets by deadline; and the overdue list's order
        # (the most overdue first), walked until a page of awaiting ones is found.
        Index("ix_tickets_state_due", "state", "due_at"),
        Index("ix_tickets_due", "due_at", "id"),
        # A form's feedback item becomes one ticket, however often the conversion runs.
        Index("uq_tickets_feedback", "feedback_id", unique=True),
    )

    kind: Mapped[TicketKind] = mapped_column(_enum(TicketKind))
    state: Mapped[TicketState] = mapped_column(_enum(TicketState), default=TicketState.NEW)
    severity: Mapped[TicketSeverity] = mapped_column(
        _enum(TicketSeverity), default=TicketSeverity.NORMAL
    )
    source: Mapped[TicketSource] = mapped_column(_enum(TicketSource))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"), index=True)
    # The call it was heard on; its recording is the call's (the recordings library).
    call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calls.id"))
    record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_records.id"))
    feedback_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("feedback_items.id"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    routed_by: Mapped[RoutedBy | None] = mapped_column(_enum(RoutedBy))
    text: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(64))
    # The answer's deadline, and the second one after which 医务处/护理部 take it over;
    # both in working time (agent_desk.plans.working_calendar), never at night or on a holiday.
    due_at: Mapped[datetime]
    office_due_at: Mapped[datetime]
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)  # 0, 1 (head), 2 (office)
    escalated_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    assignees: Mapped[list[str]] = mapped_column(JSON, default=list)  # user names
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None]
    callback_satisfaction: Mapped[CallbackSatisfaction | None] = mapped_column(
        _enum(CallbackSatisfaction)
    )
    callback_note: Mapped[str | None] = mapped_column(Text)
    called_back_by: Mapped[str | None] = mapped_column(String(64))
    called_back_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]


class TicketEvent(IdMixin, Base):
    """An insert-only fact: one step of a ticket's history."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_at", "ticket_id", "at"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[TicketEventKind] = mapped_column(_enum(TicketEventKind))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    note: Mapped[str | None] = mapped_column(Text)
    # Who was told (an escalation's department heads and supervisors), what it came from.
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class RoutingRule(IdMixin, VersionedMixin, Base):
    """A supervisor's keyword → department rule: the last resort of routing."""

    __tablename__ = "ticket_routing_rules"

    keyword: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TicketDeadline(IdMixin, VersionedMixin, Base):
    """A kind's deadline in working days, and the second one (after the first) at which
    the ticket goes to 医务处/护理部. A kind without a row keeps the built-in default."""

    __tablename__ = "ticket_deadlines"

    kind: Mapped[TicketKind] = mapped_column(_enum(TicketKind), unique=True)
    working_days: Mapped[int] = mapped_column(Integer)
    office_days: Mapped[int] = mapped_column(Integer)


class CalendarDay(IdMixin, VersionedMixin, Base):
    """A day that breaks the Monday-to-Friday rule: a holiday, or a weekend working day
    (调休). Imported by a supervisor for the coming year; the built-in years are package
    data (agent_desk/plans/holidays.csv) that rows here override."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(64))


class DisputeCase(IdMixin, VersionedMixin, Base):
    """A dispute's (纠纷) case record: for supervisors and the people assigned, every view
    audited."""

    __tablename__ = "dispute_cases"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), unique=True)
    what_happened: Mapped[str] = mapped_column(Text, default="")
    people_involved: Mapped[str] = mapped_column(Text, default="")
    steps_taken: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    compensation: Mapped[str] = mapped_column(Text, default="")  # amount and terms, if any
    updated_by: Mapped[str | None] = mapped_column(String(64))
