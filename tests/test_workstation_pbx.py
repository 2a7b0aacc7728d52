"""The workstation registers with a PBX (sipp, Kamailio; digest auth), password from the keyring."""

from __future__ import annotations

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

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
from tests.registrar import Kamailio
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


def test_a_refusal_is_shown_and_a_password_typed_in_the_window_registers(
    qtbot, db: Database, data_dir: DataDir, memory_keyring: MemoryKeyring, tmp_path
) -> None:
    registrar = Kamailio(tmp_path / "kamailio", "right-pass")
    settings = Settings(data_dir.settings)
    settings.set("sip.listen_port", str(free_port()))
    settings.set("sip.registrar", f"sip:{registrar.address}")
    settings.set("sip.user", "agent01")
    secrets.set_secret(SIP_KEYRING_ENTRY, "wrong-pass")
    with db.write() as session:
        agent = staff.add_user(session, "agent1", "long enough", Role.AGENT)
    window = build_main_window(db, settings, agent)
    qtbot.addWidget(window)
    telephony = start_telephony(window, db, settings, data_dir, agent)
    try:
        status = window.findChild(SipLineStatus)
        qtbot.waitUntil(lambda: status.state is RegistrationState.FAILED, timeout=10000)
        assert status.label.text().startswith("Not registered: wrong SIP user or password")
        assert status.retry_button.isVisibleTo(window)
        QTimer.singleShot(0, lambda: type_into_dialog("right-pass"))
        (action,) = [a for a in window.call_menu.actions() if a.text() == "SIP password…"]
        action.trigger()
        qtbot.waitUntil(lambda: status.state is RegistrationState.REGISTERED, timeout=10000)
        assert secrets.get_secret(SIP_KEYRING_ENTRY) == "right-pass"
        assert len(registrar.bindings("agent01")) == 1
    finally:
        telephony.stop()
        registrar.stop()


def type_into_dialog(text: str) -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue(text)
    dialog.accept()
