"""alert handling: who escalated and who acknowledged an alert, when, and their notes

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-06 20:00:00.000000

An alert escalated from an open form (上报主管) exists before its record does, so the
record becomes optional; the submit then attaches the record to it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("followup_alerts", schema=None) as batch_op:
        batch_op.alter_column("record_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column("escalated_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("handling_notes", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup_alerts", schema=None) as batch_op:
        batch_op.drop_column("handling_notes")
        batch_op.drop_column("acknowledged_by")
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("escalated_by")
        batch_op.alter_column("record_id", existing_type=sa.Uuid(), nullable=False)
