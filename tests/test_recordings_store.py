"""A call's WAV becomes a sealed FLAC in the recordings folder; a bad copy is flagged."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import numpy as np
import pytest
import soundfile
from keyring.backends import fail

from agent_desk.db.engine import Database
from agent_desk.db.models import Call
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.enums import CallDirection, RecordingLocation, RecordingStatus
from agent_desk.domain.phones import PhonePlan
from agent_desk.paths import DataDir
from agent_desk.services.calls import CallService
from agent_desk.services.recording_store import RecordingStore, RecordingUnavailable
from agent_desk.telephony.events import CallSnapshot, CallSource
from tests.builders import AGENT
from tests.executors import Immediate
from tests.keyring_memory import MemoryKeyring
from tests.recording_support import SPEECH, recorded_call, speech_wav


@pytest.fixture
def store(db: Database, data_dir: DataDir) -> RecordingStore:
    return RecordingStore(db, data_dir)


def test_a_recording_is_kept_sealed_and_the_wav_is_deleted(
    store: RecordingStore, db: Database, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    wav = speech_wav(tmp_path / "recorder")
    held = store.keep(recorded_call(db), wav)
    assert held is not None and held.encrypted
    assert not wav.exists()
    on_disk = store.path(held).read_bytes()
    assert b"fLaC" not in on_disk and b"RIFF" not in on_disk
    assert held.location is RecordingLocation.LOCAL


def test_the_kept_recording_decodes_to_the_very_samples_recorded(
    store: RecordingStore, db: Database, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    call_id = recorded_call(db)
    assert store.keep(call_id, speech_wav(tmp_path / "recorder")) is not None
    _held, flac = store.read(call_id)
    decoded, _rate = soundfile.read(io.BytesIO(flac), dtype="int16")
    original, _rate = soundfile.read(SPEECH, dtype="int16")
    assert np.array_equal(decoded, original)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_flac_is_kept_plain_and_says_so(
    store: RecordingStore,
    db: Database,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    no_keyring: None,
) -> None:
    with caplog.at_level(logging.WARNING):
        held = store.keep(recorded_call(db), speech_wav(tmp_path / "recorder"))
    assert held is not None and not held.encrypted
    assert store.path(held).read_bytes().startswith(b"fLaC")
    assert "UNENCRYPTED" in caplog.text


def test_a_damaged_file_is_flagged_corrupt_not_a_crash(
    store: RecordingStore, db: Database, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    call_id = recorded_call(db)
    held = store.keep(call_id, speech_wav(tmp_path / "recorder"))
    assert held is not None
    damaged = bytearray(store.path(held).read_bytes())
    damaged[500] ^= 0xFF
    store.path(held).write_bytes(bytes(damaged))
    with pytest.raises(RecordingUnavailable, match="decryption"):
        store.read(call_id)
    after = store.held(call_id)
    assert after is not None and after.location is RecordingLocation.CORRUPT


def test_a_plain_flac_that_fails_its_checksum_is_flagged_corrupt(
    store: RecordingStore, db: Database, tmp_path: Path, no_keyring: None
) -> None:
    call_id = recorded_call(db)
    held = store.keep(call_id, speech_wav(tmp_path / "recorder"))
    assert held is not None
    store.path(held).write_bytes(store.path(held).read_bytes()[:-10])
    assert store.check(call_id) is RecordingLocation.CORRUPT


def test_a_file_gone_from_the_disk_is_flagged_missing(
    store: RecordingStore, db: Database, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    call_id = recorded_call(db)
    held = store.keep(call_id, speech_wav(tmp_path / "recorder"))
    assert held is not None
    store.path(held).unlink()
    with pytest.raises(RecordingUnavailable, match="missing"):
        store.read(call_id)
    assert store.check(call_id) is RecordingLocation.MISSING


def test_a_wav_that_is_not_audio_is_left_where_it_is(
    store: RecordingStore, db: Database, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    wav = tmp_path / "broken.wav"
    wav.write_bytes(b"RIFF not really")
    assert store.keep(recorded_call(db), wav) is None
    assert wav.exists()


def test_a_finished_call_leaves_a_sealed_flac_in_place_of_its_wav(
    db: Database, data_dir: DataDir, hospital: object, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    store = RecordingStore(db, data_dir)
    service = CallService(db, PhoneIndex(db), PhonePlan(), None, AGENT, Immediate(), store)
    call = CallSnapshot("c1", CallSource.SIP, CallDirection.INBOUND, "13800138000", "王秀英")
    pop = service.pop(call)
    wav = speech_wav(data_dir.recordings)
    service.ended(replace(call, ended_at=call.started_at), str(wav), RecordingStatus.RECORDED)
    held = store.held(pop.log_id)
    assert held is not None and store.path(held).exists() and not wav.exists()
    with db.read() as session:
        row = session.get(Call, pop.log_id)
        assert row is not None and row.recording_path == str(store.path(held))
