"""Shared pieces of the recordings tests (this module holds no tests of its own)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import soundfile

from agent_desk.db import calls as call_log
from agent_desk.db.base import new_id
from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupAttempt
from agent_desk.domain.enums import AttemptOutcome, CallDirection, Channel, RecordingStatus

SPEECH = Path(__file__).parent / "data" / "call_speech.flac"
CALL_TIME = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def speech_wav(folder: Path, name: str = "call.wav") -> Path:
    """The speech sample as the call recorder writes it: 16 kHz mono 16-bit WAV."""
    folder.mkdir(parents=True, exist_ok=True)
    samples, rate = soundfile.read(SPEECH, dtype="int16")
    path = folder / name
    soundfile.write(path, samples, rate, subtype="PCM_16", format="WAV")
    return path


def recorded_call(
    db: Database,
    *,
    started_at: datetime = CALL_TIME,
    patient_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    direction: CallDirection = CallDirection.OUTBOUND,
    outcome: AttemptOutcome | None = None,
) -> uuid.UUID:
    """A finished call in the call log, recorded (as CallService.ended leaves it)."""
    call_id = new_id()
    with db.write() as session:
        call_log.open_call(
            session,
            call_id=call_id,
            direction=direction,
            remote_number="13800138000",
            remote_e164="+8613800138000",
            display_name=None,
            started_at=started_at,
            staff_id=staff_id,
            patient_id=patient_id,
            task_id=task_id,
        )
        session.flush()
        call_log.mark_answered(session, call_id, started_at)
        call_log.close_call(session, call_id, started_at, "call.wav", RecordingStatus.RECORDED)
        if outcome is not None and task_id is not None and patient_id is not None:
            session.add(
                FollowupAttempt(
                    task_id=task_id,
                    patient_id=patient_id,
                    channel=Channel.PHONE,
                    outcome=outcome,
                    call_id=call_id,
                    attempted_at=started_at,
                )
            )
    return call_id
