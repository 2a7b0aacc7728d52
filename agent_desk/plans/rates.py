"""Follow-up rates per department and month, kept apart as the seed reports keep them.

回访率 (attempt rate) = tasks attempted ÷ tasks due;
成功率 (success rate) = tasks reached ÷ tasks attempted.
A task counts once however many attempts it took. Cancelled tasks (a discharge
that was revoked) are not due at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from agent_desk.domain.enums import TaskStatus
from agent_desk.plans.calendar import month_of


@dataclass(frozen=True, slots=True)
class RateInput:
    """One task as the rates see it."""

    department: str
    planned_due: date
    status: TaskStatus
    attempted: bool  # at least one attempt, whatever its outcome
    reached: bool  # an attempt made contact (reached, or told of a readmission)


@dataclass(frozen=True, slots=True)
class RateRow:
    month: str  # "2026-11"
    department: str | None  # None: the whole hospital
    due: int
    attempted: int
    reached: int
    lost: int

    @property
    def attempt_rate(self) -> float | None:
        return self.attempted / self.due if self.due else None

    @property
    def success_rate(self) -> float | None:
        return self.reached / self.attempted if self.attempted else None


def compute_rates(rows: Iterable[RateInput], with_totals: bool = True) -> list[RateRow]:
    """Rows by month, then department; each month's hospital total follows its departments."""
    counts: dict[tuple[str, str | None], list[int]] = {}
    for row in rows:
        if row.status is TaskStatus.CANCELLED:
            continue
        month = month_of(row.planned_due)
        keys: list[tuple[str, str | None]] = [(month, row.department)]
        if with_totals:
            keys.append((month, None))
        for key in keys:
            tally = counts.setdefault(key, [0, 0, 0, 0])
            tally[0] += 1
            tally[1] += row.attempted
            tally[2] += row.reached
            tally[3] += row.status is TaskStatus.LOST
    ordered = sorted(counts, key=lambda key: (key[0], key[1] is None, key[1] or ""))
    return [RateRow(month, dept, *counts[(month, dept)]) for month, dept in ordered]
