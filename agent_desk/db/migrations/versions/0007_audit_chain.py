"""audit chain: every audit event carries the hash of the one before it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 19:30:00.000000

Each workstation keeps its own chain (agent_desk.db.audit_chain): the event's place in
it, the previous event's hash and its own. Events written before this revision keep
NULL and stay outside every chain; the first event a workstation writes afterwards is a
genesis event (chain_started) that counts them. They are not chained here because the
central server cannot tell which workstation wrote a pre-chain row, and rows already
queued for upload carry no chain columns: a chain made at migration time would differ
between the workstation and the server. audit_chain_heads holds each local chain's last
event, so that an append reads one row and a truncated tail is noticed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workstation", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "uq_audit_events_workstation_chain_seq", ["workstation", "chain_seq"], unique=True
        )
    op.create_table(
        "audit_chain_heads",
        sa.Column("workstation", sa.Uuid(), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("workstation", name=op.f("pk_audit_chain_heads")),
    )


def downgrade() -> None:
    op.drop_table("audit_chain_heads")
    # Not in batch mode: on SQLite that rebuilds the table and loses its append-only
    # triggers; SQLite (3.35 and later) drops a column in place.
    op.drop_index("uq_audit_events_workstation_chain_seq", table_name="audit_events")
    for column in ("hash", "prev_hash", "chain_seq", "workstation"):
        op.drop_column("audit_events", column)
