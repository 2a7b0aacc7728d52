"""Call recordings and their folder are owner-only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pjsua2", reason="needs the pjsua2-python wheel")

from agent_desk.telephony.events import CallEnded, RecordingConsent
from tests.sip_peers import EventLog, require
from tests.test_sip_engine import StartEngine, events, place_ordinary_call, start_engine

__all__ = ["events", "start_engine"]  # fixtures shared with the engine's own tests

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_recording_and_its_folder_are_private(
    permissive_umask: None, start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    engine = start_engine(auto_answer=True, recordings_dir=tmp_path / "recordings")
    place_ordinary_call(tmp_path / "call", engine, events, RecordingConsent.GIVEN)
    ended = events.wait_for(CallEnded)
    assert ended.recording is not None
    assert stat.S_IMODE(ended.recording.stat().st_mode) == 0o600
    assert stat.S_IMODE(ended.recording.parent.stat().st_mode) == 0o700
