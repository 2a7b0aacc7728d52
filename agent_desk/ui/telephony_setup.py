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
from agent_desk.domain.permissions import Permission
from agent_desk.domain.views import StaffView
from agent_desk.paths import DataDir, private_folder
from agent_desk.secrets import SecretStoreUnavailable, get_secret, set_secret
from agent_desk.services.calls import CallService
from agent_desk.services.recording_store import RecordingStore
from agent_desk.settings import Settings
from agent_desk.telephony.events import RegistrationChanged, TelephonyEvent
from agent_desk.telephony.pcm_buffer import HeadsetStream
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.sip_status import SipLineStatus, ask_sip_password
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
    stopped: bool = False

    def stop(self) -> None:
        """Hang up, un-register and close the call log; a second call does nothing."""
        if self.stopped:
            return
        self.stopped = True
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


@dataclass
class SipPassword:
    """The engine asks this before every registration: the keyring's password, so that
    `agent-desk secret set sip.password` is taken without a restart, or one typed in the
    window for this session when there is no keyring."""

    session_only: str | None = None

    def __call__(self) -> str | None:
        if self.session_only is not None:
            return self.session_only
        return get_secret(SIP_KEYRING_ENTRY)

    def set(self, password: str) -> str | None:
        """Keep *password* in the keyring; returns the problem when there is none."""
        try:
            set_secret(SIP_KEYRING_ENTRY, password)
        except SecretStoreUnavailable as exc:
            self.session_only = password
            return str(exc)
        self.session_only = None
        return None


def _start_sip(
    settings: Settings, data_dir: DataDir, telephony: Telephony, password: SipPassword
) -> Any:
    from agent_desk.telephony.sip_config import SipConfig, SipEngineError, SipTransport
    from agent_desk.telephony.sip_engine import SipEngine

    if settings.get("sip.registrar"):
        try:
            password()  # said now: the PBX's refusal alone would not tell why
        except SecretStoreUnavailable as exc:
            telephony.problems.append(str(exc))

    config = SipConfig(
        listen_address=settings.get("sip.listen_address"),
        listen_port=int(settings.get("sip.listen_port")),
        transport=SipTransport(settings.get("sip.transport")),
        registrar=settings.get("sip.registrar") or None,
        user=settings.get("sip.user") or None,
        display_name=settings.get("sip.display_name"),
        auto_answer=bool(settings.get("call.auto_answer")),
        dnd=bool(settings.get("call.do_not_disturb")),
        record=bool(settings.get("call.record")),
        recordings_dir=data_dir.recordings,
        announcement_wav=sound("recording_notice.wav")
        if settings.get("call.announce_recording")
        else None,
    )
    engine = SipEngine(config, telephony.bridge.post, password)
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
        note = QCoreApplication.translate("Telephony", "Headset: %1")
        telephony.problems.append(note.replace("%1", headset.problem))


def _registration_status(bridge: TelephonyBridge) -> SipLineStatus:
    """Made before the engine starts: a queued event reaches only slots connected before it."""
    status = SipLineStatus()

    def on_event(event: TelephonyEvent) -> None:
        if isinstance(event, RegistrationChanged):
            status.show_event(event)

    bridge.arrived.connect(on_event)
    return status


def _offer_registration(
    window: MainWindow, status: SipLineStatus, engine: Any, password: SipPassword
) -> None:
    def set_password() -> None:
        typed = ask_sip_password(window)
        if typed is None:
            return
        problem = password.set(typed)
        if problem is not None:
            note = QCoreApplication.translate(
                "Telephony", "%1; the password is kept until you quit"
            )
            log.warning("telephony: %s", problem)
            window.statusBar().showMessage(note.replace("%1", problem), 15000)
        engine.register_again()

    status.register_again.connect(engine.register_again)
    window.attach_registration(status, set_password)


def wire_calls(
    window: MainWindow,
    db: Database,
    settings: Settings,
    user: StaffView,
    recordings: RecordingStore | None = None,
) -> Telephony:
    """The call controller on *window*, fed by the bridge every line's engine posts to.

    No line is started yet: `start_telephony` starts those the settings ask for, and the
    screen-pop benchmark brings its own.
    """
    bridge = TelephonyBridge(window)
    controller = CallController(
        CallService(
            db,
            window.patients.index,
            settings.phone_plan,
            user.id,
            user.principal,
            recordings=recordings,
        ),
        window.patients,
        window.card,
        window.call_panel,
        window.statusBar(),
        user.principal,
        dial_prefix=settings.get("sip.dial_prefix"),
        ring_sound=sound("ring.wav"),
        parent=window,
        foreground=bridge.foreground,  # marked by the bridge, cleared by the controller
    )
    bridge.arrived.connect(controller.handle)
    window.attach_calls(controller)
    return Telephony(bridge, controller)


def start_telephony(
    window: MainWindow,
    db: Database,
    settings: Settings,
    data_dir: DataDir,
    user: StaffView,
    recordings: RecordingStore | None = None,
) -> Telephony | None:
    """None for a role that does not take calls (an administrator): no line, no pop."""
    if not user.principal.may(Permission.TAKE_CALLS):
        return None
    private_folder(data_dir.recordings)  # calls with patients: owner only
    telephony = wire_calls(window, db, settings, user, recordings)
    bridge, controller = telephony.bridge, telephony.controller
    if settings.get("sip.enabled"):
        password = SipPassword()
        status = _registration_status(bridge)
        engine = _start_sip(settings, data_dir, telephony, password)
        if engine is not None:
            controller.phone = engine
            _offer_registration(window, status, engine, password)
            _start_headset(engine, settings, telephony)
    if settings.get("modem.port"):
        _start_modem(settings, telephony)
    for problem in telephony.problems:
        log.warning("telephony: %s", problem)
    if telephony.problems:
        window.statusBar().showMessage("; ".join(telephony.problems), 15000)
    return telephony
