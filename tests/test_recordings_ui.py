"""录音 in the window: who has it in the menu, and a recording played from memory, its
listening audited when the screen closes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from PySide6.QtGui import QAction
from PySide6.QtMultimedia import QMediaPlayer

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent
from agent_desk.domain.enums import AuditAction, RecordingLocation, Role
from agent_desk.domain.views import StaffView
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountService
from agent_desk.services.recording_store import RecordingStore
from agent_desk.services.recordings import RecordingLibrary
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.background import Background
from agent_desk.ui.recordings_model import Column
from agent_desk.ui.recordings_view import RecordingsDialog
from tests.builders import Hospital
from tests.conftest import TODAY
from tests.executors import Immediate
from tests.keyring_memory import MemoryKeyring
from tests.recording_support import recorded_call, speech_wav

pytestmark = pytest.mark.usefixtures("qapp")


def _login(db: Database, name: str, role: Role) -> StaffView:
    with db.write() as session:
        staff.add_user(session, name, "a long password", role, None, name)
    user = AccountService(db).login(name, "a long password")
    assert user is not None
    return user


@pytest.fixture
def store(db: Database, data_dir: DataDir, memory_keyring: MemoryKeyring) -> RecordingStore:
    return RecordingStore(db, data_dir)


def test_only_supervisors_have_recordings_in_the_menu(
    qtbot, db: Database, tmp_path: Path, store: RecordingStore
) -> None:
    shown = []
    for role in Role:
        user = _login(db, f"u_{role}", role)
        win = build_main_window(db, Settings(tmp_path / f"{role}.json"), user, recordings=store)
        qtbot.addWidget(win)
        if win.findChild(QAction, "recordings_action") is not None:
            shown.append(role)
    assert shown == [Role.SUPERVISOR]


def _dialog(qtbot, db: Database, store: RecordingStore) -> RecordingsDialog:
    library = RecordingLibrary(db, store, _login(db, "zhuguan", Role.SUPERVISOR).principal)
    dialog = RecordingsDialog(library, TODAY, Background(Immediate()))
    qtbot.addWidget(dialog)
    return dialog


def test_the_library_lists_a_recorded_call_with_where_it_is(
    qtbot, db: Database, hospital: Hospital, store: RecordingStore, tmp_path: Path
) -> None:
    call_id = recorded_call(db, patient_id=hospital.patients["wang"])
    store.keep(call_id, speech_wav(tmp_path))
    dialog = _dialog(qtbot, db, store)
    dialog.date_from.setDate(dialog.date_from.date().addYears(-1))
    dialog.search()
    assert [row.call_id for row in dialog.model.rows] == [call_id]
    where = dialog.model.index(0, Column.WHERE).data()
    assert where == "On this workstation"
    assert dialog.model.rows[0].location is RecordingLocation.LOCAL


def test_a_played_recording_is_audited_with_the_seconds_heard(
    qtbot, db: Database, hospital: Hospital, store: RecordingStore, tmp_path: Path
) -> None:
    call_id = recorded_call(db, patient_id=hospital.patients["wang"])
    store.keep(call_id, speech_wav(tmp_path))
    dialog = _dialog(qtbot, db, store)
    dialog.player.speed.setCurrentIndex(2)  # 2.0×
    dialog.play(call_id)
    player = dialog.player.player
    qtbot.waitUntil(lambda: player.position() > 1500, timeout=10_000)
    assert player.playbackState() is QMediaPlayer.PlaybackState.PlayingState
    dialog.close()
    with db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.PLAY_RECORDING)
        ).one()
    assert event.entity_id == str(call_id) and event.detail["seconds"] >= 1.5
    assert not any("flac" in name for name in os.listdir(tmp_path) if name != "data")


def test_a_recording_opened_right_after_another_plays(qtbot) -> None:
    """Closing stops through queued calls: they must not stop the next recording too."""
    from agent_desk.ui.recording_player import RecordingPlayer

    flac = (Path(__file__).parent / "data" / "call_speech.flac").read_bytes()
    player = RecordingPlayer()
    qtbot.addWidget(player)
    player.open(flac)
    qtbot.waitUntil(lambda: player.player.position() > 0, timeout=10000)
    player.close_recording()  # as the screen does before it opens the next
    player.open(flac)
    qtbot.wait(300)
    qtbot.waitUntil(lambda: player.player.position() > 0, timeout=10000)
    assert player.is_open
    assert player.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState
