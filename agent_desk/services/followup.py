"""Attempts and outcomes, and the follow-up rates supervisors read per department and month."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from agent_desk.db import followup as followup_db
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.followup import AttemptResult, TaskNotOpen
from agent_desk.domain.enums import AttemptOutcome, Channel
from agent_desk.plans.calendar import local_date
from agent_desk.plans.rates import RateRow, compute_rates
from agent_desk.plans.retry import RetryPolicy


class FollowupService:
    def __init__(
        self,
        db: Database,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self.policy = policy or RetryPolicy()
        self._clock = clock

    def record_attempt(
        self,
        task_id: uuid.UUID,
        channel: Channel,
        outcome: AttemptOutcome,
        *,
        staff_id: uuid.UUID | None = None,
        at: datetime | None = None,
        note: str | None = None,
        number: str | None = None,
        call_id: uuid.UUID | None = None,
    ) -> AttemptResult:
        """Store the attempt and the task's new state together (raises TaskNotOpen)."""
        with self._db.write() as session:
            return followup_db.record_attempt(
                session,
                task_id,
                channel=channel,
                outcome=outcome,
                at=at or self._clock(),
                policy=self.policy,
                staff_id=staff_id,
                note=note,
                number=number,
                call_id=call_id,
            )

    def rates(
        self,
        start: date,
        end: date,
        *,
        as_of: date | None = None,
        department_id: uuid.UUID | None = None,
    ) -> list[RateRow]:
        """回访率 and 成功率 per month and department, for tasks planned from *start* to
        *end* and due by *as_of* (today), each month followed by the hospital's total."""
        today = as_of or local_date(self._clock())
        with self._db.read() as session:
            rows = followup_db.rate_inputs(session, start, end, today, department_id)
        return compute_rates(rows)


__all__ = ["AttemptResult", "FollowupService", "TaskNotOpen"]
