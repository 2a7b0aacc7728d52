"""End to end with a real SIP phone (baresip): the card pops, the call is logged and recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.db.models import Call, FollowupAttempt, FollowupRecord
from agent_desk.domain.enums import CallDirection, Role
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.call_panel import LineState
from agent_desk.ui.telephony_setup import Telephony, start_telephony
from tests.builders import Hospital
from tests.sip_peers import (
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
def workstation(qtbot, db: Database, hospital: Hospital, data_dir: DataDir):
    require("baresip")
    settings = Settings(data_dir.settings)
    settings.set("sip.listen_port", str(free_port()))
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
