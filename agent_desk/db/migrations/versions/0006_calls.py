"""calls: whether each call was recorded, and if not, why

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:10:00.000000

A call of a patient who does not consent to recording (不同意录音) is never recorded;
the call log says so, so that an audit can tell a refusal from a fault. Rows written
before this revision keep NULL (unknown).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "recording_status",
                sa.Enum(
                    "recorded",
                    "patient_refused",
                    "consent_unconfirmed",
                    "switched_off",
                    "line_cannot_record",
                    "not_connected",
                    "failed",
                    "ended_during_announcement",
                    name="recordingstatus",
                    native_enum=False,
                    create_constraint=False,
                    length=32,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("recording_status")
