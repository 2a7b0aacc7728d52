"""satisfaction scores beside each follow-up record; indexes for the month's statistics

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:00:00.000000

followup_records.satisfaction_<dimension>: the score (the answer's itemWeight, 5 very
satisfied … 1 very dissatisfied; NULL when not answered or "no opinion") the form gives
each satisfaction dimension, written at submit (FollowupService.submit), so that the
statistics read five numbers instead of parsing every record's answers JSON. Existing
records are filled here from their answers, with the questions the built-in templates had
when this migration was written (only general_discharge 1 rates satisfaction); a migration
is a snapshot and must not follow later template edits.

Indexes for the statistics (agent_desk/db/statistics.py):
- ix_followup_tasks_planned: the period filter, on the day a task is counted on
  (coalesce(planned_due_date, due_date), the same expression the queries use);
- ix_followup_records_task_latest: a task's latest record found in the index;
- ix_followup_attempts_task_outcome: "attempted" and "reached" answered in the index;
- ix_feedback_items_record_kind: praise and criticism per record answered in the index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("doctors", "nurses", "environment", "cost", "overall")
# general_discharge 1: the one built-in template with satisfaction questions at 0014.
_TEMPLATE = ("general_discharge", "1")
_LINK_IDS = {dimension: f"gd_sat_{dimension}" for dimension in DIMENSIONS}
_SCORES = {
    "very_satisfied": 5.0,
    "satisfied": 4.0,
    "neutral": 3.0,
    "dissatisfied": 2.0,
    "very_dissatisfied": 1.0,
}


def _backfill() -> None:
    records = sa.table(
        "followup_records",
        sa.column("template_code", sa.String()),
        sa.column("template_version", sa.String()),
        sa.column("answers", sa.JSON()),
        *(sa.column(f"satisfaction_{d}", sa.Double()) for d in DIMENSIONS),
    )
    values = {
        f"satisfaction_{d}": sa.case(
            _SCORES, value=records.c.answers[_LINK_IDS[d]].as_string(), else_=None
        )
        for d in DIMENSIONS
    }
    code, version = _TEMPLATE
    op.execute(
        records.update()
        .where(records.c.template_code == code, records.c.template_version == version)
        .values(values)
    )


def upgrade() -> None:
    with op.batch_alter_table("followup_records", schema=None) as batch_op:
        for dimension in DIMENSIONS:
            batch_op.add_column(sa.Column(f"satisfaction_{dimension}", sa.Double(), nullable=True))
        batch_op.create_index(
            "ix_followup_records_task_latest", ["task_id", "completed_at", "id"], unique=False
        )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Every database fills its own copy from the same answers: the central server's
        # fill is not a change to feed to the workstations (one million rows each).
        op.execute("ALTER TABLE followup_records DISABLE TRIGGER sync_log_update")
    _backfill()
    if postgresql:
        op.execute("ALTER TABLE followup_records ENABLE TRIGGER sync_log_update")
    op.create_index(
        "ix_followup_tasks_planned",
        "followup_tasks",
        [sa.text("coalesce(planned_due_date, due_date)")],
        unique=False,
    )
    op.create_index(
        "ix_followup_attempts_task_outcome",
        "followup_attempts",
        ["task_id", "outcome"],
        unique=False,
    )
    op.create_index(
        "ix_feedback_items_record_kind", "feedback_items", ["record_id", "kind"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_items_record_kind", table_name="feedback_items")
    op.drop_index("ix_followup_attempts_task_outcome", table_name="followup_attempts")
    op.drop_index("ix_followup_tasks_planned", table_name="followup_tasks")
    with op.batch_alter_table("followup_records", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_records_task_latest")
        for dimension in reversed(DIMENSIONS):
            batch_op.drop_column(f"satisfaction_{dimension}")
