"""The workstation registers with a PBX (sipp with digest auth), password from the keyring."""

from __future__ import annotations

import pytest

from agent_desk import secrets
from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.telephony.events import RegistrationState
from agent_desk.ui.app import build_main_window
from agent_desk.ui.sip_status import SipLineStatus
from agent_desk.ui.telephony_setup import SIP_KEYRING_ENTRY, start_telephony
from tests.keyring_memory import MemoryKeyring
from tests.sip_peers import Sipp, free_port, require

pytestmark = pytest.mark.usefixtures("qapp")


def test_registers_with_the_keyring_password_and_shows_it(
    qtbot, db: Database, data_dir: DataDir, memory_keyring: MemoryKeyring, tmp_path
) -> None:
    require("sipp")
    registrar = Sipp(tmp_path / "registrar", "registrar_auth.xml", extra=["-m", "1"])
    settings = Settings(data_dir.settings)
    settings.set("sip.listen_port", str(free_port()))
    settings.set("sip.registrar", f"sip:{registrar.address}")
    settings.set("sip.user", "agent01")
    secrets.set_secret(SIP_KEYRING_ENTRY, "s3cret-pass")
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    window = build_main_window(db, settings, agent)
    qtbot.addWidget(window)
    telephony = start_telephony(window, db, settings, data_dir, agent)
    try:
        status = window.findChild(SipLineStatus)
        qtbot.waitUntil(lambda: status.state is RegistrationState.REGISTERED, timeout=10000)
        assert status.label.text() == "Registered with the PBX"
    finally:
        telephony.stop()  # unregisters: the scenario expects the REGISTER with Expires 0
    assert registrar.wait() == 0, registrar.errors()
    assert "s3cret-pass" not in settings.path.read_text()
