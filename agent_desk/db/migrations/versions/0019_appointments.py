"""revisit appointments: clinic schedules, closed days, time slots, bookings, SIU messages

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-06 23:55:00.000000

appointment_schedules, appointment_closures, appointment_slots and appointments are
synced tables: on PostgreSQL they get the change-feed triggers every synced table has
(the function body is 0005's, frozen here). appointment_slots carries a CHECK that its
booked places stay within 0 … capacity, so that no statement can ever overbook a slot.
appointment_his_messages is local: what this workstation sent the HIS, and the ACKs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SYNCED = ("appointment_schedules", "appointment_closures", "appointment_slots", "appointments")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=32)


def _versioned() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _department(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["department_id"], ["departments.id"], name=op.f(f"fk_{table}_department_id_departments")
    )


def upgrade() -> None:
    op.create_table(
        "appointment_schedules",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("doctor", sa.String(length=64), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_versioned(),
        _department("appointment_schedules"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_schedules")),
    )
    op.create_index(
        "ix_appointment_schedules_department",
        "appointment_schedules",
        ["department_id", "doctor"],
    )
    op.create_table(
        "appointment_closures",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("doctor", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=128), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_versioned(),
        _department("appointment_closures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_closures")),
    )
    op.create_index(
        "ix_appointment_closures_department_day", "appointment_closures", ["department_id", "day"]
    )
    op.create_table(
        "appointment_slots",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("doctor", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_versioned(),
        sa.CheckConstraint(
            "booked >= 0 AND booked <= capacity", name=op.f("ck_appointment_slots_places")
        ),
        _department("appointment_slots"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_slots")),
    )
    op.create_index(
        "ix_appointment_slots_department_start",
        "appointment_slots",
        ["department_id", "starts_at", "doctor"],
    )
    op.create_table(
        "appointments",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("doctor", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column(
            "status",
            _enum(
                "appointmentstatus", "booked", "confirmed", "rescheduled", "cancelled", "no_show"
            ),
            nullable=False,
        ),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("booked_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_versioned(),
        _department("appointments"),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_appointments_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["appointment_slots.id"],
            name=op.f("fk_appointments_slot_id_appointment_slots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index("ix_appointments_patient_start", "appointments", ["patient_id", "starts_at"])
    op.create_index("ix_appointments_start_status", "appointments", ["starts_at", "status"])
    op.create_index("ix_appointments_slot", "appointments", ["slot_id"])
    op.create_table(
        "appointment_his_messages",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("event", sa.String(length=8), nullable=False),
        sa.Column("control_id", sa.String(length=64), nullable=False),
        sa.Column("peer", sa.String(length=128), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("ack_code", sa.String(length=4), nullable=True),
        sa.Column("ack", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_his_messages_appointment_id_appointments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_his_messages")),
    )
    op.create_index(
        op.f("ix_appointment_his_messages_appointment_id"),
        "appointment_his_messages",
        ["appointment_id"],
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in _SYNCED:
            _create_feed(table)


def _create_feed(table: str) -> None:
    op.execute(f"""
CREATE FUNCTION sync_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', o.id, 'delete', o.version,
               NULL, now() AT TIME ZONE 'UTC'
        FROM old_rows o;
    ELSE
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', n.id, lower(TG_OP),
               n.version, to_json(n), now() AT TIME ZONE 'UTC'
        FROM new_rows n;
    END IF;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        PERFORM pg_notify('agent_desk_sync', '');
    END IF;
    RETURN NULL;
END $$""")
    for event, transition in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER sync_log_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION sync_log_{table}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _SYNCED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER sync_log_{event} ON {table}")
            op.execute(f"DROP FUNCTION sync_log_{table}()")
    op.drop_table("appointment_his_messages")
    op.drop_table("appointments")
    op.drop_table("appointment_slots")
    op.drop_table("appointment_closures")
    op.drop_table("appointment_schedules")
