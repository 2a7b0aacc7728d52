"""sms: the outbox of text messages, their parts and delivery reports, replies, the
do-not-contact list, campaigns, and the SMS gateway's lease

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:46:45.012892

Every table is built on the workstations and on the central server alike. A workstation
queues in its own sms_messages first; with a central server it hands queued messages to
the central sms_messages, which the workstation holding sms_gateway_lease sends from.
ix_sms_messages_queue serves the sender's next message, ix_sms_messages_patient_sent the
cap per patient, ix_sms_parts_reference the matching of delivery reports.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_campaigns",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_campaigns")),
    )
    op.create_table(
        "sms_gateway_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("fence", sa.BigInteger(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sms_gateway_lease")),
    )
    op.create_table(
        "sms_do_not_contact",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_sms_do_not_contact_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_sms_do_not_contact")),
    )
    op.create_table(
        "sms_messages",
        sa.Column(
            "kind",
            sa.Enum(
                "reminder",
                "care",
                "greeting",
                "campaign",
                "satisfaction",
                "direct",
                "confirmation",
                name="smskind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "forwarded",
                "sending",
                "sent",
                "failed",
                "uncertain",
                "withdrawn",
                "blocked",
                name="smsstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("about_date", sa.Date(), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=160), nullable=True),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("fence", sa.BigInteger(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column(
            "delivery",
            sa.Enum(
                "unknown", "delivered", "failed", name="smsdelivery", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_sms_messages_appointment_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["sms_campaigns.id"],
            name=op.f("fk_sms_messages_campaign_id_sms_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_sms_messages_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["followup_records.id"],
            name=op.f("fk_sms_messages_record_id_followup_records"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["followup_tasks.id"], name=op.f("fk_sms_messages_task_id_followup_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_sms_messages_dedupe_key")),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sms_messages_patient_sent", ["patient_id", "sent_at"], unique=False
        )
        batch_op.create_index("ix_sms_messages_queue", ["state", "not_before", "id"], unique=False)

    op.create_table(
        "sms_parts",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("part_no", sa.Integer(), nullable=False),
        sa.Column("reference", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column(
            "delivery",
            sa.Enum(
                "unknown", "delivered", "failed", name="smsdelivery", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["sms_messages.id"], name=op.f("fk_sms_parts_message_id_sms_messages")
        ),
        sa.PrimaryKeyConstraint("message_id", "part_no", name=op.f("pk_sms_parts")),
    )
    with op.batch_alter_table("sms_parts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sms_parts_reference", ["reference", "number", "sent_at"], unique=False
        )

    op.create_table(
        "sms_replies",
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "opt_out",
                "satisfaction",
                "revisit_confirmed",
                "revisit_reschedule",
                "needs_agent",
                "unknown_sender",
                name="smsreplykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_sms_replies_appointment_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["sms_messages.id"], name=op.f("fk_sms_replies_message_id_sms_messages")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_sms_replies_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["followup_records.id"],
            name=op.f("fk_sms_replies_record_id_followup_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_replies")),
    )
    with op.batch_alter_table("sms_replies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sms_replies_open", ["kind", "handled_at", "received_at"], unique=False
        )
        batch_op.create_index("ix_sms_replies_patient", ["patient_id", "received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_replies_patient")
        batch_op.drop_index("ix_sms_replies_open")

    op.drop_table("sms_replies")
    with op.batch_alter_table("sms_parts", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_parts_reference")

    op.drop_table("sms_parts")
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_messages_queue")
        batch_op.drop_index("ix_sms_messages_patient_sent")

    op.drop_table("sms_messages")
    op.drop_table("sms_do_not_contact")
    op.drop_table("sms_gateway_lease")
    op.drop_table("sms_campaigns")
