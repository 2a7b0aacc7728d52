"""`agent-desk recordings list|export|purge` through the library service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.services.recording_store import RecordingStore
from tests.cli_login import add_account, run
from tests.keyring_memory import MemoryKeyring
from tests.recording_support import recorded_call, speech_wav


@pytest.fixture
def call_id(data_dir: DataDir, tmp_path: Path, memory_keyring: MemoryKeyring) -> str:
    db = open_local(data_dir.database)
    try:
        made = recorded_call(db)
        assert RecordingStore(db, data_dir).keep(made, speech_wav(tmp_path / "rec")) is not None
    finally:
        db.dispose()
    add_account(data_dir)
    return str(made)


def _run(data_dir: DataDir, *args: str) -> int:
    return run(data_dir, "recordings", *args)


def test_list_json_shows_the_recorded_call(
    data_dir: DataDir, call_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(data_dir, "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(row["call_id"], row["location"]) for row in listed] == [(call_id, "local")]


def test_export_writes_a_flac(data_dir: DataDir, call_id: str, tmp_path: Path) -> None:
    assert _run(data_dir, "export", call_id, str(tmp_path / "out.flac")) == 0
    assert (tmp_path / "out.flac").read_bytes().startswith(b"fLaC")


def test_export_of_a_call_without_recording_is_one_line(
    data_dir: DataDir, call_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(data_dir, "export", "not-a-call", str(tmp_path / "out.flac")) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_an_agent_may_not_list_or_export(
    data_dir: DataDir, call_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_account(data_dir, "agent1", roles=("agent",))
    assert run(data_dir, "recordings", "list", user="agent1") == 1
    assert (
        run(data_dir, "recordings", "export", call_id, str(tmp_path / "o.flac"), user="agent1") == 1
    )
    assert capsys.readouterr().err.count("agent1 is not allowed to") == 2
    assert not (tmp_path / "o.flac").exists()
