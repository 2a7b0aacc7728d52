"""Recordings travel through the central PostgreSQL: made on workstation A, uploaded in
chunks with their checksum, fetched and played on workstation B; retention deletes them
on both sides, audited. Real PostgreSQL, two data folders."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
import soundfile
from sqlalchemy import select

from agent_desk.db import recording_blobs
from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent, Call
from agent_desk.db.open import open_local
from agent_desk.db.recording_library import LibraryFilter
from agent_desk.domain.enums import AuditAction, RecordingLocation, RecordingStatus, Role
from agent_desk.domain.permissions import Principal
from agent_desk.paths import DataDir
from agent_desk.services.recording_retention import purge
from agent_desk.services.recording_store import RecordingStore
from agent_desk.services.recording_upload import upload_pending
from agent_desk.services.recordings import RecordingLibrary
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig, connect
from agent_desk.sync.errors import SyncError
from tests.keyring_memory import MemoryKeyring
from tests.recording_support import CALL_TIME, recorded_call, speech_wav
from tests.test_sync_support import add_department, add_patient, settle

SUPERVISOR = Principal.of("zhuguan", [Role.SUPERVISOR])


@dataclass
class Station:
    data_dir: DataDir
    db: Database
    store: RecordingStore


@pytest.fixture
def stations(
    tmp_path: Path, central: CentralConfig, memory_keyring: MemoryKeyring
) -> Iterator[tuple[Station, Station]]:
    made = []
    for name in ("a", "b"):
        data_dir = DataDir(tmp_path / name)
        data_dir.root.mkdir()
        db = open_local(data_dir.database)
        install_capture(db)
        made.append(Station(data_dir, db, RecordingStore(db, data_dir, central)))
    yield made[0], made[1]
    for station in made:
        station.db.dispose()


def _recorded_on(station: Station, tmp_path: Path) -> uuid.UUID:
    add_department(station.db, "CARD", "心血管内科")
    patient = add_patient(station.db, "D000000001")
    call_id = recorded_call(station.db, patient_id=patient)
    assert station.store.keep(call_id, speech_wav(tmp_path / "recorder")) is not None
    return call_id


def test_a_recording_made_on_a_plays_on_b_audited(
    stations: tuple[Station, Station], central: CentralConfig, tmp_path: Path
) -> None:
    a, b = stations
    call_id = _recorded_on(a, tmp_path)
    settle(a.db, central)
    assert upload_pending(a.db, a.store).uploaded == [call_id]
    settle(b.db, central)
    library = RecordingLibrary(b.db, b.store, SUPERVISOR)
    assert [row.call_id for row in library.page(LibraryFilter()).rows] == [call_id]
    playback = library.open(call_id)
    samples, rate = soundfile.read(io.BytesIO(playback.flac), dtype="int16")
    assert rate == 16000 and len(samples) > 10 * rate
    playback.close(seconds_listened=4.2)
    with b.db.read() as session:
        played = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.PLAY_RECORDING)
        ).one()
    assert (played.entity_id, played.detail["seconds"]) == (str(call_id), 4.2)


def test_the_fetched_copy_is_kept_sealed_under_bs_own_key(
    stations: tuple[Station, Station], central: CentralConfig, tmp_path: Path
) -> None:
    a, b = stations
    call_id = _recorded_on(a, tmp_path)
    settle(a.db, central)
    upload_pending(a.db, a.store)
    settle(b.db, central)
    b.store.read(call_id)
    held_b, held_a = b.store.held(call_id), a.store.held(call_id)
    assert held_a is not None and held_b is not None
    assert held_b.location is RecordingLocation.FETCHED and held_b.encrypted
    assert held_b.sha256 == held_a.sha256
    assert b.store.path(held_b).read_bytes() != a.store.path(held_a).read_bytes()


def test_an_interrupted_upload_sends_only_the_missing_chunks(
    stations: tuple[Station, Station], central: CentralConfig, tmp_path: Path
) -> None:
    a, _b = stations
    call_id = _recorded_on(a, tmp_path)
    held = a.store.held(call_id)
    assert held is not None
    flac = a.store.read_local(held)
    chunk = 64 * 1024
    facts = recording_blobs.BlobFacts(
        call_id, held.started_at, held.duration_s, held.bytes, held.sha256, held.codec,
        -(-len(flac) // chunk),
    )  # fmt: skip
    with connect(central) as conn:  # the first try got one chunk through, then died
        recording_blobs.begin(conn, facts, uuid.uuid4())
        recording_blobs.put_chunk(conn, call_id, 0, flac[:chunk])
    report = upload_pending(a.db, a.store, chunk_bytes=chunk)
    assert report.chunks_sent == facts.chunk_count - 1
    with connect(central) as conn:
        assert b"".join(recording_blobs.read_chunks(conn, call_id)) == flac


def test_a_vanished_server_leaves_the_recording_for_next_time(
    stations: tuple[Station, Station], tmp_path: Path
) -> None:
    a, _b = stations
    call_id = _recorded_on(a, tmp_path)
    a.store.central = replace(
        a.store.central or CentralConfig(""), url="postgresql://x@127.0.0.1:9/none"
    )
    with pytest.raises(SyncError):
        upload_pending(a.db, a.store)
    held = a.store.held(call_id)
    assert held is not None and held.location is RecordingLocation.LOCAL


def test_retention_deletes_here_and_centrally_audited(
    stations: tuple[Station, Station], central: CentralConfig, tmp_path: Path
) -> None:
    a, _b = stations
    call_id = _recorded_on(a, tmp_path)
    upload_pending(a.db, a.store)
    held = a.store.held(call_id)
    assert held is not None
    report = purge(a.db, a.store, 30, "admin", now=CALL_TIME + timedelta(days=31))
    assert (report.local, report.central, report.calls_expired) == (1, 1, 1)
    assert not a.store.path(held).exists() and a.store.held(call_id) is None
    with connect(central) as conn:
        assert recording_blobs.complete_facts(conn, call_id) is None
    with a.db.read() as session:
        wheres = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == AuditAction.RECORDING_DELETED)
        ).all()
        status = session.get(Call, call_id).recording_status  # type: ignore[union-attr]
    assert sorted(detail["where"] for detail in wheres) == ["central", "local"]
    assert status is RecordingStatus.EXPIRED


def test_retention_keeps_what_is_younger_than_keep_days(
    stations: tuple[Station, Station], central: CentralConfig, tmp_path: Path
) -> None:
    a, _b = stations
    call_id = _recorded_on(a, tmp_path)
    upload_pending(a.db, a.store)
    report = purge(a.db, a.store, 30, "admin", now=CALL_TIME + timedelta(days=29))
    assert (report.local, report.central) == (0, 0)
    assert a.store.held(call_id) is not None
