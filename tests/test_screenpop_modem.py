"""End to end on a real PTY: a caller-ID modem rings, and the patient's card pops."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.db.models import Call
from agent_desk.domain.enums import Role
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.call_panel import LineState
from agent_desk.ui.telephony_setup import start_telephony
from tests.builders import Hospital
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
