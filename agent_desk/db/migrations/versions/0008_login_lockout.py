"""login lockout: consecutive failed logins per account name, and the lock they set

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06 19:30:00.000000

Five failed logins in a row lock the name for 15 minutes on this workstation. The table
is local to each workstation and never synced (see the model's docstring); the central
server gets it too, unused, because one chain of migrations builds both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_failures")),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
