"""intake and plans: HIS visit keys, applied HL7 messages, import runs, plan steps on tasks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:21:09.633364
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hl7_messages",
        sa.Column("sender", sa.String(length=128), nullable=False),
        sa.Column("control_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=8), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hl7_messages")),
    )
    with op.batch_alter_table("hl7_messages", schema=None) as batch_op:
        batch_op.create_index(
            "uq_hl7_messages_sender_control", ["sender", "control_id"], unique=True
        )

    op.create_table(
        "import_runs",
        sa.Column(
            "kind",
            sa.Enum(
                "csv", "xlsx", "hl7_file", "mllp", name="importkind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("source_name", sa.String(length=512), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("read", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_runs_started_at"), ["started_at"], unique=False)

    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("visit_no", sa.String(length=64), nullable=True))
        batch_op.create_index("uq_encounters_source_visit", ["source", "visit_no"], unique=True)

    with op.batch_alter_table("followup_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=20), nullable=True))

    with op.batch_alter_table("followup_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("plan_step", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("planned_due_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "assignee_role",
                sa.Enum(
                    "agent",
                    "nurse",
                    "doctor",
                    "supervisor",
                    "admin",
                    name="role",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("callback_after", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "lost_code",
                sa.Enum(
                    "unreachable",
                    "number_invalid",
                    "wrong_number",
                    "refused",
                    "deceased",
                    name="lostreason",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "cancel_reason",
                sa.Enum(
                    "discharge_cancelled",
                    "plan_changed",
                    "patient_deceased",
                    name="cancelreason",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.create_index(
            "uq_followup_tasks_plan_step", ["encounter_id", "plan_code", "plan_step"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("followup_tasks", schema=None) as batch_op:
        batch_op.drop_index("uq_followup_tasks_plan_step")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("lost_code")
        batch_op.drop_column("callback_after")
        batch_op.drop_column("assignee_role")
        batch_op.drop_column("planned_due_date")
        batch_op.drop_column("plan_step")
        batch_op.drop_column("plan_version")

    with op.batch_alter_table("followup_attempts", schema=None) as batch_op:
        batch_op.drop_column("number")

    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index("uq_encounters_source_visit")
        batch_op.drop_column("visit_no")
        batch_op.drop_column("source")

    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_runs_started_at"))

    op.drop_table("import_runs")
    with op.batch_alter_table("hl7_messages", schema=None) as batch_op:
        batch_op.drop_index("uq_hl7_messages_sender_control")

    op.drop_table("hl7_messages")
