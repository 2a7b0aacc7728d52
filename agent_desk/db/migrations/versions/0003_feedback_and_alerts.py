"""feedback and alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:34:35.933502
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_items",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "praise",
                "complaint",
                "suggestion",
                name="feedbackkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "routed", "closed", name="feedbackstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_feedback_items_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_feedback_items_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["followup_records.id"],
            name=op.f("fk_feedback_items_record_id_followup_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_items")),
    )
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_items_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_items_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_items_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "followup_alerts",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("warning", "critical", name="alertseverity", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "notify_role",
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
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_followup_alerts_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["followup_records.id"],
            name=op.f("fk_followup_alerts_record_id_followup_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_alerts")),
    )
    with op.batch_alter_table("followup_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_followup_alerts_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_followup_alerts_raised_at"), ["raised_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_followup_alerts_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("followup_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_alerts_record_id"))
        batch_op.drop_index(batch_op.f("ix_followup_alerts_raised_at"))
        batch_op.drop_index(batch_op.f("ix_followup_alerts_patient_id"))

    op.drop_table("followup_alerts")
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_items_record_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_patient_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_items_department_id"))

    op.drop_table("feedback_items")
