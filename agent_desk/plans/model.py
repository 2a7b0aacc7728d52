"""A follow-up plan: which discharges it is for, and the calls it asks for.

Plans are data (resources/plans/*.json, overridable in DATA/plans); loader.py turns
the JSON into these frozen objects after checking every field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from agent_desk.domain.enums import Role

DISCHARGE_DEPARTMENT = "@discharge"  # assign to the department the patient left
_ICD_NOISE = re.compile(r"[\s.]")


def normalise_icd10(code: str) -> str:
    """'i10.x00 ' → 'I10X00': HIS exports differ in case, dots and spaces."""
    return _ICD_NOISE.sub("", code).upper()


@dataclass(frozen=True, slots=True)
class Icd10Pattern:
    """A code prefix ('O', 'E11') or an inclusive range of prefixes ('I10-I15')."""

    low: str
    high: str

    @classmethod
    def parse(cls, text: str) -> Icd10Pattern:
        low, _, high = text.partition("-")
        low = normalise_icd10(low)
        return cls(low, normalise_icd10(high) if high else low)

    def matches(self, code: str) -> bool:
        head = normalise_icd10(code)[: len(self.low)]
        return len(head) == len(self.low) and self.low <= head <= self.high


@dataclass(frozen=True, slots=True)
class MatchRule:
    """Both parts must hold; an empty part holds for every encounter."""

    departments: frozenset[str]  # department codes or names, upper-cased
    icd10: tuple[Icd10Pattern, ...]

    def matches(self, facts: EncounterFacts) -> bool:
        if self.departments and not (
            facts.department_code.upper() in self.departments
            or (facts.department_name or "").upper() in self.departments
        ):
            return False
        return not self.icd10 or any(p.matches(c) for p in self.icd10 for c in facts.icd10)


@dataclass(frozen=True, slots=True)
class Assignment:
    department: str  # a department code, or DISCHARGE_DEPARTMENT
    department_name: str | None  # used when the department has to be created
    role: Role


@dataclass(frozen=True, slots=True)
class Repeat:
    every_days: int
    times: int


@dataclass(frozen=True, slots=True)
class TaskSpec:
    step: str
    title: str
    day: int  # days after the discharge day
    window: tuple[int, int]  # days before and after the due day, e.g. (-2, 7)
    priority: int  # 1 is most urgent
    assign: Assignment
    repeat: Repeat | None

    def step_keys(self) -> list[str]:
        """The stored step of each occurrence: 'd7', or 'w1'…'w4' for a repeated step."""
        if self.repeat is None:
            return [self.step]
        return [f"{self.step}{n}" for n in range(1, self.repeat.times + 1)]


# The day-before reminder's words unless a plan says otherwise ({随访日期}: the call's day).
DEFAULT_REMINDER = "{姓名}您好，{科室}将于{随访日期}给您打随访电话，请留意接听。回复TD退订"


@dataclass(frozen=True, slots=True)
class CareMessage:
    """A care message (关怀短信) some days after discharge, e.g. day 1 health guidance."""

    day: int
    text: str


@dataclass(frozen=True, slots=True)
class PlanSms:
    """What the plan sends by SMS: the reminder before each call, and care messages."""

    reminder_days_before: int = 1  # 0: no reminder
    reminder_text: str = DEFAULT_REMINDER
    care: tuple[CareMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    version: int
    title: str
    group: str  # plans in one group compete: only the matching one of highest precedence
    precedence: int
    enabled: bool
    match: tuple[MatchRule, ...]  # any rule; none at all means every discharge
    tasks: tuple[TaskSpec, ...]
    # A recovery score below it (0-100) on this plan's follow-up opens a red-flag ticket.
    recovery_threshold: float | None = None
    sms: PlanSms = PlanSms()

    def matches(self, facts: EncounterFacts) -> bool:
        return not self.match or any(rule.matches(facts) for rule in self.match)


@dataclass(frozen=True, slots=True)
class EncounterFacts:
    """What the plans look at: the discharging department, the diagnoses and the day."""

    department_code: str
    department_name: str | None
    icd10: tuple[str, ...]
    discharge_date: date


@dataclass(frozen=True, slots=True)
class PlannedTask:
    plan_code: str
    plan_version: int
    step: str
    title: str
    due_date: date
    window_start: date
    window_end: date
    priority: int
    department_code: str
    department_name: str | None
    role: Role

    @property
    def key(self) -> tuple[str, str]:
        return (self.plan_code, self.step)
