"""Demo tickets: the generated feedback as tickets in every state, with a few complaints
taken on calls, disputes with case records and red flags beside them.

The newest feedback items become tickets; their state follows their age (old ones mostly
closed after a callback, some escalated to the office; recent ones new, dispatched or
answered), so that every screen and filter has something to show.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from agent_desk.db import natural_keys, ticket_rules
from agent_desk.db import tickets as tickets_db
from agent_desk.db.base import new_id
from agent_desk.db.engine import Database
from agent_desk.domain.enums import (
    CallbackSatisfaction,
    RoutedBy,
    TicketEventKind,
    TicketKind,
    TicketSeverity,
    TicketSource,
    TicketState,
)

ACTOR = "demo"
_KINDS = {"praise": TicketKind.PRAISE, "complaint": TicketKind.COMPLAINT}
_REPLIES = (
    "已在科室晨会通报并整改",
    "已与当事医护人员谈话",
    "已转交护士长跟进",
    "已向患者说明并致歉",
)
# What a red flag says: the answer that crossed its plan's line, not a patient's remark.
_RED_FLAGS = (
    "出院后第 3 天疼痛评分 8 分（7 分及以上需处理）",
    "伤口红肿、有渗液，患者自述未换药",
    "出院后持续发热，体温 38.6℃",
    "自述胸闷气短加重，活动后明显",
    "血糖自测多次高于 16.7 mmol/L",
    "未按医嘱服用抗凝药物",
)
_CASE_FIELDS = ("what_happened", "people_involved", "steps_taken", "outcome", "compensation")
_DISPUTE = (
    "术后切口感染，家属认为护理不当，要求赔偿",
    "主治医师、责任护士、患者之女",
    "医务处组织调解，调取病历与护理记录",
    "调解达成一致",
    "减免部分住院费用",
)


def add_demo_tickets(db: Database, today: date, seed: int, limit: int = 2000) -> int:
    """Turn up to *limit* of the newest feedback items into tickets; return how many."""
    rnd = random.Random(f"{seed}:tickets")
    now = datetime.combine(today, time(10), UTC)
    with db.write() as session:
        calendar = ticket_rules.working_calendar(session)
        limits = ticket_rules.deadlines(session)
        items = tickets_db.feedback_to_convert(session, limit)
        tickets: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        disputes: list[uuid.UUID] = []
        for n, (item, record, patient, department, kind, text, created) in enumerate(items):
            ticket_kind = _KINDS.get(kind, TicketKind.SUGGESTION)
            if ticket_kind is TicketKind.COMPLAINT and n % 4 == 1:
                ticket_kind = TicketKind.CRITICISM
            if ticket_kind is TicketKind.COMPLAINT and n % 25 == 3:
                ticket_kind = TicketKind.DISPUTE
            source = TicketSource.FORM if n % 9 else TicketSource.CALL
            feedback: uuid.UUID | None = item
            if n % 31 == 5:
                ticket_kind, source = TicketKind.RED_FLAG, TicketSource.RED_FLAG
                text, feedback = rnd.choice(_RED_FLAGS), None
            days, office_days = limits[ticket_kind]
            due = calendar.add_working_days(created, days)
            office_due = calendar.add_working_days(due, office_days)
            state = _state(rnd, now, created, due, office_due, department is not None)
            ticket_id = new_id()
            row: dict[str, object] = {
                "id": ticket_id,
                "version": 1,
                "created_at": created,
                "updated_at": created,
                "kind": ticket_kind,
                "state": state,
                "severity": TicketSeverity.HIGH
                if ticket_kind in (TicketKind.RED_FLAG, TicketKind.DISPUTE)
                else TicketSeverity.NORMAL,
                "source": source,
                "patient_id": patient,
                "record_id": record,
                "feedback_id": feedback,
                "department_id": department if state is not TicketState.NEW else None,
                "routed_by": RoutedBy.FORM if state is not TicketState.NEW else None,
                "text": text,
                "opened_at": created,
                "opened_by": ACTOR,
                "due_at": due,
                "office_due_at": office_due,
                "escalation_level": 0,
                "assignees": [],
            }
            _history(rnd, row, state, now, events)
            if ticket_kind is TicketKind.DISPUTE:
                disputes.append(ticket_id)
            tickets.append(row)
        cases = [
            {
                "id": natural_keys.dispute_case_id(ticket_id),
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "ticket_id": ticket_id,
                **dict(zip(_CASE_FIELDS, _DISPUTE, strict=True)),
                "updated_by": ACTOR,
            }
            for ticket_id in disputes
        ]
        tickets_db.insert_many(session, tickets, events, cases)
    return len(tickets)


def _state(
    rnd: random.Random,
    now: datetime,
    created: datetime,
    due: datetime,
    office_due: datetime,
    routed: bool,
) -> TicketState:
    if not routed:
        return TicketState.NEW
    draw = rnd.random()
    if office_due < now:  # long past every deadline: mostly done
        if draw < 0.75:
            return TicketState.CLOSED
        return TicketState.CALLED_BACK if draw < 0.85 else TicketState.ESCALATED
    if due < now:
        return TicketState.ESCALATED if draw < 0.4 else TicketState.REPLIED
    if draw < 0.15:  # heard on a call with no department to go by: a supervisor routes it
        return TicketState.NEW
    return TicketState.DISPATCHED if draw < 0.6 else TicketState.REPLIED


def _history(
    rnd: random.Random,
    row: dict[str, object],
    state: TicketState,
    now: datetime,
    events: list[dict[str, object]],
) -> None:
    """The ticket's answer, callback and closing as its state has them, with their events."""
    ticket_id, opened = row["id"], row["opened_at"]
    assert isinstance(opened, datetime) and isinstance(row["due_at"], datetime)
    events.append(_event(ticket_id, opened, TicketEventKind.CREATED, row["department_id"]))
    if state is TicketState.ESCALATED:
        level = 2 if row["office_due_at"] < now else 1  # type: ignore[operator]
        row["escalation_level"] = level
        events.append(_event(ticket_id, row["due_at"], TicketEventKind.ESCALATED, None))
    if state in (TicketState.REPLIED, TicketState.CALLED_BACK, TicketState.CLOSED):
        replied = opened + timedelta(days=1 + rnd.random() * 3)
        row.update(reply=rnd.choice(_REPLIES), replied_by="护士长", replied_at=replied)
        events.append(_event(ticket_id, replied, TicketEventKind.REPLIED, None, row["reply"]))
    if state in (TicketState.CALLED_BACK, TicketState.CLOSED):
        called = opened + timedelta(days=5)
        satisfaction = rnd.choice(list(CallbackSatisfaction))
        row.update(
            callback_satisfaction=satisfaction, called_back_by="agent01", called_back_at=called
        )
        events.append(_event(ticket_id, called, TicketEventKind.CALLED_BACK, None))
    if state is TicketState.CLOSED:
        row.update(closed_by="agent01", closed_at=opened + timedelta(days=5, minutes=5))
        events.append(_event(ticket_id, row["closed_at"], TicketEventKind.CLOSED, None))


def _event(
    ticket_id: object, at: object, kind: TicketEventKind, department: object, note: object = None
) -> dict[str, object]:
    return {
        "id": new_id(),
        "ticket_id": ticket_id,
        "at": at,
        "actor": ACTOR,
        "kind": kind,
        "department_id": department,
        "note": note,
        "detail": {},
    }
