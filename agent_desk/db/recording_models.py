"""The recordings' tables (migration 0012): this disk's copies, and the central ones."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base, utcnow
from agent_desk.db.models import _enum
from agent_desk.domain.enums import RecordingCodec, RecordingLocation


class Recording(Base):
    """A call's recording as this workstation holds it: FLAC, encrypted with the data key.

    Local to the workstation (never synced): the file, its key and its location are this
    disk's. Hospital-wide, the central server keeps the recording itself (RecordingBlob)."""

    __tablename__ = "recordings"

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(index=True)  # the call's; retention reads it
    duration_s: Mapped[float]
    bytes: Mapped[int] = mapped_column(BigInteger)  # the FLAC's size, before encryption
    sha256: Mapped[str] = mapped_column(String(64))  # of the FLAC, the same on every copy
    codec: Mapped[RecordingCodec] = mapped_column(_enum(RecordingCodec))
    # False only where no OS keyring held the data key: shown, and logged, as unencrypted.
    encrypted: Mapped[bool] = mapped_column(Boolean)
    file_name: Mapped[str] = mapped_column(String(128))  # inside the recordings folder
    location: Mapped[RecordingLocation] = mapped_column(_enum(RecordingLocation))
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_at: Mapped[datetime | None]


class RecordingBlob(Base):
    """Central only: one uploaded recording (FLAC), stored as RecordingChunk rows.

    Complete once every chunk is in: an upload cut off half-way resumes from the chunks
    already there, and a fetch never reads an incomplete one."""

    __tablename__ = "recording_blobs"

    call_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    duration_s: Mapped[float]
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    codec: Mapped[RecordingCodec] = mapped_column(_enum(RecordingCodec))
    chunk_count: Mapped[int] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[uuid.UUID]  # the workstation's sync client id
    uploaded_at: Mapped[datetime]


class RecordingChunk(Base):
    """Central only: one piece of an uploaded recording, in order by seq."""

    __tablename__ = "recording_chunks"

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recording_blobs.call_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
