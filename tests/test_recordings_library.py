"""The recordings library by role: who may list, play and export, and which calls."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent
from agent_desk.db.recording_library import LibraryFilter
from agent_desk.domain.enums import AttemptOutcome, AuditAction, CallDirection, Role
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.paths import DataDir
from agent_desk.services.recording_store import RecordingStore
from agent_desk.services.recordings import RecordingLibrary
from tests.builders import Hospital
from tests.keyring_memory import MemoryKeyring
from tests.recording_support import CALL_TIME, recorded_call, speech_wav

AGENT = Principal.of("kefu", [Role.AGENT])
SUPERVISOR = Principal.of("zhuguan", [Role.SUPERVISOR])


@pytest.fixture
def store(db: Database, data_dir: DataDir, memory_keyring: MemoryKeyring) -> RecordingStore:
    return RecordingStore(db, data_dir)


def _cardiology_call(
    db: Database, hospital: Hospital, store: RecordingStore, tmp: Path
) -> uuid.UUID:
    call_id = recorded_call(
        db, patient_id=hospital.patients["wang"], task_id=hospital.tasks["wang_due"]
    )
    assert store.keep(call_id, speech_wav(tmp)) is not None
    return call_id


def test_an_agent_cannot_play_a_recording(
    db: Database, hospital: Hospital, store: RecordingStore, tmp_path: Path
) -> None:
    call_id = _cardiology_call(db, hospital, store, tmp_path)
    with pytest.raises(PermissionDenied):
        RecordingLibrary(db, store, AGENT).open(call_id)


def test_an_agent_cannot_list_the_library(
    db: Database, hospital: Hospital, store: RecordingStore
) -> None:
    with pytest.raises(PermissionDenied):
        RecordingLibrary(db, store, AGENT).page(LibraryFilter())


def test_a_supervisor_of_another_department_cannot_play_it(
    db: Database, hospital: Hospital, store: RecordingStore, tmp_path: Path
) -> None:
    call_id = _cardiology_call(db, hospital, store, tmp_path)
    orthopaedics = Principal.of("guke", [Role.SUPERVISOR], [hospital.orthopaedics])
    library = RecordingLibrary(db, store, orthopaedics)
    assert library.page(LibraryFilter()).rows == ()
    with pytest.raises(PermissionDenied):
        library.open(call_id)


def test_export_writes_the_flac_and_is_audited(
    db: Database, hospital: Hospital, store: RecordingStore, tmp_path: Path
) -> None:
    call_id = _cardiology_call(db, hospital, store, tmp_path / "recorder")
    written = RecordingLibrary(db, store, SUPERVISOR).export(call_id, tmp_path / "out")
    assert written.name == "out.flac" and written.read_bytes().startswith(b"fLaC")
    with db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.RECORDING_EXPORTED)
        ).one()
    assert event.detail["file"] == str(written)


def test_an_agent_cannot_export(
    db: Database, hospital: Hospital, store: RecordingStore, tmp_path: Path
) -> None:
    call_id = _cardiology_call(db, hospital, store, tmp_path / "recorder")
    with pytest.raises(PermissionDenied):
        RecordingLibrary(db, store, AGENT).export(call_id, tmp_path / "out.flac")
    assert not (tmp_path / "out.flac").exists()


def test_pages_follow_each_other_newest_first(
    db: Database, hospital: Hospital, store: RecordingStore
) -> None:
    calls = [recorded_call(db, started_at=CALL_TIME + timedelta(minutes=m)) for m in range(5)]
    library = RecordingLibrary(db, store, SUPERVISOR)
    first = library.page(LibraryFilter(), limit=3)
    second = library.page(LibraryFilter(), after=first.next, limit=3)
    seen = [row.call_id for row in first.rows + second.rows]
    assert seen == calls[::-1] and second.next is None


def test_filters_narrow_the_list(db: Database, hospital: Hospital, store: RecordingStore) -> None:
    wang, task = hospital.patients["wang"], hospital.tasks["wang_due"]
    reached = recorded_call(
        db, patient_id=wang, task_id=task, outcome=AttemptOutcome.REACHED,
        direction=CallDirection.INBOUND,
    )  # fmt: skip
    recorded_call(db, patient_id=hospital.patients["li_a"], task_id=hospital.tasks["li_overdue"])
    library = RecordingLibrary(db, store, SUPERVISOR)
    for where in (
        LibraryFilter(outcome=AttemptOutcome.REACHED),
        LibraryFilter(department_id=hospital.cardiology),
        LibraryFilter(patient_text="王"),
        LibraryFilter(direction=CallDirection.INBOUND),
    ):
        assert [row.call_id for row in library.page(where).rows] == [reached]
