"""End to end with a real SIP phone (baresip): the card pops, the call is logged and recorded."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
import soundfile

from PySide6.QtCore import Qt

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.db.models import Call, FollowupAttempt, FollowupRecord, Patient
from agent_desk.domain.enums import CallDirection, RecordingStatus, Role
from agent_desk.paths import DataDir
from agent_desk.services.recording_store import RecordingStore
from agent_desk.settings import Settings
from agent_desk.telephony.events import CallEnded, CallRinging, CallSnapshot, CallSource, EndReason
from agent_desk.ui.app import build_main_window
from agent_desk.ui.call_panel import LineState
from agent_desk.ui.telephony_setup import Telephony, start_telephony
from tests.builders import Hospital
from tests.sip_peers import (
    Sipp,
    baresip,
    dominant_hz,
    free_port,
    loud_part,
    read_wav,
    require,
    write_tone_wav,
)

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def settings(data_dir: DataDir) -> Settings:
    settings = Settings(data_dir.settings)
    settings.set("sip.listen_port", str(free_port()))
    return settings


@pytest.fixture
def workstation(qtbot, db: Database, hospital: Hospital, data_dir: DataDir, settings: Settings):
    require("baresip")
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    window = build_main_window(db, settings, agent)
    qtbot.addWidget(window)
    window.show()
    telephony = start_telephony(window, db, settings, data_dir, agent)
    yield window, telephony, settings
    telephony.stop()


def _calls(db: Database) -> list[Call]:
    with db.read() as session:
        return session.query(Call).order_by(Call.started_at).all()


def test_patient_calls_in_card_pops_agent_answers_recording_kept(
    qtbot, db: Database, hospital: Hospital, workstation, tmp_path: Path
) -> None:
    window, telephony, settings = workstation
    port = settings.get("sip.listen_port")
    tone = write_tone_wav(tmp_path / "tone.wav", 440, 4.0)
    with baresip(tmp_path / "phone", tone=tone) as phone:
        phone.command(f"/dial sip:agent@127.0.0.1:{port}")
        qtbot.waitUntil(lambda: window.card.card is not None, timeout=10000)
        assert window.card.card.name == "王秀英"
        assert window.card.selected_task().id == hospital.tasks["wang_due"]
        assert window.call_panel.answer_button.isVisible()
        qtbot.keyClick(window, Qt.Key.Key_F9)  # a headset agent answers from the keyboard
        qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=5000)
        qtbot.wait(1500)
        phone.command("/hangup")
        qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=10000)
    telephony.controller.calls.flush()
    [call] = _calls(db)
    assert (call.direction, call.patient_id, call.task_id) == (
        CallDirection.INBOUND,
        hospital.patients["wang"],
        hospital.tasks["wang_due"],
    )
    assert call.answered_at is not None and call.ended_at is not None
    recording = Path(call.recording_path)
    rate, samples = read_wav(recording)
    assert dominant_hz(loud_part(samples, rate), rate) == pytest.approx(440, rel=0.05)


def test_a_finished_call_is_kept_sealed_and_plays_back_the_voice(
    qtbot, db: Database, hospital: Hospital, data_dir: DataDir, settings: Settings, tmp_path: Path
) -> None:
    """As the window runs it (ui/app.py gives the store): the WAV becomes sealed FLAC."""
    require("baresip")
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    window = build_main_window(db, settings, agent)
    qtbot.addWidget(window)
    window.show()
    store = RecordingStore(db, data_dir)
    telephony = start_telephony(window, db, settings, data_dir, agent, store)
    assert telephony is not None
    try:
        tone = write_tone_wav(tmp_path / "tone.wav", 440, 4.0)
        with baresip(tmp_path / "phone", tone=tone) as phone:
            phone.command(f"/dial sip:agent@127.0.0.1:{settings.get('sip.listen_port')}")
            qtbot.waitUntil(lambda: window.card.card is not None, timeout=10000)
            qtbot.keyClick(window, Qt.Key.Key_F9)
            qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=5000)
            qtbot.wait(1500)
            phone.command("/hangup")
            qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=10000)
        telephony.controller.calls.flush()
    finally:
        telephony.stop()
    [call] = _calls(db)
    assert [p.suffix for p in data_dir.recordings.iterdir()] == [".sealed"]  # no WAV left
    _held, flac = store.read(call.id)
    samples, rate = soundfile.read(io.BytesIO(flac), dtype="int16")
    assert dominant_hz(loud_part(samples, rate), rate) == pytest.approx(440, rel=0.05)


def test_agent_dials_out_and_the_callee_card_shows(
    qtbot, db: Database, hospital: Hospital, workstation, tmp_path: Path
) -> None:
    window, telephony, _settings = workstation
    with baresip(tmp_path / "phone", auto_answer=True) as phone:
        telephony.controller.dial_number(phone.uri)
        qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=10000)
        assert window.card.card is not None and window.card.card.name == "王秀英"
        qtbot.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=10000)
    telephony.controller.calls.flush()
    [call] = _calls(db)
    assert call.direction is CallDirection.OUTBOUND
    assert call.patient_id == hospital.patients["wang"]


def test_direct_sip_cannot_dial_a_phone_number_and_says_so(
    db: Database, hospital: Hospital, workstation
) -> None:
    window, telephony, _settings = workstation
    window.open_patient(hospital.patients["wang"])
    assert telephony.controller.dial_card(window.card.card) is None
    assert "without a PBX" in window.statusBar().currentMessage()
    assert _calls(db) == []


def _state(telephony: Telephony) -> LineState | None:
    line = telephony.controller.current_line()
    return line.state if line else None


def test_the_form_filled_during_a_call_is_one_piece_of_work_with_it(
    qtbot, db: Database, hospital: Hospital, workstation, tmp_path: Path
) -> None:
    window, telephony, settings = workstation
    port = settings.get("sip.listen_port")
    with baresip(tmp_path / "phone") as phone:
        phone.command(f"/dial sip:agent@127.0.0.1:{port}")
        qtbot.waitUntil(lambda: window.card.card is not None, timeout=10000)
        qtbot.keyClick(window, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=5000)
        assert window.card.tabs.currentWidget() is window.followup  # the form comes up
        panel = window.followup
        panel.template_combo.setCurrentIndex(panel.template_combo.findData("nrs"))
        panel.template_combo.activated.emit(panel.template_combo.currentIndex())
        assert panel.view.state.set_answer("nrs_pain", 3) is None
        panel.outcome.setCurrentIndex(panel.outcome.findData("reached"))
        panel.submit()
        phone.command("/hangup")
        qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=10000)
    telephony.controller.calls.flush()
    [call] = _calls(db)
    with db.read() as session:
        [record] = session.query(FollowupRecord).filter_by(template_code="nrs").all()
        attempt = session.get(FollowupAttempt, record.attempt_id)
    assert attempt.call_id == call.id
    assert record.task_id == hospital.tasks["wang_due"]


# --- recording consent (不同意录音) --------------------------------------------------


@pytest.fixture
def wang_refuses(db: Database, hospital: Hospital) -> None:
    with db.write() as session:
        patient = session.get(Patient, hospital.patients["wang"])
        assert patient is not None
        patient.consent_recording = False


def _recordings(data_dir: DataDir) -> list[Path]:
    return list(data_dir.recordings.glob("*"))


@pytest.fixture
def auto_answer(settings: Settings) -> None:
    # The hardest timing: the call is answered before the number is even looked up.
    settings.set("call.auto_answer", "true")


@pytest.mark.usefixtures("wang_refuses", "auto_answer")
def test_a_refusing_patient_calling_in_is_not_recorded_and_the_log_says_why(
    qtbot, db: Database, workstation, data_dir: DataDir, tmp_path: Path
) -> None:
    window, telephony, settings = workstation
    port = settings.get("sip.listen_port")
    with baresip(tmp_path / "phone", tone=write_tone_wav(tmp_path / "t.wav", 440, 5)) as phone:
        phone.command(f"/dial sip:agent@127.0.0.1:{port}")
        qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=10000)
        label = window.call_panel.recording_label
        assert label.isVisible() and "does not consent" in label.text()
        qtbot.wait(1500)
        phone.command("/hangup")
        qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=10000)
    telephony.controller.calls.flush()
    [call] = _calls(db)
    assert (call.recording_path, call.recording_status) == (None, RecordingStatus.PATIENT_REFUSED)
    assert _recordings(data_dir) == []


@pytest.mark.usefixtures("wang_refuses")
def test_dialling_a_refusing_patient_is_not_recorded(
    qtbot, db: Database, workstation, data_dir: DataDir, tmp_path: Path
) -> None:
    window, telephony, _settings = workstation
    with baresip(tmp_path / "phone", auto_answer=True) as phone:
        telephony.controller.dial_number(phone.uri)
        qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=10000)
        qtbot.wait(1500)
        qtbot.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=10000)
    telephony.controller.calls.flush()
    [call] = _calls(db)
    assert (call.recording_path, call.recording_status) == (None, RecordingStatus.PATIENT_REFUSED)
    assert _recordings(data_dir) == []


@pytest.mark.usefixtures("wang_refuses", "auto_answer")
def test_a_call_transferred_to_the_desk_for_a_refusing_patient_is_not_recorded(
    qtbot, db: Database, workstation, data_dir: DataDir, tmp_path: Path
) -> None:
    """The PBX presents the patient (P-Asserted-Identity) on a call a colleague (8001)
    transferred here."""
    _window, _telephony, settings = workstation
    pbx = Sipp(
        tmp_path / "pbx",
        "uac_identity.xml",
        remote=f"127.0.0.1:{settings.get('sip.listen_port')}",
        extra=[
            "-m",
            "1",
            "-key",
            "from_hdr",
            '"8001" <sip:8001@127.0.0.1>',
            "-key",
            "identity_hdr",
            "P-Asserted-Identity: <sip:13800138000@pbx.test>",
        ],
    )
    assert pbx.wait() == 0, pbx.errors()
    qtbot.waitUntil(lambda: bool(_calls(db)) and _calls(db)[0].ended_at is not None, timeout=10000)
    [call] = _calls(db)
    assert call.answered_at is not None
    assert (call.recording_path, call.recording_status) == (None, RecordingStatus.PATIENT_REFUSED)
    assert _recordings(data_dir) == []


def test_a_hold_the_far_end_refuses_is_reported_and_the_button_tells_the_truth(
    qtbot, workstation, tmp_path: Path
) -> None:
    require("sipp")
    window, telephony, _settings = workstation
    remote = Sipp(tmp_path / "sipp", "uas_refuse_hold.xml", extra=["-m", "1"])
    telephony.controller.dial_number(f"sip:patient@{remote.address}")
    qtbot.waitUntil(lambda: _state(telephony) is LineState.TALKING, timeout=10000)
    qtbot.mouseClick(window.call_panel.hold_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "488" in window.statusBar().currentMessage(), timeout=5000)
    assert "refused the hold" in window.statusBar().currentMessage()
    assert not window.call_panel.hold_button.isChecked()
    assert _state(telephony) is LineState.TALKING
    qtbot.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
    assert remote.wait() == 0, remote.errors()


def test_a_sip_call_popped_again_keeps_one_row(
    qtbot, db: Database, hospital: Hospital, workstation
):
    """The identity of a ringing call can arrive late (a withheld first event, then the
    number); the call stays one line and one row, closed when it ends."""
    window, telephony, _settings = workstation
    first = CallSnapshot("sip-1", CallSource.SIP, CallDirection.INBOUND, "")
    known = replace(first, remote_number="13800138000")
    for event in (CallRinging(first), CallRinging(known)):
        telephony.controller.handle(event)
    assert window.card.card is not None and window.card.card.name == "王秀英"
    ended = replace(known, ended_at=known.started_at)
    telephony.controller.handle(CallEnded(ended, EndReason.MISSED))
    telephony.controller.calls.flush()
    [call] = _calls(db)
    assert (call.patient_id, call.ended_at) == (hospital.patients["wang"], ended.ended_at)
