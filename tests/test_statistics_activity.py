"""Workload, recovery scores and the effect comparison on the hand-built month of
tests/statistics_data.py, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import pytest

from agent_desk.domain.statistics import Grouping, MonthlyMean, Period, Ratio
from agent_desk.errors import UserError
from tests.statistics_data import AS_OF
from tests.test_statistics import BOSS, NOVEMBER, month  # noqa: F401 (the shared fixture)

NOV_DEC = Period.between(NOVEMBER.start, Period.month(2026, 12).end)


def workload(month):  # noqa: F811
    return {row.group.label: row for row in month[0].workload(BOSS, NOVEMBER, as_of=AS_OF)}


def test_workload_counts_calls_answered_or_not(month) -> None:  # noqa: F811
    # A: c1 (answered) and c2 (rang out); B: c3.
    rows = workload(month)
    assert (rows["护士甲"].calls, rows["护士甲"].answered, rows["护士乙"].calls) == (2, 1, 1)


def test_talk_minutes_run_from_answer_to_hang_up(month) -> None:  # noqa: F811
    # A: 10:00:00 → 10:05:00 = 5 min; B: 10:00:10 → 10:10:10 = 10 min.
    rows = workload(month)
    assert (round(rows["护士甲"].talk_minutes, 3), round(rows["护士乙"].talk_minutes, 3)) == (5, 10)


def test_records_are_forms_submitted_in_the_period(month) -> None:  # noqa: F811
    # A: r1, r2 in November (r10, r3 are December's); B: r5.
    rows = workload(month)
    assert (rows["护士甲"].records, rows["护士乙"].records) == (2, 1)


def test_average_handling_time_adds_after_call_work(month) -> None:  # noqa: F811
    # A: (300 s talk + 120 s from hang-up to r1's submit) / 1 answered call = 420 s;
    # B: 600 s talk, its record not made on the call: 600 s.
    rows = workload(month)
    assert round(rows["护士甲"].average_handling_seconds or 0) == 420
    assert round(rows["护士乙"].average_handling_seconds or 0) == 600


def test_recovery_by_disease_mean_and_trend(month) -> None:  # noqa: F811
    # I21 (t1's and t10's stay E1): 80 in November, 90 in December → mean 85.
    rows = {r.group.label: r for r in month[0].recovery(BOSS, NOV_DEC, as_of=AS_OF)}
    i21 = rows["I21"]
    assert (i21.records, i21.mean) == (2, 85.0)
    assert i21.trend == (MonthlyMean("2026-11", 1, 80.0), MonthlyMean("2026-12", 1, 90.0))


def test_recovery_by_chapter(month) -> None:  # noqa: F811
    # Chapter IX in November: r1 80 (I21), r2 60 (I10) → 70; r3 has no task: unassigned.
    rows = month[0].recovery(BOSS, NOVEMBER, Grouping.CHAPTER, as_of=AS_OF)
    ix = next(r for r in rows if r.group.key == "IX")
    assert (ix.records, ix.mean) == (2, 70.0)


def effect(month):  # noqa: F811
    return month[0].effect(BOSS, NOVEMBER, "I", as_of=AS_OF)


def test_effect_arms_split_reached_from_not_reached(month) -> None:  # noqa: F811
    # Chapter I… tasks: t1, t2 reached; t3 lost.
    result = effect(month)
    assert (result.followed_up.tasks, result.not_reached.tasks) == (2, 1)


def test_effect_readmission_within_30_days(month) -> None:  # noqa: F811
    # P1 back 19 days after discharge (followed up), P3 13 days after (not reached).
    result = effect(month)
    assert (result.followed_up.readmitted, result.not_reached.readmitted) == (
        Ratio(1, 2),
        Ratio(1, 1),
    )


def test_effect_revisit_within_30_days(month) -> None:  # noqa: F811
    # P2's outpatient visit 17 days after discharge.
    result = effect(month)
    assert (result.followed_up.revisited, result.not_reached.revisited) == (
        Ratio(1, 2),
        Ratio(0, 1),
    )


def test_effect_later_recovery_scores_leave_out_the_task_itself(month) -> None:  # noqa: F811
    # Followed up: P1's later r10 (90), not t1's own r1; not reached: P3's inbound r3 (50).
    result = effect(month)
    assert (result.followed_up.later_scores, result.followed_up.later_mean) == (1, 90.0)
    assert (result.not_reached.later_scores, result.not_reached.later_mean) == (1, 50.0)


def test_effect_says_it_is_observational(month) -> None:  # noqa: F811
    assert "观察性比较" in effect(month).note


def test_effect_needs_a_disease(month) -> None:  # noqa: F811
    with pytest.raises(UserError):
        month[0].effect(BOSS, NOVEMBER, " ")


def test_effects_of_several_diseases_in_one_read(month) -> None:  # noqa: F811
    # I10: t2 reached (P2 revisits), t3 not reached (P3 readmitted); I21: t1 reached (P1
    # readmitted), none unreached.
    i10, i21 = month[0].effects(BOSS, NOVEMBER, ["I10", "i21"], as_of=AS_OF)
    arms = (i10.followed_up, i10.not_reached, i21.followed_up, i21.not_reached)
    assert [arm.tasks for arm in arms] == [1, 1, 1, 0]
    assert (i10.followed_up.revisited, i10.not_reached.readmitted) == (Ratio(1, 1), Ratio(1, 1))
    assert (i21.icd_prefix, i21.followed_up.readmitted) == ("I21", Ratio(1, 1))
