"""The call log: one row per call, written as the call starts and completed as it ends."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from agent_desk.db.models import Call
from agent_desk.domain.enums import CallDirection, RecordingStatus


def open_call(
    session: Session,
    *,
    call_id: uuid.UUID,
    direction: CallDirection,
    remote_number: str,
    remote_e164: str | None,
    display_name: str | None,
    started_at: datetime,
    staff_id: uuid.UUID | None,
    patient_id: uuid.UUID | None,
    task_id: uuid.UUID | None,
    local_number: str | None = None,
) -> uuid.UUID:
    call = Call(
        id=call_id,
        direction=direction,
        remote_number=remote_number,
        remote_e164=remote_e164,
        display_name=display_name or None,
        started_at=started_at,
        staff_id=staff_id,
        patient_id=patient_id,
        task_id=task_id,
        local_number=local_number,
    )
    session.add(call)
    return call_id


def _call(session: Session, call_id: uuid.UUID) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"no call {call_id}")
    return call


def mark_answered(session: Session, call_id: uuid.UUID, at: datetime) -> None:
    _call(session, call_id).answered_at = at


def link_patient(
    session: Session, call_id: uuid.UUID, patient_id: uuid.UUID, task_id: uuid.UUID | None
) -> None:
    """The agent chose the patient (several shared the number, or it was unknown)."""
    call = _call(session, call_id)
    call.patient_id = patient_id
    call.task_id = task_id


def identify_caller(
    session: Session,
    call_id: uuid.UUID,
    *,
    remote_number: str,
    remote_e164: str | None,
    display_name: str | None,
    patient_id: uuid.UUID | None,
    task_id: uuid.UUID | None,
) -> None:
    """The caller-ID came after the call was logged (a modem's first RING): same row."""
    call = _call(session, call_id)
    call.remote_number = remote_number
    call.remote_e164 = remote_e164
    call.display_name = display_name or None
    call.patient_id = patient_id
    call.task_id = task_id


def close_call(
    session: Session,
    call_id: uuid.UUID,
    ended_at: datetime,
    recording_path: str | None,
    recording_status: RecordingStatus,
) -> None:
    call = _call(session, call_id)
    call.ended_at = ended_at
    call.recording_status = recording_status
    if recording_path is not None:
        call.recording_path = recording_path
