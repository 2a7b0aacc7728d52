"""The retry policy: after each attempt, what becomes of the task.

A failed call is tried again on another day at another time of day, until the
patient is reached or the attempts run out and the task is lost to follow-up
(失访) with its reason. Some outcomes end the task at once: a refusal, a death,
or a wrong or dead number once every number the patient has was tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from agent_desk.domain.enums import AttemptOutcome, LostReason, TaskStatus
from agent_desk.plans.calendar import HOSPITAL_TZ, at_local, local_date


class TimeSlot(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


# When each slot opens, hospital time; a nurse's day has these three good windows.
SLOT_OPENS = {
    TimeSlot.MORNING: time(9, 0),
    TimeSlot.AFTERNOON: time(14, 30),
    TimeSlot.EVENING: time(18, 30),
}

CONTACT_MADE = frozenset({AttemptOutcome.REACHED, AttemptOutcome.READMITTED})
UNANSWERED = frozenset({AttemptOutcome.NO_ANSWER, AttemptOutcome.BUSY, AttemptOutcome.SWITCHED_OFF})
BAD_NUMBER = frozenset({AttemptOutcome.WRONG_NUMBER, AttemptOutcome.NUMBER_INVALID})

_CHINESE_DIGITS = "零一二三四五六七八九十"
LOST_LABELS = {
    LostReason.NUMBER_INVALID: "空号",
    LostReason.WRONG_NUMBER: "号码错误",
    LostReason.REFUSED: "拒绝回访",
    LostReason.DECEASED: "患者已故",
}


def slot_of(at: datetime) -> TimeSlot:
    hour = at.astimezone(HOSPITAL_TZ).hour
    if hour < 12:
        return TimeSlot.MORNING
    return TimeSlot.AFTERNOON if hour < 18 else TimeSlot.EVENING


def unreachable_label(count: int) -> str:
    """'三次未接通': how the seed reports word it, for up to ten attempts."""
    number = _CHINESE_DIGITS[count] if 0 < count <= 10 else str(count)
    return f"{number}次未接通"


@dataclass(frozen=True, slots=True)
class AttemptFact:
    at: datetime  # aware
    outcome: AttemptOutcome
    number: str | None = None  # E.164 tried, when known


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3  # unanswered calls before the task is lost to follow-up
    gap_days: int = 1  # the next try is on a later day
    slots: tuple[TimeSlot, ...] = (TimeSlot.MORNING, TimeSlot.AFTERNOON, TimeSlot.EVENING)

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.gap_days < 1 or not self.slots:
            raise ValueError("a retry policy needs at least one attempt, gap day and slot")


@dataclass(frozen=True, slots=True)
class Decision:
    status: TaskStatus
    due_date: date | None = None  # the new due day when the task stays open
    callback_after: datetime | None = None  # not before this (UTC), when it stays open
    lost_code: LostReason | None = None
    lost_reason: str | None = None  # the words shown and printed
    patient_deceased: bool = False  # the patient's other open tasks must be cancelled


def decide(policy: RetryPolicy, history: Sequence[AttemptFact], untried_numbers: int) -> Decision:
    """What the task becomes after the last attempt in *history* (oldest first).

    *untried_numbers* counts the patient's numbers that no attempt on this task
    has found wrong or dead yet, so that a dead number moves on to the next one.
    """
    if not history:
        raise ValueError("decide() needs at least the attempt just made")
    last = history[-1]
    outcome = last.outcome
    if outcome in CONTACT_MADE:
        return Decision(TaskStatus.DONE)
    if outcome is AttemptOutcome.REFUSED:
        return _lost(LostReason.REFUSED)
    if outcome is AttemptOutcome.DECEASED:
        return Decision(
            TaskStatus.LOST,
            lost_code=LostReason.DECEASED,
            lost_reason=LOST_LABELS[LostReason.DECEASED],
            patient_deceased=True,
        )
    if outcome in BAD_NUMBER:
        if untried_numbers > 0:
            # Another number is on file: try it now, it is no second call to the same phone.
            return Decision(TaskStatus.PENDING, due_date=local_date(last.at))
        code = (
            LostReason.NUMBER_INVALID
            if outcome is AttemptOutcome.NUMBER_INVALID
            else LostReason.WRONG_NUMBER
        )
        return _lost(code)
    unanswered = [fact for fact in history if fact.outcome in UNANSWERED]
    if len(unanswered) >= policy.max_attempts:
        return Decision(
            TaskStatus.LOST,
            lost_code=LostReason.UNREACHABLE,
            lost_reason=unreachable_label(len(unanswered)),
        )
    day = local_date(last.at) + timedelta(days=policy.gap_days)
    slot = _next_slot(policy, [slot_of(fact.at) for fact in unanswered])
    return Decision(
        TaskStatus.PENDING, due_date=day, callback_after=at_local(day, SLOT_OPENS[slot])
    )


def _lost(code: LostReason) -> Decision:
    return Decision(TaskStatus.LOST, lost_code=code, lost_reason=LOST_LABELS[code])


def _next_slot(policy: RetryPolicy, tried: list[TimeSlot]) -> TimeSlot:
    """A time of day not tried yet; when all were, the one after the last tried."""
    for slot in policy.slots:
        if slot not in tried:
            return slot
    last = tried[-1]
    index = policy.slots.index(last) if last in policy.slots else -1
    return policy.slots[(index + 1) % len(policy.slots)]
