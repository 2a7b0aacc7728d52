"""The SIP line starts coming up before the window is built (issue 18, `startup_s`), and
what it says meanwhile reaches the window once there."""

from __future__ import annotations

import socket

import pytest

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.telephony.events import RegistrationState
from agent_desk.ui.app import build_main_window
from agent_desk.ui.sip_status import SipLineStatus
from agent_desk.ui.telephony_setup import begin_telephony, finish_telephony
from tests.sip_peers import free_port

pytestmark = pytest.mark.usefixtures("qapp")


def _udp_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        try:
            udp.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def test_the_line_listens_before_the_window_and_its_first_state_is_shown(
    qtbot, db: Database, data_dir: DataDir
) -> None:
    settings = Settings(data_dir.settings)
    port = free_port()
    settings.set("sip.listen_port", str(port))
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    starting = begin_telephony(settings, data_dir, agent)
    assert starting is not None
    try:
        qtbot.waitUntil(lambda: _udp_taken(port), timeout=10000)  # no window yet
        window = build_main_window(db, settings, agent)
        qtbot.addWidget(window)
    except BaseException:
        starting.abandon()
        raise
    telephony = finish_telephony(starting, window, db, settings, agent)
    try:
        # Said by the engine as it came up, before the window (and its bridge) existed.
        status = window.findChild(SipLineStatus)
        qtbot.waitUntil(lambda: status.state is RegistrationState.DIRECT, timeout=10000)
        assert status.label.text() == "Softphone ready for direct calls"
    finally:
        telephony.stop()
    assert not _udp_taken(port)


def test_a_role_that_takes_no_calls_starts_no_line(db: Database, data_dir: DataDir) -> None:
    with db.write() as session:
        admin = staff.add_user(session, "admin1", "long enough", Role.ADMIN)
    assert begin_telephony(Settings(data_dir.settings), data_dir, admin) is None
