"""The recordings library's goals (part of `bench governance`).

- recordings_first_page_ms: the library's first page (50 rows, newest first) at 100,000
  recorded calls, as a hospital-wide supervisor and as a one-department supervisor.
- playback_start_ms: a local encrypted recording opened (read, decrypted, checksummed by
  the library) and handed to Qt Multimedia, until the player is in PlayingState; and
  playback_first_tick_ms, until its position first moves, which measures the sound
  output's clock more than this code (Qt's timer without a device, the sink's buffer with).
- recording_compression_ratio: WAV bytes ÷ FLAC bytes of speech as the call recorder
  writes it (the tests' two-voice sample, over a faint line hiss).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import soundfile  # type: ignore[import-untyped]
from sqlalchemy import func, insert, select

from agent_desk.bench.stats import percentile, rounded
from agent_desk.db.engine import Database
from agent_desk.db.models import Call, Department, FollowupTask, Patient, StaffUser
from agent_desk.db.open import open_local
from agent_desk.db.recording_library import LibraryFilter
from agent_desk.db.recording_models import Recording
from agent_desk.domain.enums import (
    CallDirection,
    RecordingCodec,
    RecordingLocation,
    RecordingStatus,
    Role,
)
from agent_desk.domain.permissions import Principal
from agent_desk.paths import DataDir
from agent_desk.services.recording_files import encode_flac
from agent_desk.services.recording_store import RecordingStore
from agent_desk.services.recordings import RecordingLibrary

SAMPLE = Path(__file__).resolve().parents[2] / "tests" / "data" / "call_speech.flac"
DEPARTMENTS = 20
PATIENTS = 5000
FIRST = datetime(2026, 1, 1, 8, tzinfo=UTC)
SUPERVISOR = Principal.of("bench_supervisor", [Role.SUPERVISOR])


def prepare_library(folder: Path, recordings: int) -> Database:
    """A database with *recordings* recorded calls (made once and kept): no audio, only the
    rows the library reads, spread over departments, agents, patients and a year."""
    data = folder / f"governance-recordings-{recordings}"
    data.mkdir(parents=True, exist_ok=True)
    db = open_local(data / "agent_desk.sqlite3")
    with db.read() as session:
        have = session.scalar(select(func.count()).select_from(Call)) or 0
    if have >= recordings:
        return db
    print(f"generating {recordings:,} recorded calls in {data} …", file=sys.stderr)
    with db.write() as session:
        departments = [uuid.uuid4() for _ in range(DEPARTMENTS)]
        session.execute(
            insert(Department),
            [{"id": d, "code": f"D{i:02d}", "name": f"科室{i}"} for i, d in enumerate(departments)],
        )
        agents = [uuid.uuid4() for _ in range(40)]
        session.execute(
            insert(StaffUser),
            [
                {"id": a, "username": f"agent{i}", "display_name": f"客服{i}", "role": Role.AGENT}
                for i, a in enumerate(agents)
            ],
        )
        patients = [uuid.uuid4() for _ in range(PATIENTS)]
        session.execute(
            insert(Patient),
            [
                {"id": p, "record_no": f"B{i:09d}", "name": f"患者{i}"}
                for i, p in enumerate(patients)
            ],
        )
        tasks = [uuid.uuid4() for _ in range(PATIENTS)]
        day = FIRST.date()
        session.execute(
            insert(FollowupTask),
            [
                {
                    "id": t,
                    "patient_id": patients[i],
                    "plan_code": "discharge_7d",
                    "due_date": day,
                    "window_start": day,
                    "window_end": day,
                    "department_id": departments[i % DEPARTMENTS],
                }
                for i, t in enumerate(tasks)
            ],
        )
        step = timedelta(days=365) / recordings
        for start in range(0, recordings, 10_000):
            calls, held = [], []
            for n in range(start, min(recordings, start + 10_000)):
                call_id, at = uuid.uuid4(), FIRST + step * n
                calls.append(
                    {
                        "id": call_id,
                        "direction": CallDirection.OUTBOUND if n % 3 else CallDirection.INBOUND,
                        "remote_number": "13800138000",
                        "started_at": at,
                        "answered_at": at,
                        "ended_at": at + timedelta(minutes=3),
                        "staff_id": agents[n % len(agents)],
                        "patient_id": patients[n % PATIENTS],
                        "task_id": tasks[n % PATIENTS],
                        "recording_status": RecordingStatus.RECORDED,
                    }
                )
                held.append(
                    {
                        "call_id": call_id,
                        "started_at": at,
                        "duration_s": 180.0,
                        "bytes": 3_000_000,
                        "sha256": "0" * 64,
                        "codec": RecordingCodec.FLAC,
                        "encrypted": True,
                        "file_name": f"{call_id.hex}.flac.sealed",
                        "location": RecordingLocation.UPLOADED,
                    }
                )
            session.execute(insert(Call), calls)
            session.execute(insert(Recording), held)
    return db


def first_page_ms(db: Database, data_dir: DataDir, runs: int = 30) -> dict[str, float]:
    store = RecordingStore(db, data_dir)
    with db.read() as session:
        one_department = session.scalars(select(Department.id).limit(1)).one()
    figures = {}
    for key, principal in (
        ("recordings_first_page_ms", SUPERVISOR),
        (
            "recordings_first_page_dept_ms",
            Principal.of("bench_dept", [Role.SUPERVISOR], [one_department]),
        ),
    ):
        library = RecordingLibrary(db, store, principal)
        library.page(LibraryFilter())  # warm: the first read of a cold file is the disk's
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            page = library.page(LibraryFilter())
            times.append((time.perf_counter() - started) * 1000)
        assert page.rows, "the bench library lists nothing"
        figures[key] = rounded(percentile(times, 0.95), 2)
    return figures


def compression_ratio(folder: Path) -> float:
    """WAV bytes ÷ FLAC bytes of the speech sample, written as the recorder writes it."""
    samples, rate = soundfile.read(SAMPLE, dtype="int16")
    wav = folder / "compression-sample.wav"
    soundfile.write(wav, samples, rate, subtype="PCM_16", format="WAV")
    try:
        encoded = encode_flac(wav)
    finally:
        wav.unlink()
    return rounded(encoded.wav_bytes / len(encoded.flac), 2)


def playback_start_ms(folder: Path, runs: int = 10) -> dict[str, float]:
    """p95 from library.open() to PlayingState and to the first tick, in a Qt event loop."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from agent_desk.bench.recordings_playback import time_playback_starts

    if keyring.get_keyring().priority <= 0:  # a machine without a keyring: the bench's own
        from agent_desk.bench.recordings_playback import BenchKeyring

        keyring.set_keyring(BenchKeyring())
    # A new folder each run: where the bench's keyring is its own, the key (and so the
    # encrypted database) lives only as long as this run.
    with tempfile.TemporaryDirectory(dir=folder, prefix="governance-playback-") as root:
        data_dir = DataDir(Path(root))
        db = open_local(data_dir.database)
        try:
            samples, rate = soundfile.read(SAMPLE, dtype="int16")
            buffer = io.BytesIO()
            soundfile.write(buffer, samples, rate, subtype="PCM_16", format="WAV")
            to_playing, to_moving = time_playback_starts(db, data_dir, buffer.getvalue(), runs)
        finally:
            db.dispose()
    return {
        "playback_start_ms": rounded(percentile(to_playing, 0.95), 1),
        "playback_first_tick_ms": rounded(percentile(to_moving, 0.95), 1),
    }
