"""The recordings this workstation holds (the recordings table) and their calls' rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_desk.db.base import utcnow
from agent_desk.db.models import Call, FollowupTask
from agent_desk.db.recording_models import Recording
from agent_desk.domain.enums import RecordingCodec, RecordingLocation, RecordingStatus


@dataclass(frozen=True, slots=True)
class HeldRecording:
    """One row of the recordings table, as a plain value."""

    call_id: uuid.UUID
    started_at: datetime
    duration_s: float
    bytes: int
    sha256: str
    codec: RecordingCodec
    encrypted: bool
    file_name: str
    location: RecordingLocation
    uploaded_at: datetime | None


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What playing or deleting a call's recording needs to know of the call."""

    call_id: uuid.UUID
    started_at: datetime
    recording_status: RecordingStatus | None
    patient_id: uuid.UUID | None
    department_id: uuid.UUID | None


def _held(row: Recording) -> HeldRecording:
    return HeldRecording(
        row.call_id,
        row.started_at,
        row.duration_s,
        row.bytes,
        row.sha256,
        row.codec,
        row.encrypted,
        row.file_name,
        row.location,
        row.uploaded_at,
    )


def held(session: Session, call_id: uuid.UUID) -> HeldRecording | None:
    row = session.get(Recording, call_id)
    return None if row is None else _held(row)


def keep(session: Session, recording: HeldRecording) -> None:
    """Add (or replace: a copy fetched again over a corrupt one) this disk's recording row."""
    row = session.get(Recording, recording.call_id)
    if row is None:
        row = Recording(call_id=recording.call_id)
        session.add(row)
    row.started_at = recording.started_at
    row.duration_s = recording.duration_s
    row.bytes = recording.bytes
    row.sha256 = recording.sha256
    row.codec = recording.codec
    row.encrypted = recording.encrypted
    row.file_name = recording.file_name
    row.location = recording.location
    row.uploaded_at = recording.uploaded_at
    row.stored_at = utcnow()


def set_location(
    session: Session, call_id: uuid.UUID, location: RecordingLocation, *, uploaded: bool = False
) -> None:
    row = session.get(Recording, call_id)
    if row is None:
        return
    row.location = location
    if uploaded:
        row.uploaded_at = utcnow()


def forget(session: Session, call_id: uuid.UUID) -> None:
    row = session.get(Recording, call_id)
    if row is not None:
        session.delete(row)


def waiting_upload(session: Session, limit: int = 100) -> list[HeldRecording]:
    """Recordings made here that the central server does not have yet, oldest first."""
    rows = session.scalars(
        select(Recording)
        .where(Recording.location == RecordingLocation.LOCAL)
        .order_by(Recording.started_at)
        .limit(limit)
    )
    return [_held(row) for row in rows]


def held_before(session: Session, cutoff: datetime) -> list[HeldRecording]:
    rows = session.scalars(select(Recording).where(Recording.started_at < cutoff))
    return [_held(row) for row in rows]


def call_facts(session: Session, call_id: uuid.UUID) -> CallFacts | None:
    row = session.execute(
        select(
            Call.id,
            Call.started_at,
            Call.recording_status,
            Call.patient_id,
            FollowupTask.department_id,
        )
        .outerjoin(FollowupTask, FollowupTask.id == Call.task_id)
        .where(Call.id == call_id)
    ).one_or_none()
    return None if row is None else CallFacts(*row)


def recorded_calls_before(session: Session, cutoff: datetime) -> list[uuid.UUID]:
    """Calls still marked recorded that retention has passed by (made here or elsewhere)."""
    return list(
        session.scalars(
            select(Call.id).where(
                Call.recording_status == RecordingStatus.RECORDED, Call.started_at < cutoff
            )
        )
    )


def mark_recording(
    session: Session, call_id: uuid.UUID, status: RecordingStatus, path: str | None
) -> None:
    """Set the call's recording status and path (the ORM, so that the change syncs)."""
    call = session.get(Call, call_id)
    if call is not None:
        call.recording_status = status
        call.recording_path = path
