"""sms replies and the do-not-contact list sync to every workstation

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 03:10:00.000000

Until now both were kept only where the SMS gateway runs, so a patient's reply reached
neither the card nor the to-do list of any other workstation, and a number listed on one
was not known to the others (agent_desk/db/sync_tables.py says how they sync now).

- sms_replies becomes versioned (version, created_at, updated_at; existing replies are at
  version 1, made when received, changed when handled), and message_id loses its foreign
  key: the message it answers is in an outbox that does not sync.
- sms_do_not_contact gets an id made from its number (the namespace of
  agent_desk.db.natural_keys, frozen here), the number staying unique. The table is small
  (one row per unsubscribe), so it is rebuilt rather than altered in place.
- On PostgreSQL both get the feed triggers every synced table has; the central list is
  put back after its triggers exist, so the feed brings it to every workstation.
- On a workstation that has synced before, the rows it holds (the gateway's replies and
  list) are queued for upload, as if made now: otherwise they would never reach the
  server, and a later resync would delete them as rows the server does not have.
"""

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# agent_desk.db.natural_keys' namespace, frozen here.
_NAMESPACE = uuid.UUID("5f0c2a4e-8d1b-4c7e-9a36-2b7d1e0f4c91")
_MESSAGE_FK = "fk_sms_replies_message_id_sms_messages"
# The tables this migration makes synced, and whether each is versioned.
_FEED_TABLES = {"sms_replies": True, "sms_do_not_contact": False}
_DNC_COLUMNS = ("id", "number", "patient_id", "reason", "added_at", "added_by")
_REPLY_COLUMNS = (
    "received_at",
    "number",
    "patient_id",
    "text",
    "kind",
    "message_id",
    "record_id",
    "appointment_id",
    "score",
    "handled_at",
    "handled_by",
    "id",
    "version",
    "created_at",
    "updated_at",
)
_UUIDS = {"id", "patient_id", "message_id", "record_id", "appointment_id"}
_TIMES = {"received_at", "handled_at", "created_at", "updated_at", "added_at"}


def _dnc_id(number: str) -> uuid.UUID:
    name = json.dumps(["sms_do_not_contact", number], ensure_ascii=False)
    return uuid.uuid5(_NAMESPACE, name)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _create_do_not_contact(with_id: bool) -> None:
    key = [sa.Column("id", sa.Uuid(), nullable=False)] if with_id else []
    op.create_table(
        "sms_do_not_contact",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        *key,
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_sms_do_not_contact_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id" if with_id else "number", name=op.f("pk_sms_do_not_contact")),
        *(
            [sa.UniqueConstraint("number", name=op.f("uq_sms_do_not_contact_number"))]
            if with_id
            else []
        ),
    )


def _rebuild_do_not_contact(with_id: bool, before_rows: Callable[[], None] | None = None) -> None:
    """Read the list, make the table anew (with or without its id), put the list back;
    *before_rows* runs between the two (the feed triggers, on PostgreSQL)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT number, patient_id, reason, added_at, added_by FROM sms_do_not_contact")
    ).all()
    op.drop_table("sms_do_not_contact")
    _create_do_not_contact(with_id)
    if before_rows is not None:
        before_rows()
    if not rows:
        return
    names = ("id", *rows[0]._fields) if with_id else rows[0]._fields
    values = []
    for row in rows:
        found = dict(row._mapping)
        if with_id:
            made = _dnc_id(found["number"])
            # SQLite keeps a uuid as 32 hex digits (as SQLAlchemy writes it); raw SQL here.
            found["id"] = str(made) if _postgresql() else made.hex
        values.append(found)
    columns = ", ".join(names)
    marks = ", ".join(f":{name}" for name in names)
    bind.execute(sa.text(f"INSERT INTO sms_do_not_contact ({columns}) VALUES ({marks})"), values)


def _feed_sql(table: str, versioned: bool) -> str:
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
        PERFORM pg_notify('agent_desk_sync', '');
    END IF;
    RETURN NULL;
END $$"""


def _create_feed(table: str, versioned: bool) -> None:
    op.execute(_feed_sql(table, versioned))
    for event, transition in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER sync_log_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION sync_log_{table}()"
        )


def _drop_feed(table: str) -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER sync_log_{event} ON {table}")
    op.execute(f"DROP FUNCTION sync_log_{table}()")


def _replies_versioned() -> None:
    with op.batch_alter_table("sms_replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE sms_replies SET version = 1, created_at = received_at, "
        "updated_at = coalesce(handled_at, received_at)"
    )
    with op.batch_alter_table("sms_replies", schema=None) as batch_op:
        batch_op.alter_column("version", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("created_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_constraint(_MESSAGE_FK, type_="foreignkey")


def _wire(name: str, value: Any) -> Any:
    """A stored SQLite value in the sync's wire form (agent_desk.db.sync_codec, frozen)."""
    if value is None:
        return None
    if name in _UUIDS:
        return str(uuid.UUID(hex=str(value)))
    if name in _TIMES:
        return datetime.fromisoformat(str(value)).isoformat(timespec="microseconds")
    return value


def _queue_for_upload() -> None:
    """The rows a syncing workstation already holds, queued as inserts (see above)."""
    bind = op.get_bind()
    syncing = bind.execute(sa.text("SELECT 1 FROM sync_state WHERE server_id IS NOT NULL")).first()
    if syncing is None:
        return  # never synced: `central init --seed-from-local` or the first sync decide
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    entries = []
    for table, names in (
        ("sms_do_not_contact", _DNC_COLUMNS),
        ("sms_replies", _REPLY_COLUMNS),
    ):
        rows = bind.execute(sa.text(f"SELECT {', '.join(names)} FROM {table}")).all()
        for row in rows:
            payload = {name: _wire(name, value) for name, value in zip(names, row, strict=True)}
            entries.append(
                {
                    "mutation_id": uuid.uuid4().hex,
                    "table_name": table,
                    "row_id": uuid.UUID(payload["id"]).hex,
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "created_at": now,
                }
            )
    if entries:
        bind.execute(
            sa.text(
                "INSERT INTO sync_outbox "
                "(mutation_id, table_name, row_id, op, base_version, payload, created_at, status) "
                "VALUES (:mutation_id, :table_name, :row_id, 'insert', NULL, :payload, "
                ":created_at, 'pending')"
            ),
            entries,
        )


def upgrade() -> None:
    _replies_versioned()
    postgresql = _postgresql()
    # The central list is written back after its triggers exist: the feed carries it down.
    _rebuild_do_not_contact(
        with_id=True,
        before_rows=(
            (lambda: _create_feed("sms_do_not_contact", _FEED_TABLES["sms_do_not_contact"]))
            if postgresql
            else None
        ),
    )
    if postgresql:
        _create_feed("sms_replies", _FEED_TABLES["sms_replies"])
    else:
        _queue_for_upload()


def downgrade() -> None:
    postgresql = _postgresql()
    if postgresql:
        for table in _FEED_TABLES:
            _drop_feed(table)
    _rebuild_do_not_contact(with_id=False)
    # A reply pulled from another workstation names a message this outbox does not hold.
    op.execute(
        "UPDATE sms_replies SET message_id = NULL WHERE message_id IS NOT NULL AND "
        "message_id NOT IN (SELECT id FROM sms_messages)"
    )
    with op.batch_alter_table("sms_replies", schema=None) as batch_op:
        batch_op.create_foreign_key(_MESSAGE_FK, "sms_messages", ["message_id"], ["id"])
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_at")
        batch_op.drop_column("version")
