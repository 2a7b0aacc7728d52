"""End to end on a real PTY: a caller-ID modem rings, and the patient's card pops."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtWidgets import QLabel

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.db.models import Call, Patient, PatientContact
from agent_desk.domain.enums import ContactRelation, RecordingStatus, Role
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.call_panel import LineState
from agent_desk.ui.telephony_setup import start_telephony
from tests.builders import Hospital, add_patient
from tests.serial_pair import ModemPlayer, SocatPair, requires_socat

pytestmark = [requires_socat, pytest.mark.usefixtures("qapp")]


@pytest.fixture
def modem_line(tmp_path: Path):
    with SocatPair(tmp_path) as pair:
        player = ModemPlayer(pair.modem_path)
        yield pair, player
        player.close()


def test_modem_call_pops_the_card_and_logs_the_call(
    qtbot, db: Database, hospital: Hospital, data_dir: DataDir, modem_line
) -> None:
    pair, player = modem_line
    settings = Settings(data_dir.settings)
    settings.set("sip.enabled", "false")
    settings.set("modem.port", str(pair.app_path))
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    window = build_main_window(db, settings, agent)
    qtbot.addWidget(window)
    telephony = start_telephony(window, db, settings, data_dir, agent)
    try:
        qtbot.waitUntil(lambda: "ATZ" in player.commands, timeout=5000)
        qtbot.wait(300)  # let the probe finish before the exchange starts talking
        player.send_lines("DATE = 1123", "TIME = 1405", "NMBR = 13800138000")
        qtbot.waitUntil(lambda: window.card.card is not None, timeout=5000)
        assert window.card.card.name == "王秀英"
        assert window.card.selected_task().id == hospital.tasks["wang_due"]
        player.send_lines("RING")
        qtbot.waitUntil(lambda: "138****8000" in window.call_panel.status.text(), timeout=5000)
        line = telephony.controller.current_line()
        assert line is not None and line.state is LineState.RINGING
        # A modem call is answered on the desk phone: the strip offers no buttons for it.
        assert not window.call_panel.answer_button.isVisibleTo(window.call_panel)
    finally:
        telephony.stop()
    qtbot.waitUntil(lambda: telephony.controller.current_line() is None, timeout=5000)
    with db.read() as session:
        [call] = session.query(Call).all()
    assert (call.patient_id, call.remote_e164) == (hospital.patients["wang"], "+8613800138000")
    assert call.ended_at is not None


@pytest.fixture
def desk(qtbot, db: Database, hospital: Hospital, data_dir: DataDir, modem_line):
    """The window with a caller-ID modem, ready for the exchange to talk."""
    pair, player = modem_line
    settings = Settings(data_dir.settings)
    settings.set("sip.enabled", "false")
    settings.set("modem.port", str(pair.app_path))
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    window = build_main_window(db, settings, agent)
    qtbot.addWidget(window)
    window.show()
    telephony = start_telephony(window, db, settings, data_dir, agent)
    qtbot.waitUntil(lambda: "ATZ" in player.commands, timeout=5000)
    qtbot.wait(300)
    yield window, telephony, player
    telephony.stop()


def _rows(db: Database) -> list[Call]:
    with db.read() as session:
        return session.query(Call).all()


def test_a_ring_before_the_caller_id_is_one_call_and_one_closed_row(
    qtbot, db: Database, hospital: Hospital, desk
) -> None:
    window, telephony, player = desk
    player.send_lines("RING")
    qtbot.waitUntil(lambda: telephony.controller.current_line() is not None, timeout=5000)
    player.send_lines("DATE = 1123", "TIME = 1405", "NMBR = 13800138000")
    qtbot.waitUntil(lambda: window.card.card is not None, timeout=5000)
    telephony.stop()  # the line goes quiet: the call ends
    [call] = _rows(db)
    assert (call.patient_id, call.remote_e164) == (hospital.patients["wang"], "+8613800138000")
    assert call.ended_at is not None
    assert call.recording_status is RecordingStatus.LINE_CANNOT_RECORD


def test_a_refusing_patient_on_the_modem_line_is_marked_not_recorded(
    qtbot, db: Database, hospital: Hospital, desk
) -> None:
    window, telephony, player = desk
    with db.write() as session:
        patient = session.get(Patient, hospital.patients["wang"])
        assert patient is not None
        patient.consent_recording = False
    player.send_lines("DATE = 1123", "TIME = 1405", "NMBR = 13800138000")
    qtbot.waitUntil(lambda: window.card.card is not None, timeout=5000)
    label = window.call_panel.recording_label
    assert label.isVisible() and "does not consent" in label.text()
    telephony.stop()
    [call] = _rows(db)
    assert call.recording_status is RecordingStatus.PATIENT_REFUSED


def test_a_new_call_takes_the_previous_patients_card_and_form_off_the_screen(
    qtbot, hospital: Hospital, desk
) -> None:
    window, _telephony, player = desk
    window.open_patient(hospital.patients["wang"])  # allergy and cardiac flags, form open
    assert window.followup.view is not None
    player.send_lines("DATE = 1123", "TIME = 1405", "NMBR = 01087654321")  # two patients
    qtbot.waitUntil(lambda: window.card.card is None, timeout=5000)
    flags = window.card.findChildren(QLabel, "riskFlag")
    assert not any(flag.isVisibleTo(window.card) for flag in flags)
    assert window.followup.view is None and not window.followup.isEnabled()


def test_a_relative_calling_is_named_on_the_pop(
    qtbot, db: Database, hospital: Hospital, desk
) -> None:
    window, _telephony, player = desk
    add_patient(
        db,
        hospital,
        "zhang",
        "张海林",
        "D000000009",
        [("13700001111", ContactRelation.SELF), ("13911112222", ContactRelation.CHILD)],
    )
    with db.write() as session:
        child = session.query(PatientContact).filter_by(raw_number="13911112222").one()
        child.contact_name = "张红洁"
    player.send_lines("DATE = 1123", "TIME = 1405", "NMBR = 13911112222")
    qtbot.waitUntil(lambda: window.card.card is not None, timeout=5000)
    assert window.card.card.name == "张海林"
    assert "张海林 (on the line: Child 张红洁)" in window.call_panel.status.text()


def test_the_callers_card_comes_first_and_the_form_follows(qtbot, hospital: Hospital, desk) -> None:
    window, telephony, player = desk
    form_at_pop: list[object] = []
    telephony.controller.popped.connect(lambda _pop: form_at_pop.append(window.followup.card))
    player.send_lines("DATE = 1123", "TIME = 1405", "NMBR = 13800138000")
    qtbot.waitUntil(lambda: window.followup.card is not None, timeout=5000)
    assert form_at_pop == [None]  # the card was on screen before the form was built
    assert window.followup.card is window.card.card  # and then the form is the caller's
