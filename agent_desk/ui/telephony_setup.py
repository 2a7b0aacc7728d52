"""Builds the phone lines the settings ask for and wires them to the window.

Part of the composition root: engines, bridge, headset and controller are made here and
nowhere else, and `Telephony.stop()` takes them down in the right order.

The SIP line starts in two steps (issue 18, `startup_s`): `begin_telephony` before the
window is built, so that pjsua2 comes up on its own thread while the GUI thread builds the
window, and `finish_telephony` once the window is there, which waits for it to listen.
"""

from __future__ import annotations

import logging
import threading
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
from agent_desk.telephony.events import EventSink, RegistrationChanged, TelephonyEvent
from agent_desk.telephony.pcm_buffer import HeadsetStream
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.qt_messages import loading_qt_library
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


class _HeldEvents:
    """The SIP engine's sink while the window is being built: what it says as it comes up
    (its line's first state) is kept, in order, for the bridge made with the window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[TelephonyEvent] = []
        self._sink: EventSink | None = None

    def post(self, event: TelephonyEvent) -> None:
        with self._lock:
            if self._sink is None:
                self._held.append(event)
                return
        self._sink(event)

    def release(self, sink: EventSink) -> None:
        """From now on, events go to *sink*; the kept ones first (under the lock, so that a
        new event cannot overtake them)."""
        with self._lock:
            for event in self._held:
                sink(event)
            self._held.clear()
            self._sink = sink


class _SipStart:
    """SipEngine.start() waits for the SIP thread to listen: it waits here, on a thread of
    its own, while the window is built. pjsua2 is touched only by the engine's thread."""

    def __init__(self, engine: Any, held: _HeldEvents, password: SipPassword) -> None:
        self.engine = engine
        self.held = held
        self.password = password
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._start, name="sip-start", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        from agent_desk.telephony.sip_config import SipEngineError

        try:
            self.engine.start()
        except SipEngineError as exc:  # said by finish_telephony, on the GUI thread
            self._error = exc

    def wait(self) -> Exception | None:
        """None once the engine listens, or why it does not."""
        self._thread.join()
        return self._error


@dataclass
class StartingLines:
    """What begin_telephony started; finish_telephony (or, should the window not be built,
    abandon) takes it over."""

    problems: list[str] = field(default_factory=list)
    sip: _SipStart | None = None

    def abandon(self) -> None:
        if self.sip is not None and self.sip.wait() is None:
            self.sip.engine.stop()


def _begin_sip(settings: Settings, data_dir: DataDir, starting: StartingLines) -> None:
    from agent_desk.telephony.sip_config import SipConfig, SipTransport
    from agent_desk.telephony.sip_engine import SipEngine

    password = SipPassword()
    if settings.get("sip.registrar"):
        try:
            password()  # said now: the PBX's refusal alone would not tell why
        except SecretStoreUnavailable as exc:
            starting.problems.append(str(exc))

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
    held = _HeldEvents()
    starting.sip = _SipStart(SipEngine(config, held.post, password), held, password)


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
    with loading_qt_library():  # Qt Multimedia (agent_desk.ui.qt_messages)
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
        window.background,  # its work waits while a call pops
        dial_prefix=settings.get("sip.dial_prefix"),
        ring_sound=sound("ring.wav"),
        parent=window,
        foreground=bridge.foreground,  # marked by the bridge, cleared by the controller
    )
    bridge.arrived.connect(controller.handle)
    window.attach_calls(controller)
    return Telephony(bridge, controller)


def begin_telephony(settings: Settings, data_dir: DataDir, user: StaffView) -> StartingLines | None:
    """Before the window: the SIP line, when the settings ask for one, starts coming up.
    None for a role that does not take calls (an administrator): no line, no pop."""
    if not user.principal.may(Permission.TAKE_CALLS):
        return None
    private_folder(data_dir.recordings)  # calls with patients: owner only
    starting = StartingLines()
    if settings.get("sip.enabled"):
        _begin_sip(settings, data_dir, starting)
    return starting


def finish_telephony(
    starting: StartingLines,
    window: MainWindow,
    db: Database,
    settings: Settings,
    user: StaffView,
    recordings: RecordingStore | None = None,
) -> Telephony:
    """The lines begun by begin_telephony, wired to *window*, once the SIP line listens."""
    telephony = wire_calls(window, db, settings, user, recordings)
    telephony.problems.extend(starting.problems)
    bridge, controller = telephony.bridge, telephony.controller
    sip = starting.sip
    if sip is not None:
        status = _registration_status(bridge)
        error = sip.wait()
        if error is not None:
            telephony.problems.append(str(error))
        else:
            engine = sip.engine
            telephony.engines.append(engine)
            controller.phone = engine
            _offer_registration(window, status, engine, sip.password)
            _start_headset(engine, settings, telephony)
        sip.held.release(bridge.post)
    if settings.get("modem.port"):
        _start_modem(settings, telephony)
    for problem in telephony.problems:
        log.warning("telephony: %s", problem)
    if telephony.problems:
        window.statusBar().showMessage("; ".join(telephony.problems), 15000)
    return telephony


def start_telephony(
    window: MainWindow,
    db: Database,
    settings: Settings,
    data_dir: DataDir,
    user: StaffView,
    recordings: RecordingStore | None = None,
) -> Telephony | None:
    """begin_telephony and finish_telephony at once, for a window already built."""
    starting = begin_telephony(settings, data_dir, user)
    if starting is None:
        return None
    return finish_telephony(starting, window, db, settings, user, recordings)
