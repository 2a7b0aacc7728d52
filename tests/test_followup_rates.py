"""回访率 (attempted ÷ due) and 成功率 (reached ÷ attempted), on hand-made tasks."""

from __future__ import annotations

from datetime import date

import pytest

from agent_desk.domain.enums import TaskStatus
from agent_desk.plans.rates import RateInput, compute_rates


def _row(dept: str, day: date, status: TaskStatus, attempted: bool, reached: bool) -> RateInput:
    return RateInput(dept, day, status, attempted, reached)


NOV, DEC = date(2026, 11, 20), date(2026, 12, 3)
ROWS = [
    _row("心内科", NOV, TaskStatus.DONE, True, True),
    _row("心内科", NOV, TaskStatus.DONE, True, True),
    _row("心内科", NOV, TaskStatus.LOST, True, False),
    _row("心内科", NOV, TaskStatus.PENDING, False, False),
    _row("心内科", NOV, TaskStatus.CANCELLED, True, False),  # revoked discharge: not due
    _row("骨科", NOV, TaskStatus.PENDING, True, False),
    _row("骨科", DEC, TaskStatus.DONE, True, True),
]


def test_attempt_rate_and_success_rate_differ_and_are_per_department_and_month() -> None:
    by_key = {(r.month, r.department): r for r in compute_rates(ROWS)}
    card = by_key[("2026-11", "心内科")]
    assert (card.due, card.attempted, card.reached, card.lost) == (4, 3, 2, 1)
    assert card.attempt_rate == pytest.approx(0.75)
    assert card.success_rate == pytest.approx(2 / 3)
    ortho = by_key[("2026-11", "骨科")]
    assert (ortho.attempt_rate, ortho.success_rate) == (1.0, 0.0)
    assert by_key[("2026-12", "骨科")].due == 1


def test_each_month_ends_with_the_hospital_total() -> None:
    rows = compute_rates(ROWS)
    assert [(r.month, r.department) for r in rows] == [
        ("2026-11", "心内科"),
        ("2026-11", "骨科"),
        ("2026-11", None),
        ("2026-12", "骨科"),
        ("2026-12", None),
    ]
    total = rows[2]
    assert (total.due, total.attempted, total.reached) == (5, 4, 2)


def test_no_attempt_means_no_success_rate_rather_than_zero() -> None:
    [row] = compute_rates([_row("儿科", NOV, TaskStatus.PENDING, False, False)], with_totals=False)
    assert (row.attempt_rate, row.success_rate) == (0.0, None)
