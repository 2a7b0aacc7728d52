"""sync: the workstation's outbox, the central change feed and its triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:05:00.000000

Every table is created on both kinds of database so that one chain of migrations builds
both. On PostgreSQL (the central server) each synced table also gets statement-level
triggers that copy the rows a statement changed into sync_change_log, and a NOTIFY on
channel agent_desk_sync that wakes the workstations. A later migration that adds a synced
table must add its triggers too (tests/test_sync_schema.py checks every one).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here rather than imported, so that this migration means the same thing forever.
_VERSIONED = (
    "departments",
    "wards",
    "staff_users",
    "patients",
    "patient_contacts",
    "encounters",
    "followup_tasks",
    "feedback_items",
)
_FACTS = (
    "encounter_diagnoses",
    "calls",
    "followup_attempts",
    "followup_records",
    "audit_events",
    "followup_alerts",
)

_OP = sa.Enum("insert", "update", "delete", name="syncop", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "sync_applied_mutations",
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "applied",
                "conflict",
                "rejected",
                "blocked",
                name="mutationoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("mutation_id", name=op.f("pk_sync_applied_mutations")),
    )
    op.create_table(
        "sync_change_log",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("op", _OP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_change_log")),
    )
    with op.batch_alter_table("sync_change_log", schema=None) as batch_op:
        batch_op.create_index("ix_sync_change_log_feed", ["txid", "seq"], unique=False)

    op.create_table(
        "sync_clients",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_sync_clients")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column(
            "kind",
            sa.Enum(
                "conflict",
                "rejected",
                "pull_failed",
                name="syncissuekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("mutation_id", sa.Uuid(), nullable=True),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("op", _OP, nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("local_payload", sa.JSON(), nullable=True),
        sa.Column("server_payload", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("local_only", sa.Boolean(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column(
            "resolution",
            sa.Enum(
                "keep_server",
                "reapply_local",
                name="conflictresolution",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflicts_row_id"), ["row_id"], unique=False)

    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("op", _OP, nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "rejected",
                "blocked",
                name="outboxstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("mutation_id", name=op.f("uq_sync_outbox_mutation_id")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_outbox_row_id"), ["row_id"], unique=False)
        batch_op.create_index("ix_sync_outbox_status_seq", ["status", "seq"], unique=False)

    op.create_table(
        "sync_server",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("horizon_txid", sa.BigInteger(), nullable=False),
        sa.Column("horizon_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_server")),
    )
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("server_id", sa.Uuid(), nullable=True),
        sa.Column("cursor_txid", sa.BigInteger(), nullable=True),
        sa.Column("cursor_seq", sa.BigInteger(), nullable=True),
        sa.Column("last_push_at", sa.DateTime(), nullable=True),
        sa.Column("last_pull_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_feed()


def _log_function(table: str, versioned: bool) -> str:
    # Statement-level triggers with transition tables: one INSERT … SELECT per statement,
    # so that a bulk upload of ten thousand records pays for one trigger call, not ten
    # thousand. The writer's transaction id orders the feed by commit visibility (see
    # agent_desk.db.sync_central.read_feed); the sequence orders rows inside a transaction.
    old_version = "o.version" if versioned else "NULL"
    new_version = "n.version" if versioned else "NULL"
    return f"""
CREATE FUNCTION sync_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', o.id, 'delete', {old_version},
               NULL, now() AT TIME ZONE 'UTC'
        FROM old_rows o;
    ELSE
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', n.id, lower(TG_OP),
               {new_version}, to_json(n), now() AT TIME ZONE 'UTC'
        FROM new_rows n;
    END IF;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        -- Delivered at commit, folded to one per transaction: the workstations pull at once.
        PERFORM pg_notify('agent_desk_sync', '');
    END IF;
    RETURN NULL;
END $$"""


def _create_feed() -> None:
    for table in (*_VERSIONED, *_FACTS):
        op.execute(_log_function(table, table in _VERSIONED))
        for event, transition in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER sync_log_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION sync_log_{table}()"
            )
    # The server's clock stamps each judged upload, also when uploads come in by COPY.
    op.execute(
        "ALTER TABLE sync_applied_mutations ALTER applied_at SET DEFAULT (now() AT TIME ZONE 'UTC')"
    )
    # The central database's identity: a workstation that is pointed at another central
    # database notices, and starts afresh instead of trusting its old cursor.
    op.execute(
        "INSERT INTO sync_server (id, server_id, created_at, horizon_txid, horizon_seq) "
        "VALUES (1, gen_random_uuid(), now() AT TIME ZONE 'UTC', 0, 0)"
    )


def _drop_feed() -> None:
    for table in (*_VERSIONED, *_FACTS):
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER sync_log_{event} ON {table}")
        op.execute(f"DROP FUNCTION sync_log_{table}()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_feed()
    op.drop_table("sync_state")
    op.drop_table("sync_server")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_status_seq")
        batch_op.drop_index(batch_op.f("ix_sync_outbox_row_id"))

    op.drop_table("sync_outbox")
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_row_id"))

    op.drop_table("sync_conflicts")
    op.drop_table("sync_clients")
    with op.batch_alter_table("sync_change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_change_log_feed")

    op.drop_table("sync_change_log")
    op.drop_table("sync_applied_mutations")
