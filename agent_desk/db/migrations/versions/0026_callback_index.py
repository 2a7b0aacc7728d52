"""an index for the callbacks due: the open tasks booked for a time

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-07 00:00:00.000000

ix_followup_tasks_callback_due (callback_after) WHERE callback_after IS NOT NULL: the
callbacks due (db/callbacks.callbacks_due, counted every minute for the to-do list) read
every open task at a million patients, 5 s a time; only tasks someone asked to be called
back at a time carry callback_after, so the index holds a few rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ONLY_CALLBACKS = sa.text("callback_after IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_followup_tasks_callback_due",
        "followup_tasks",
        ["callback_after"],
        sqlite_where=_ONLY_CALLBACKS,
        postgresql_where=_ONLY_CALLBACKS,
    )


def downgrade() -> None:
    op.drop_index("ix_followup_tasks_callback_due", table_name="followup_tasks")
