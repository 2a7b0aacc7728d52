"""Messages the calendar sends: reminders before calls, care after discharge, greetings.

Each kind is a ReminderSource: given a day, the messages it wants queued that day. A
message carries a dedupe key (``reminder:TASK:DAY``), so running the sources twice a day,
or after a crash, queues nothing twice. What a reminder announces is checked again when
it is sent (agent_desk.db.sms_outbox.claim_next): a task done, cancelled or moved, or a
revisit cancelled or moved, in the meantime withdraws it.

A source plugs in by implementing ReminderSource (RevisitReminders: the revisits booked more
than appointments.reminder_days_ahead days ahead that fall on today + 1, keyed
``revisit:APPOINTMENT:DAY``) and being added to default_sources(); queue_due_messages runs
every source alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from agent_desk import json_input
from agent_desk.db import sms_outbox, sms_recipients
from agent_desk.db.engine import Database
from agent_desk.domain.enums import SmsKind
from agent_desk.domain.sms_filter import CampaignFilter, parse_filter
from agent_desk.plans.calendar import HOSPITAL_TZ, at_local
from agent_desk.plans.model import EncounterFacts, PlanSms
from agent_desk.plans.scheduler import PlanSet
from agent_desk.services.appointments import REMINDER_DAYS_AHEAD
from agent_desk.sms import text as sms_text

log = logging.getLogger(__name__)

REMINDER_ACTOR = "sms-reminders"
# Calendar messages go out from this hour on (and never in quiet hours, see the rules).
SEND_FROM = time(9, 0)
GREETING_RECIPIENTS_DAYS = 365  # greetings go to patients discharged in the last year


class ReminderSource(Protocol):
    @property
    def name(self) -> str: ...

    def due(self, session: Session, today: date) -> list[sms_outbox.NewMessage]:
        """The messages this source wants queued on *today* (hospital calendar)."""
        ...


def _when(today: date) -> datetime:
    return at_local(today, SEND_FROM)


def _day_words(day: date, today: date) -> str:
    return "明天" if day == today + timedelta(days=1) else f"{day.month}月{day.day}日"


class _Textable(Protocol):
    @property
    def number(self) -> str | None: ...


_Row = TypeVar("_Row", bound=_Textable)


def _by_offset(
    offsets: Iterable[int], rows_on: Callable[[int], Sequence[_Row]]
) -> Iterator[tuple[int, _Row, str]]:
    """The rows of each offset that have a number to text, offsets in order: the one loop
    of the sources whose plans name days (before a call, after a discharge), one query a day."""
    for offset in sorted(offsets):
        for row in rows_on(offset):
            if row.number is not None:
                yield offset, row, row.number


@dataclass(frozen=True)
class FollowupCallReminders:
    """The day before a follow-up call (per plan: sms.reminder_days_before, 0 for none)."""

    plans: PlanSet
    signature: str
    name: str = "followup_call"

    def _sms(self, plan_code: str) -> PlanSms:
        plan = self.plans.get(plan_code)
        return plan.sms if plan is not None else PlanSms()

    def due(self, session: Session, today: date) -> list[sms_outbox.NewMessage]:
        leads = {plan.sms.reminder_days_before for plan in self.plans.plans} | {1}
        messages = []
        for lead, task, number in _by_offset(
            (lead for lead in leads if lead > 0),
            lambda lead: sms_recipients.tasks_due_on(session, today + timedelta(days=lead)),
        ):
            sms = self._sms(task.plan_code)
            if sms.reminder_days_before != lead:
                continue
            text = sms_text.fill(
                sms.reminder_text,
                {
                    "姓名": task.name,
                    "科室": task.department,
                    "随访日期": _day_words(task.due_date, today),  # the day it was due on
                },
                extra=("随访日期",),
            )
            messages.append(
                sms_outbox.NewMessage(
                    kind=SmsKind.REMINDER,
                    number=number,
                    text=sms_text.signed(text, self.signature),
                    created_by=REMINDER_ACTOR,
                    patient_id=task.patient_id,
                    task_id=task.task_id,
                    about_date=task.due_date,
                    dedupe_key=f"reminder:{task.task_id}:{task.due_date.isoformat()}",
                    not_before=_when(today),
                )
            )
        return messages


@dataclass(frozen=True)
class CareMessages:
    """Care after discharge, per plan (sms.care: day N after discharge, its text)."""

    plans: PlanSet
    signature: str
    name: str = "care"

    def due(self, session: Session, today: date) -> list[sms_outbox.NewMessage]:
        messages = []
        days = {care.day for plan in self.plans.plans for care in plan.sms.care}
        for after, discharge, number in _by_offset(
            days, lambda after: sms_recipients.discharged_on(session, today - timedelta(days=after))
        ):
            facts = EncounterFacts(
                discharge.department_code,
                discharge.department,
                discharge.icd10,
                discharge.discharged_on,
            )
            for plan in self.plans.select(facts):
                for index, care in enumerate(plan.sms.care):
                    if care.day != after:
                        continue
                    text = sms_text.fill(
                        care.text,
                        {
                            "姓名": discharge.name,
                            "科室": discharge.department,
                            "出院日期": discharge.discharged_on.isoformat(),
                        },
                    )
                    messages.append(
                        sms_outbox.NewMessage(
                            kind=SmsKind.CARE,
                            number=number,
                            text=sms_text.signed(text, self.signature),
                            created_by=REMINDER_ACTOR,
                            patient_id=discharge.patient_id,
                            dedupe_key=f"care:{discharge.encounter_id}:{plan.code}:{index}",
                            not_before=_when(today),
                        )
                    )
        return messages


@dataclass(frozen=True)
class RevisitReminders:
    """The day before a revisit booked more than *days_ahead* days ahead (S4's rule; the
    setting appointments.reminder_days_ahead: appointments belong to no plan). The patient
    answers 确认 or 改期 (agent_desk.services.sms_inbox)."""

    signature: str
    days_ahead: int = REMINDER_DAYS_AHEAD
    text: str = sms_text.REVISIT_REMINDER
    name: str = "revisit"

    def due(self, session: Session, today: date) -> list[sms_outbox.NewMessage]:
        messages = []
        for revisit in sms_recipients.revisits_due(session, today, self.days_ahead):
            if revisit.number is None:
                continue
            text = sms_text.fill(
                self.text,
                {
                    "姓名": revisit.name,
                    "科室": revisit.department,
                    "复诊时间": sms_text.revisit_time(revisit.starts_at, HOSPITAL_TZ),
                },
            )
            day = revisit.starts_at.astimezone(HOSPITAL_TZ).date()
            messages.append(
                sms_outbox.NewMessage(
                    kind=SmsKind.REMINDER,
                    number=revisit.number,
                    text=sms_text.signed(text, self.signature),
                    created_by=REMINDER_ACTOR,
                    patient_id=revisit.patient_id,
                    appointment_id=revisit.appointment_id,
                    about_date=day,
                    dedupe_key=f"revisit:{revisit.appointment_id}:{day.isoformat()}",
                    not_before=_when(today),
                )
            )
        return messages


@dataclass(frozen=True)
class Greeting:
    month_day: str  # "MM-DD"
    text: str
    recipients: CampaignFilter


@dataclass(frozen=True)
class Greetings:
    """Greetings on chosen dates (resources/sms/greetings.json, or DATA/sms/greetings.json)."""

    greetings: Sequence[Greeting]
    signature: str
    name: str = "greetings"

    def due(self, session: Session, today: date) -> list[sms_outbox.NewMessage]:
        messages = []
        for greeting in self.greetings:
            if greeting.month_day != today.strftime("%m-%d"):
                continue
            wanted = greeting.recipients
            if wanted.discharged_from is None and wanted.discharged_to is None:
                since = today - timedelta(days=GREETING_RECIPIENTS_DAYS)
                wanted = CampaignFilter(
                    wanted.departments,
                    wanted.icd10_prefixes,
                    since,
                    today,
                    wanted.age_min,
                    wanted.age_max,
                )
            for person in sms_recipients.campaign_recipients(session, wanted, None, today):
                if person.number is None or not person.consent_sms:
                    continue
                text = sms_text.fill(
                    greeting.text, {"姓名": person.name, "科室": person.department}
                )
                messages.append(
                    sms_outbox.NewMessage(
                        kind=SmsKind.GREETING,
                        number=person.number,
                        text=sms_text.signed(text, self.signature),
                        created_by=REMINDER_ACTOR,
                        patient_id=person.patient_id,
                        dedupe_key=f"greeting:{today.isoformat()}:{person.patient_id}",
                        not_before=_when(today),
                    )
                )
        return messages


def builtin_greetings_file() -> Path:
    from importlib.resources import files

    return Path(str(files("agent_desk.resources") / "sms" / "greetings.json"))


def load_greetings(override: Path | None = None) -> list[Greeting]:
    """The greetings file of the data folder when there is one, else the built-in one."""
    path = override if override is not None and override.is_file() else builtin_greetings_file()
    data = json_input.read(path)
    entries = data.get("greetings", []) if isinstance(data, dict) else []
    greetings = []
    for entry in entries:
        month_day, text = str(entry.get("date", "")), str(entry.get("text", ""))
        sms_text.check_template(text)
        greetings.append(Greeting(month_day, text, parse_filter(str(entry.get("filter", "")))))
    return greetings


def default_sources(
    plans: PlanSet,
    signature: str,
    greetings: Sequence[Greeting],
    revisit_days_ahead: int = REMINDER_DAYS_AHEAD,
) -> list[ReminderSource]:
    """Every source the gateway runs each day; a new kind of reminder is added here."""
    return [
        FollowupCallReminders(plans, signature),
        RevisitReminders(signature, revisit_days_ahead),
        CareMessages(plans, signature),
        Greetings(greetings, signature),
    ]


def queue_due_messages(
    db: Database, sources: Sequence[ReminderSource], now: datetime
) -> dict[str, int]:
    """Queue what every source wants today; how many each added (0 when run before)."""
    today = now.astimezone(HOSPITAL_TZ).date()
    added = {}
    for source in sources:
        with db.write() as session:
            added[source.name] = sms_outbox.queue(session, source.due(session, today), now)
    log.info("SMS calendar for %s: %s", today, added)
    return added
