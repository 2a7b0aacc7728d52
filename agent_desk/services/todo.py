"""A person's to-do list (待办): what is theirs to do now, gathered from a few sources.

A source is any callable (principal, today) → sequence of TodoItem that returns nothing
for a role it does not concern (it must not raise PermissionDenied). default_sources()
lists them: alerts, tickets, tasks due today, SMS replies that need a person.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from agent_desk.db import todo as todo_db
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AlertSeverity, TodoKind
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.plans.calendar import local_date
from agent_desk.services.alerts import AlertService
from agent_desk.services.tickets import TicketService

if TYPE_CHECKING:
    from agent_desk.services.sms import SmsService

TASK_LIMIT = 200  # more are in the worklist; a to-do list is read, not paged


@dataclass(frozen=True, slots=True)
class TodoItem:
    kind: TodoKind
    subject_id: uuid.UUID  # the alert, the task, the ticket, the SMS reply
    title: str  # the patient's name, or what it is about
    detail: str  # the alert's text, the department, the ticket's kind
    at: datetime | None = None  # when: raised, booked for, due by (UTC)
    patient_id: uuid.UUID | None = None
    urgent: bool = False

    @property
    def key(self) -> str:
        """The same item on every refresh: a new key is a new item (notified once)."""
        return f"{self.kind.value}:{self.subject_id}"


@dataclass(frozen=True, slots=True)
class TodoList:
    items: tuple[TodoItem, ...]

    def count(self, kind: TodoKind) -> int:
        return sum(1 for item in self.items if item.kind is kind)

    def new_since(self, previous: TodoList) -> list[TodoItem]:
        """The items *previous* did not have (each is notified once). The previous keys are
        gathered once: gathered for each item, a million patients' list took the window's
        thread 30 – 100 ms at every refresh, on whichever call rang then."""
        known = frozenset(item.key for item in previous.items)
        return [item for item in self.items if item.key not in known]


TodoSource = Callable[[Principal, date], Sequence[TodoItem]]


class AlertTodos:
    """Alerts addressed to the person's roles, in scope, not acknowledged yet."""

    def __init__(self, alerts: AlertService) -> None:
        self._alerts = alerts

    def __call__(self, principal: Principal, today: date) -> list[TodoItem]:
        if not principal.may(Permission.HANDLE_ALERTS):
            return []
        return [
            TodoItem(
                TodoKind.ALERT,
                row.id,
                row.patient_name,
                row.text,
                row.raised_at,
                row.patient_id,
                urgent=row.severity is AlertSeverity.CRITICAL,
            )
            for row in self._alerts.lists(principal).open
        ]


class TaskTodos:
    """Follow-up tasks due today that are the person's; a callback booked for a time of
    today is a callback (预约回拨), listed by its time."""

    def __init__(self, db: Database, limit: int = TASK_LIMIT) -> None:
        self._db = db
        self._limit = limit

    def __call__(self, principal: Principal, today: date) -> list[TodoItem]:
        if not principal.may(Permission.VIEW_RECORDS):
            return []
        with self._db.read() as session:
            rows = todo_db.due_today(
                session,
                principal.username,
                principal.roles,
                principal.department_filter(),
                today,
                self._limit,
            )
        items = []
        for row in rows:
            booked = row.callback_after is not None and local_date(row.callback_after) == today
            items.append(
                TodoItem(
                    TodoKind.CALLBACK if booked else TodoKind.TASK,
                    row.task_id,
                    row.patient_name,
                    row.department_name or "",
                    row.callback_after if booked else None,
                    row.patient_id,
                    urgent=row.priority == 1,
                )
            )
        return items


class TicketTodos:
    """Tickets awaiting an answer from the person's departments or assigned to them, and
    for supervisors every overdue one in scope (TicketService.open_tickets_for)."""

    def __init__(self, tickets: TicketService) -> None:
        self._tickets = tickets

    def __call__(self, principal: Principal, today: date) -> list[TodoItem]:
        if not principal.may(Permission.VIEW_TICKETS):
            return []
        return [
            TodoItem(
                TodoKind.TICKET,
                row.id,
                row.patient_name or row.department or "",
                row.text,
                row.due_at,
                row.patient_id,
                urgent=row.overdue,
            )
            for row in self._tickets.open_tickets_for(principal)
        ]


class SmsReplyTodos:
    """Text messages from patients that no rule could act on (anything but an unsubscribe,
    a satisfaction score, or 确认/改期 to a revisit reminder), in scope, until someone marks
    them handled in the 短信 window; oldest first."""

    def __init__(self, sms: Callable[[], SmsService]) -> None:
        # Made at the first read, off the GUI thread: the SMS modules (and the modem
        # library) are not loaded while the window opens.
        self._make_sms = sms
        self._sms: SmsService | None = None

    def __call__(self, principal: Principal, today: date) -> list[TodoItem]:
        if not principal.may(Permission.SEND_SMS):
            return []
        if self._sms is None:
            self._sms = self._make_sms()
        return [
            TodoItem(
                TodoKind.SMS_REPLY,
                row.reply_id,
                row.patient_name or mask_phone(row.number),
                row.text,
                row.received_at,
                row.patient_id,
            )
            for row in self._sms.unhandled_replies(principal)
        ]


def default_sources(
    db: Database, alerts: AlertService, sms: Callable[[], SmsService]
) -> list[TodoSource]:
    return [
        AlertTodos(alerts),
        TicketTodos(TicketService(db)),
        TaskTodos(db),
        SmsReplyTodos(sms),
    ]


class TodoService:
    def __init__(
        self,
        sources: Sequence[TodoSource],
        today: Callable[[], date] = date.today,
    ) -> None:
        self._sources = list(sources)
        self._today = today

    def items(self, principal: Principal) -> TodoList:
        """Everything on *principal*'s list: urgent ones first, then by kind as the sources
        are listed, each source's own order kept."""
        today = self._today()
        items = [item for source in self._sources for item in source(principal, today)]
        items.sort(key=lambda item: not item.urgent)  # stable: each source's order stays
        return TodoList(tuple(items))
