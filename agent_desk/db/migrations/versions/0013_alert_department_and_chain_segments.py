"""complaints on the alerts screen with their department; audit chain segments after a restore

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:00:00.000000

followup_alerts.department_id: the department an alert concerns (a complaint is about a
department; a PHQ-9 alert belongs to the task's), shown on the supervisors' screen.

audit_chain_heads.superseded_by: a restore rolls the local chain back to the backup's
point while the central server already holds its later events; the workstation then
writes a new chain segment that names the old one (agent_desk.db.audit_restore), and the
old head names its successor, so that appends go on in the new segment.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("followup_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_followup_alerts_department_id"), ["department_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_followup_alerts_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )
    with op.batch_alter_table("audit_chain_heads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_chain_heads", schema=None) as batch_op:
        batch_op.drop_column("superseded_by")
    with op.batch_alter_table("followup_alerts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_followup_alerts_department_id_departments"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_followup_alerts_department_id"))
        batch_op.drop_column("department_id")
