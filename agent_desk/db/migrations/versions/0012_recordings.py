"""recordings: each call's recording as this disk holds it, and the central copies

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:00:00.000000

recordings is local to each workstation (where its encrypted FLAC file stands);
recording_blobs and recording_chunks hold the uploaded recordings on the central server
(the workstations get them too, unused, because one chain of migrations builds both).
ix_calls_recorded serves the recordings library's keyset order, newest call first, and
ix_followup_attempts_call_id its outcome column and filter.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=32)


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("duration_s", sa.Double(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("codec", _enum("recordingcodec", "flac"), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(length=128), nullable=False),
        sa.Column(
            "location",
            _enum("recordinglocation", "local", "uploaded", "fetched", "missing", "corrupt"),
            nullable=False,
        ),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_recordings_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_recordings")),
    )
    op.create_index(op.f("ix_recordings_started_at"), "recordings", ["started_at"])
    op.create_table(
        "recording_blobs",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("duration_s", sa.Double(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("codec", _enum("recordingcodec", "flac"), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_recording_blobs")),
    )
    op.create_index(op.f("ix_recording_blobs_started_at"), "recording_blobs", ["started_at"])
    op.create_table(
        "recording_chunks",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["recording_blobs.call_id"],
            name=op.f("fk_recording_chunks_call_id_recording_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", "seq", name=op.f("pk_recording_chunks")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_recorded", ["recording_status", "started_at", "id"], unique=False
        )
    with op.batch_alter_table("followup_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_attempts_call_id"), ["call_id"])


def downgrade() -> None:
    with op.batch_alter_table("followup_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_attempts_call_id"))
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_recorded")
    op.drop_table("recording_chunks")
    op.drop_index(op.f("ix_recording_blobs_started_at"), table_name="recording_blobs")
    op.drop_table("recording_blobs")
    op.drop_index(op.f("ix_recordings_started_at"), table_name="recordings")
    op.drop_table("recordings")
