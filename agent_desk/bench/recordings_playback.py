"""playback_start_ms's Qt side: open a local encrypted recording and time it to playing."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from keyring.backend import KeyringBackend

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from agent_desk.db import calls as call_log
from agent_desk.db.base import new_id
from agent_desk.db.engine import Database
from agent_desk.domain.enums import CallDirection, RecordingStatus, Role
from agent_desk.domain.permissions import Principal
from agent_desk.paths import DataDir
from agent_desk.services.recording_store import RecordingStore
from agent_desk.services.recordings import RecordingLibrary
from agent_desk.ui.recording_player import RecordingPlayer

TIMEOUT_MS = 10_000


class BenchKeyring(KeyringBackend):
    """Holds the bench's data key in memory where the machine has no OS keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._values.pop((service, username), None)


def _recorded(db: Database, store: RecordingStore, wav: Path, wav_bytes: bytes) -> object:
    call_id = new_id()
    at = datetime.now(UTC)
    with db.write() as session:
        call_log.open_call(
            session, call_id=call_id, direction=CallDirection.OUTBOUND, remote_number="1",
            remote_e164=None, display_name=None, started_at=at, staff_id=None,
            patient_id=None, task_id=None,
        )  # fmt: skip
        session.flush()
        call_log.close_call(session, call_id, at, str(wav), RecordingStatus.RECORDED)
    wav.write_bytes(wav_bytes)
    store.keep(call_id, wav)
    return call_id


def time_playback_starts(
    db: Database, data_dir: DataDir, wav_bytes: bytes, runs: int
) -> tuple[list[float], list[float]]:
    """Per run: ms to PlayingState, and ms until the position first moves (the audio
    clock's first tick: Qt's own timer without a sound device, the sink's latency with)."""
    app = QApplication.instance() or QApplication([])
    store = RecordingStore(db, data_dir)
    library = RecordingLibrary(db, store, Principal.of("bench", [Role.SUPERVISOR]))
    player = RecordingPlayer()
    calls = [_recorded(db, store, data_dir.root / "bench.wav", wav_bytes) for _ in range(runs + 1)]
    to_playing, to_moving = [], []
    for call_id in calls:
        loop = QEventLoop()
        marks: dict[str, float] = {}

        def moved(position: int, marks: dict[str, float] = marks, loop: QEventLoop = loop) -> None:
            if position > 0 and "moving" not in marks:
                marks["moving"] = time.perf_counter()
                loop.quit()

        def playing(marks: dict[str, float] = marks) -> None:
            marks.setdefault("playing", time.perf_counter())

        player.playing.connect(playing)
        player.player.positionChanged.connect(moved)
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        started = time.perf_counter()
        playback = library.open(call_id)  # type: ignore[arg-type]
        player.open(playback.flac)
        loop.exec()
        player.playing.disconnect(playing)
        player.player.positionChanged.disconnect(moved)
        player.close_recording()
        playback.close(0.0)
        if "moving" not in marks or "playing" not in marks:
            raise RuntimeError("the player did not start playing within 10 s")
        to_playing.append((marks["playing"] - started) * 1000)
        to_moving.append((marks["moving"] - started) * 1000)
    app.processEvents()
    # The first run opens Qt Multimedia's back end: a start-up cost paid once per process.
    return to_playing[1:], to_moving[1:]
