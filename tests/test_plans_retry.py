"""The retry policy: other days, other times of day, then reached or lost with a reason."""

from __future__ import annotations

from datetime import date, datetime

from agent_desk.domain.enums import AttemptOutcome as O
from agent_desk.domain.enums import LostReason, TaskStatus
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.plans.retry import AttemptFact, RetryPolicy, TimeSlot, decide, slot_of

POLICY = RetryPolicy()


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=HOSPITAL_TZ)


def test_a_missed_morning_call_is_retried_next_day_in_the_afternoon() -> None:
    decision = decide(POLICY, [AttemptFact(_at(23, 10), O.NO_ANSWER)], untried_numbers=1)
    assert decision.status is TaskStatus.PENDING
    assert decision.due_date == date(2026, 11, 24)
    assert decision.callback_after is not None
    assert decision.callback_after.astimezone(HOSPITAL_TZ) == datetime(
        2026, 11, 24, 14, 30, tzinfo=HOSPITAL_TZ
    )


def test_the_third_try_uses_the_time_of_day_not_tried_yet() -> None:
    history = [AttemptFact(_at(23, 15), O.BUSY), AttemptFact(_at(24, 9), O.SWITCHED_OFF)]
    decision = decide(POLICY, history, untried_numbers=1)
    assert decision.callback_after is not None
    assert slot_of(decision.callback_after) is TimeSlot.EVENING
    assert decision.due_date == date(2026, 11, 25)


def test_three_unanswered_calls_end_as_lost_three_times_unreached() -> None:
    history = [
        AttemptFact(_at(23, 10), O.NO_ANSWER),
        AttemptFact(_at(24, 15), O.NO_ANSWER),
        AttemptFact(_at(25, 19), O.BUSY),
    ]
    decision = decide(POLICY, history, untried_numbers=1)
    assert (decision.status, decision.lost_code) == (TaskStatus.LOST, LostReason.UNREACHABLE)
    assert decision.lost_reason == "三次未接通"
    assert decision.due_date is None


def test_reached_after_a_miss_is_done() -> None:
    history = [AttemptFact(_at(23, 10), O.NO_ANSWER), AttemptFact(_at(24, 15), O.REACHED)]
    assert decide(POLICY, history, 1).status is TaskStatus.DONE


def test_refusal_and_death_end_at_once() -> None:
    refused = decide(POLICY, [AttemptFact(_at(23, 10), O.REFUSED)], 1)
    assert (refused.status, refused.lost_reason) == (TaskStatus.LOST, "拒绝回访")
    died = decide(POLICY, [AttemptFact(_at(23, 10), O.DECEASED)], 1)
    assert (died.lost_code, died.patient_deceased) == (LostReason.DECEASED, True)


def test_a_dead_number_moves_to_the_next_number_the_same_day() -> None:
    decision = decide(POLICY, [AttemptFact(_at(23, 10), O.NUMBER_INVALID, "+86138")], 1)
    assert (decision.status, decision.due_date) == (TaskStatus.PENDING, date(2026, 11, 23))
    assert decision.callback_after is None


def test_a_dead_number_with_no_other_number_is_lost_as_empty_number() -> None:
    decision = decide(POLICY, [AttemptFact(_at(23, 10), O.NUMBER_INVALID, "+86138")], 0)
    assert (decision.status, decision.lost_reason) == (TaskStatus.LOST, "空号")


def test_a_stricter_policy_gives_up_sooner() -> None:
    decision = decide(RetryPolicy(max_attempts=2), [AttemptFact(_at(23, 10), O.NO_ANSWER)] * 2, 1)
    assert decision.lost_reason == "二次未接通"
