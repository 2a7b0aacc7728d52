"""Standard scripts spoken with this patient's facts in place of their blanks.

Templates write the blanks as scripts are printed in hospitals: ××医院, ××科, ×月×日, 您是××
(in English: ×× Hospital, the ×× department or clinic, on ××, with ××). A blank is filled
when the card knows its fact and left as written when it does not, so that the agent sees
what is still to be said by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from agent_desk.domain.views import PatientCard, TaskView

_BLANK = "××"


@dataclass(frozen=True, slots=True)
class ScriptFacts:
    patient_name: str | None = None
    department: str | None = None
    discharged_on: date | None = None
    hospital: str | None = None


def facts_for(card: PatientCard, task: TaskView | None, hospital: str) -> ScriptFacts:
    """The facts a call about this task speaks of: its department, the last discharge."""
    discharges = [enc for enc in card.encounters if enc.discharged_at is not None]
    last = max(discharges, key=lambda enc: enc.discharged_at or 0, default=None)
    department = (task.department_name if task else None) or (
        last.department_name if last else None
    )
    discharged = last.discharged_at.astimezone().date() if last and last.discharged_at else None
    return ScriptFacts(card.name, department, discharged, hospital.strip() or None)


def fill_script(text: str, facts: ScriptFacts) -> str:
    for pattern, value in _rules(facts):
        if value:
            # A callable replacement: a name or a department is never read as a regex template.
            text = pattern.sub(_literal(value), text)
    return text


def _literal(value: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: value


def _rules(facts: ScriptFacts) -> list[tuple[re.Pattern[str], str | None]]:
    day = facts.discharged_on
    zh_day = f"{day.month}月{day.day}日" if day else None
    en_day = day.isoformat() if day else None
    dept = facts.department
    return [
        (re.compile(f"{_BLANK}医院"), facts.hospital),
        (re.compile(f"{_BLANK}科"), dept),
        (re.compile("×月×日"), zh_day),
        (re.compile(f"(?<=您是){_BLANK}"), facts.patient_name),
        (re.compile(f"{_BLANK} Hospital"), facts.hospital),
        (re.compile(f"{_BLANK} department"), f"{dept} department" if dept else None),
        (re.compile(f"{_BLANK} clinic"), f"{dept} clinic" if dept else None),
        (re.compile(f"(?<=on ){_BLANK}"), en_day),
        (re.compile(f"(?<=speaking with ){_BLANK}"), facts.patient_name),
    ]
