"""task leases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:41:56.080714
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_leases",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("fence", sa.BigInteger(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_task_leases_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["followup_tasks.id"], name=op.f("fk_task_leases_task_id_followup_tasks")
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_task_leases")),
    )
    with op.batch_alter_table("task_leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_leases_expires_at"), ["expires_at"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # Fencing tokens come from the central server alone; workstations never lease locally.
        op.execute("CREATE SEQUENCE task_lease_fence")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE task_lease_fence")
    with op.batch_alter_table("task_leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_leases_expires_at"))

    op.drop_table("task_leases")
