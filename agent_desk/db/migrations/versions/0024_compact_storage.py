"""compact storage: no index that a longer one already leads with

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-07 03:00:00.000000

Each of these indexes is the first column of another index on the same table, which
serves every lookup it served (SQLite and PostgreSQL use an index's leading columns
alone): together some 4 % of a workstation's database.

- ix_encounter_diagnoses_encounter_id: ix_encounter_diagnoses_principal (encounter_id, …);
- ix_followup_attempts_task_id: ix_followup_attempts_task_outcome (task_id, outcome);
- ix_followup_records_task_id: ix_followup_records_task_latest (task_id, …);
- ix_feedback_items_record_id: ix_feedback_items_record_kind (record_id, kind);
- ix_calls_started_at: ix_calls_workload (started_at, …).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column) of the indexes a longer one on the same table leads with.
_LED_BY_ANOTHER = (
    ("ix_encounter_diagnoses_encounter_id", "encounter_diagnoses", "encounter_id"),
    ("ix_followup_attempts_task_id", "followup_attempts", "task_id"),
    ("ix_followup_records_task_id", "followup_records", "task_id"),
    ("ix_feedback_items_record_id", "feedback_items", "record_id"),
    ("ix_calls_started_at", "calls", "started_at"),
)


def upgrade() -> None:
    for name, table, _column in _LED_BY_ANOTHER:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, column in reversed(_LED_BY_ANOTHER):
        op.create_index(name, table, [column], unique=False)
