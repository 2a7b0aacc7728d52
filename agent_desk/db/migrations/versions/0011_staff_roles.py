"""staff roles: more roles and departments per account, beyond the primary ones

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00.000000

An administrator who is also a supervisor, a supervisor of several departments: the
account's row keeps its primary role and department and lists the others, so that the
account, its roles and its departments travel to the central server as one row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extra_roles", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("extra_departments", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("extra_departments")
        batch_op.drop_column("extra_roles")
