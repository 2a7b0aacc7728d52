"""covering indexes for the statistics' slower parts

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00.000000

- ix_encounter_diagnoses_principal (encounter_id, seq, icd10): a stay's principal
  diagnosis from the index, for the figures by disease and the effect comparison, which
  look it up for every task of a period;
- ix_followup_records_completed (completed_at, staff_id, task_id, recovery_score): a
  period's records for workload and recovery scores without reading their answers JSON;
- ix_followup_records_attempt (attempt_id, staff_id, completed_at): the record made on a
  call's attempt, for the after-call work of the workload;
- ix_calls_workload (started_at, staff_id, answered_at, ended_at, id): a period's calls
  per staff member, their talk time, and the way to their attempts, from the index;
- ix_followup_attempts_call (call_id, id) in place of ix_followup_attempts_call_id: a
  call's attempts with their ids, from the index (the after-call work of the workload).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_encounter_diagnoses_principal", "encounter_diagnoses", ["encounter_id", "seq", "icd10"]),
    (
        "ix_followup_records_completed",
        "followup_records",
        ["completed_at", "staff_id", "task_id", "recovery_score"],
    ),
    ("ix_followup_records_attempt", "followup_records", ["attempt_id", "staff_id", "completed_at"]),
    ("ix_calls_workload", "calls", ["started_at", "staff_id", "answered_at", "ended_at", "id"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index("ix_followup_attempts_call_id", table_name="followup_attempts")
    op.create_index("ix_followup_attempts_call", "followup_attempts", ["call_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_followup_attempts_call", table_name="followup_attempts")
    op.create_index("ix_followup_attempts_call_id", "followup_attempts", ["call_id"])
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
