"""What the statistics need of each task's attempts, records and feedback, one row per task.

Counting a month of a million-patient hospital (a third of a million tasks) cannot afford
to look up every task's attempts, latest record and feedback one by one: each task's row
here says it at once. Triggers (migration 0014, the same statements on SQLite and
PostgreSQL) keep it in step with the facts on every insert, whoever writes them: a submit,
a pulled change, a bulk load; an update or delete of a fact recomputes its task. The table
is not synced: every database derives its own from the facts it holds.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, false
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base
from agent_desk.domain.enums import SatisfactionDimension


class TaskFacts(Base):
    __tablename__ = "followup_task_facts"
    __table_args__ = (
        # A month's facts side by side, found by day and task in the order the statistics
        # read the month's tasks (no random look-ups); every column the figures need.
        Index(
            "ix_followup_task_facts_day",
            "day",
            "task_id",
            "attempted",
            "reached",
            "praised",
            "criticised",
            *(f"satisfaction_{d.value}" for d in SatisfactionDimension),
        ),
        {"sqlite_with_rowid": False},  # one look-up per task by its id
    )

    task_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # the task's, as statistics_sql.planned_due()
    attempted: Mapped[bool] = mapped_column(Boolean, server_default=false())  # any attempt
    reached: Mapped[bool] = mapped_column(Boolean, server_default=false())  # contact made
    praised: Mapped[bool] = mapped_column(Boolean, server_default=false())  # on any record
    criticised: Mapped[bool] = mapped_column(Boolean, server_default=false())  # a complaint
    # The latest record (completed_at, then id, the greater) and its satisfaction scores.
    latest_record_at: Mapped[datetime | None]
    latest_record_id: Mapped[uuid.UUID | None]
    satisfaction_doctors: Mapped[float | None]
    satisfaction_nurses: Mapped[float | None]
    satisfaction_environment: Mapped[float | None]
    satisfaction_cost: Mapped[float | None]
    satisfaction_overall: Mapped[float | None]
