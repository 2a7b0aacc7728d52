"""Builds the phone lines the settings ask for and wires them to the window.

Part of the composition root: engines, bridge, headset and controller are made here and
nowhere else, and `Telephony.stop()` takes them down in the right order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from agent_desk.db.engine import Database
from agent_desk.domain.views import StaffView
from agent_desk.paths import DataDir, private_folder
from agent_desk.secrets import SecretStoreUnavailable, get_secret
from agent_desk.services.calls import CallService
from agent_desk.settings import Settings
from agent_desk.telephony.pcm_buffer import HeadsetStream
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.telephony_bridge import TelephonyBridge

log = logging.getLogger(__name__)

SIP_KEYRING_ENTRY = "sip.password"  # the name under which the keyring keeps it


def sound(name: str) -> Path:
    return Path(str(files("agent_desk.resources") / "sounds" / name))


@dataclass
class Telephony:
    bridge: TelephonyBridge
    controller: CallController
    engines: list[Any] = field(default_factory=list)
    headset: Any = None
    problems: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for engine in reversed(self.engines):
            try:
                engine.stop()
            except Exception:
                log.exception("stopping %s", type(engine).__name__)
        if self.headset is not None:
            self.headset.stop()
        # The engines' last events (calls ended by the stop) are queued for this thread:
        # let them reach the call log before its writer closes.
        QCoreApplication.sendPostedEvents()
        self.controller.calls.close()


def _sip_password(settings: Settings, problems: list[str]) -> str | None:
    if not settings.get("sip.registrar"):
        return None
    try:
        return get_secret(SIP_KEYRING_ENTRY)
    except SecretStoreUnavailable as exc:
        problems.append(str(exc))
        return None


def _start_sip(settings: Settings, data_dir: DataDir, telephony: Telephony) -> Any:
    from agent_desk.telephony.sip_config import SipConfig, SipEngineError, SipTransport
    from agent_desk.telephony.sip_engine import SipEngine

    config = SipConfig(
        listen_address=settings.get("sip.listen_address"),
        listen_port=int(settings.get("sip.listen_port")),
        transport=SipTransport(settings.get("sip.transport")),
        registrar=settings.get("sip.registrar") or None,
        user=settings.get("sip.user") or None,
        password=_sip_password(settings, telephony.problems),
        display_name=settings.get("sip.display_name"),
        auto_answer=bool(settings.get("call.auto_answer")),
        dnd=bool(settings.get("call.do_not_disturb")),
        record=bool(settings.get("call.record")),
        recordings_dir=data_dir.recordings,
        announcement_wav=sound("recording_notice.wav")
        if settings.get("call.announce_recording")
        else None,
    )
    engine = SipEngine(config, telephony.bridge.post)
    try:
        engine.start()
    except SipEngineError as exc:
        telephony.problems.append(str(exc))
        return None
    telephony.engines.append(engine)
    return engine


def _start_modem(settings: Settings, telephony: Telephony) -> None:
    from agent_desk.telephony.modem import ModemConfig, ModemEngine

    engine = ModemEngine(
        ModemConfig(
            port=settings.get("modem.port"),
            baudrate=int(settings.get("modem.baudrate")),
            country_code=settings.get("modem.country_code") or None,
        ),
        telephony.bridge.post,
    )
    engine.start()  # an absent device is reported as a status and retried, never raised
    telephony.engines.append(engine)


def _start_headset(engine: Any, settings: Settings, telephony: Telephony) -> None:
    from agent_desk.ui.headset import Headset

    stream = HeadsetStream(engine.config.clock_rate)
    headset = Headset(stream, settings.get("audio.input"), settings.get("audio.output"))
    if headset.start():
        engine.attach_audio(stream)
        telephony.headset = headset
    else:
        telephony.problems.append(f"headset: {headset.problem}")


def start_telephony(
    window: MainWindow, db: Database, settings: Settings, data_dir: DataDir, user: StaffView
) -> Telephony:
    private_folder(data_dir.recordings)  # calls with patients: owner only
    bridge = TelephonyBridge(window)
    plan = settings.phone_plan
    controller = CallController(
        CallService(db, window.patients.index, plan, user.id, user.username),
        window.patients,
        window.card,
        window.call_panel,
        window.statusBar(),
        user.username,
        dial_prefix=settings.get("sip.dial_prefix"),
        ring_sound=sound("ring.wav"),
        parent=window,
    )
    bridge.arrived.connect(controller.handle)
    telephony = Telephony(bridge, controller)
    if settings.get("sip.enabled"):
        engine = _start_sip(settings, data_dir, telephony)
        if engine is not None:
            controller.phone = engine
            _start_headset(engine, settings, telephony)
    if settings.get("modem.port"):
        _start_modem(settings, telephony)
    window.attach_calls(controller)
    for problem in telephony.problems:
        log.warning("telephony: %s", problem)
    if telephony.problems:
        window.statusBar().showMessage("; ".join(telephony.problems), 15000)
    return telephony
