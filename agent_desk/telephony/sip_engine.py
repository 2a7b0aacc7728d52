"""The SIP softphone engine: one thread owns pjsua2; other threads only queue commands.

Usage (from the composition root)::

    engine = SipEngine(SipConfig(listen_port=5070, auto_answer=True), sink=adapter.post)
    engine.start()                       # raises SipEngineError if the port is taken
    call_id = engine.dial("13800138000")  # CallDialling arrives with this call_id
    engine.hangup(call_id)
    engine.stop()

The sink is called on the SIP thread, one event at a time. It must be quick and must not
block (post to the GUI thread and return); exceptions from it are logged and dropped.

With a registrar, a failed registration is tried again with backoff; *password_source*
(say, a keyring look-up) is asked for the password before each new try, so a corrected
password is taken without a restart. `register_again()` tries at once.

pjsua2 allows one Endpoint per process, so only one SipEngine can run at a time; after
`stop()` a new engine (or the same one) can be started again.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pjsua2 as pj  # type: ignore[import-untyped]

from agent_desk.telephony.events import (
    EventSink,
    RecordingConsent,
    RegistrationChanged,
    RegistrationState,
    TelephonyEvent,
)
from agent_desk.telephony.sip_audio import PcmStream, open_bridge
from agent_desk.telephony.sip_calls import CallBook
from agent_desk.telephony.sip_config import EngineState, SipConfig, SipEngineError
from agent_desk.telephony.sip_identity import dial_uri
from agent_desk.telephony.sip_pj import (
    PjLogBridge,
    create_endpoint,
    destroy_endpoint,
    error_text,
    guarded,
    log_exception,
)

log = logging.getLogger(__name__)

POLL_MS = 10  # command latency vs. idle wake-ups; 10 ms is below anything a person notices
_DTMF_DIGITS = re.compile(r"[0-9*#A-Da-d]+")
_process_lock = threading.Lock()  # pjsua2 has one Endpoint per process
_Command = Callable[[], None]
PasswordSource = Callable[[], str | None]


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, engine: SipEngine) -> None:
        super().__init__()
        self.engine = engine

    @guarded
    def onIncomingCall(self, prm: Any) -> None:
        self.engine._on_incoming_call(self, prm)

    @guarded
    def onRegState(self, prm: Any) -> None:
        self.engine._on_reg_state(prm)


class SipEngine:
    """A Qt-free softphone. Public methods are thread-safe and never block on SIP."""

    def __init__(
        self, config: SipConfig, sink: EventSink, password_source: PasswordSource | None = None
    ) -> None:
        self.config = config
        self._sink = sink
        self._password_source = password_source
        self._state = EngineState.STOPPED
        self._state_lock = threading.Lock()
        self._commands: queue.SimpleQueue[_Command] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self._stopping = False
        self._pending_stream: PcmStream | None = None
        # Owned by the SIP thread from here on:
        self._ep: Any = None
        self._writer: PjLogBridge | None = None
        self._account: _Account | None = None
        self._book: CallBook | None = None
        self._bridge: Any = None
        self._bridged_stream: PcmStream | None = None
        self._retired: list[tuple[float, Any]] = []  # (delete after, audio port)
        self._registration: tuple[RegistrationState, int | None] | None = None
        self._transport_id = -1
        self._password = config.password
        self._failures = 0  # failed registrations in a row: the backoff's exponent
        self._retry_at: float | None = None  # monotonic time of the next try

    # --- lifecycle -----------------------------------------------------------------

    @property
    def state(self) -> EngineState:
        return self._state

    def start(self, timeout_s: float = 10.0) -> None:
        """Bring pjsua2 up on a new SIP thread; returns once it listens or raises."""
        with self._state_lock:
            if self._state in (EngineState.STARTING, EngineState.RUNNING):
                raise SipEngineError("the SIP engine is already running")
            if not _process_lock.acquire(blocking=False):
                raise SipEngineError("another SIP engine is running in this process")
            self._state = EngineState.STARTING
        self._started.clear()
        self._start_error = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sip", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout_s):
            # The thread may still own pjsua2, so the process lock stays taken; ask it to
            # shut itself down if it ever gets going.
            self._stopping = True
            with self._state_lock:
                self._state = EngineState.FAILED
            raise SipEngineError("the SIP engine did not start in time")
        if self._start_error is not None:
            self._thread.join()
            with self._state_lock:
                self._state = EngineState.FAILED
            _process_lock.release()
            raise SipEngineError(
                f"cannot start SIP on {self.config.transport.value}:"
                f"{self.config.listen_address}:{self.config.listen_port}: "
                f"{error_text(self._start_error)}"
            ) from self._start_error
        with self._state_lock:
            self._state = EngineState.RUNNING
        self._commands.put(self._apply_audio)  # in case attach_audio() raced the start

    def stop(self, timeout_s: float = 10.0) -> None:
        """Hang up, unregister, destroy pjsua2 on its own thread, and wait for it."""
        with self._state_lock:
            if self._state is not EngineState.RUNNING:
                return
            self._state = EngineState.STOPPING
        self._commands.put(self._request_stop)
        assert self._thread is not None
        if threading.current_thread() is self._thread:
            # Called from the sink: the loop ends after this command; nobody can wait.
            log.warning("stop() called on the SIP thread; not waiting for it to finish")
            return
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.error("the SIP thread did not stop within %.0f s", timeout_s)
            return  # keep the process lock: pjsua2 is still alive on that thread
        with self._state_lock:
            self._state = EngineState.STOPPED
        _process_lock.release()

    def __enter__(self) -> SipEngine:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- commands (any thread) -----------------------------------------------------

    def dial(self, target: str) -> str:
        """Call a number, `user@host` or SIP URI; returns the new call's id at once.

        Raises ValueError for something undiallable (a bare number without registrar).
        """
        uri = dial_uri(target, self.config.registrar_host, self.config.transport_param)
        call_id = uuid.uuid4().hex
        self._submit(lambda: self._calls().dial(self._account, call_id, uri))
        return call_id

    def answer(self, call_id: str) -> None:
        self._submit(lambda: self._calls().answer(call_id))

    def reject(self, call_id: str) -> None:
        self._submit(lambda: self._calls().reject(call_id))

    def hangup(self, call_id: str) -> None:
        self._submit(lambda: self._calls().hangup(call_id))

    def hold(self, call_id: str) -> None:
        self._submit(lambda: self._calls().hold(call_id))

    def resume(self, call_id: str) -> None:
        self._submit(lambda: self._calls().resume(call_id))

    def mute(self, call_id: str, muted: bool) -> None:
        self._submit(lambda: self._calls().mute(call_id, muted))

    def set_recording(self, call_id: str, consent: RecordingConsent) -> None:
        """Record the call (GIVEN) or never (REFUSED); until told, nothing is recorded."""
        self._submit(lambda: self._calls().set_recording(call_id, consent))

    def send_dtmf(self, call_id: str, digits: str) -> None:
        """Send digits as RFC 4733 telephone-events; raises ValueError for other characters."""
        if not _DTMF_DIGITS.fullmatch(digits):
            raise ValueError(f"not DTMF digits: {digits!r}")
        self._submit(lambda: self._calls().send_dtmf(call_id, digits.upper()))

    def blind_transfer(self, call_id: str, target: str) -> None:
        uri = dial_uri(target, self.config.registrar_host, self.config.transport_param)
        self._submit(lambda: self._calls().blind_transfer(call_id, uri))

    def attended_transfer(self, call_id: str, other_call_id: str) -> None:
        """Connect the party on *call_id* to the one on *other_call_id* (REFER/Replaces)."""
        self._submit(lambda: self._calls().attended_transfer(call_id, other_call_id))

    def set_dnd(self, enabled: bool) -> None:
        self._submit(lambda: setattr(self._calls(), "dnd", enabled))

    def set_auto_answer(self, enabled: bool) -> None:
        self._submit(lambda: setattr(self._calls(), "auto_answer", enabled))

    def attach_audio(self, stream: PcmStream | None) -> None:
        """Use *stream* as the agent's microphone and earpiece (None: the null device).

        May be called before start(); the stream's frames are 16-bit mono PCM at
        `config.clock_rate`, 20 ms each, called on pjmedia's clock thread.
        """
        self._pending_stream = stream
        if self._state is EngineState.RUNNING:
            self._submit(self._apply_audio)

    def register_again(self) -> None:
        """Read the password afresh and register now (the agent's 重新注册)."""
        self._submit(self._register_now)

    def call_soon(self, command: _Command) -> None:
        """Run *command* on the SIP thread (tests and benchmarks use it to synchronise)."""
        self._submit(command)

    def _submit(self, command: _Command) -> None:
        if self._state is not EngineState.RUNNING:
            raise SipEngineError(f"the SIP engine is {self._state.value}")
        self._commands.put(command)

    def _calls(self) -> CallBook:
        assert self._book is not None, "called off the SIP thread or after stop"
        return self._book

    # --- the SIP thread ------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._bring_up()
        except BaseException as error:
            log_exception(log, "the SIP engine failed to start")
            self._start_error = error
            self._started.set()
            return
        self._started.set()
        try:
            while not self._stopping:
                self._drain_commands()
                self._ep.libHandleEvents(POLL_MS)
                now = time.monotonic()
                self._calls().tick()
                if self._retired and self._retired[0][0] < now:
                    self._retired.pop(0)
                if self._retry_at is not None and self._retry_at <= now:
                    self._retry_at = None
                    self._commands.put(self._register_now)
        except BaseException:
            log_exception(log, "the SIP event loop failed; shutting the engine down")
        finally:
            self._tear_down()

    def _drain_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                command()
            except pj.Error as error:
                log.error("SIP command failed: %s", error_text(error))
            except Exception:
                log_exception(log, "SIP command failed")

    def _request_stop(self) -> None:
        self._stopping = True

    def _emit(self, event: TelephonyEvent) -> None:
        try:
            self._sink(event)
        except Exception:
            log_exception(log, "the telephony event sink raised on %s", type(event).__name__)

    def _bring_up(self) -> None:
        self._writer = PjLogBridge()
        try:
            self._ep, self._transport_id = create_endpoint(self.config, self._writer)
        except BaseException:
            self._writer = None
            raise
        try:
            self._book = CallBook(self.config, self._ep, self._emit)
            self._ep.on_rejected_call = self._book.on_rejected_incoming_call
            self._apply_audio()
            if self.config.registrar_uri is not None:
                self._read_password()
            self._account = _Account(self)
            self._account.create(self._account_config())
        except BaseException:
            self._tear_down()
            raise
        if self.config.registrar_uri is None:
            self._emit(RegistrationChanged(state=RegistrationState.DIRECT))
        else:
            self._emit(RegistrationChanged(state=RegistrationState.REGISTERING))
        log.info(
            "SIP engine listening on %s:%s:%d (%s)",
            self.config.transport.value,
            self.config.listen_address,
            self.config.listen_port,
            self.config.registrar_uri or "direct SIP",
        )

    def _account_config(self) -> Any:
        config = self.config
        host = config.registrar_host or f"{config.listen_address}:{config.listen_port}"
        uri = f"sip:{config.local_user}@{host}{config.transport_param}"
        acc_cfg = pj.AccountConfig()
        display = config.display_name.replace("\\", "").replace('"', "")
        acc_cfg.idUri = f'"{display}" <{uri}>' if display else uri
        acc_cfg.sipConfig.transportId = self._transport_id
        acc_cfg.mediaConfig.transportConfig.port = config.rtp_port
        if config.listen_address not in ("0.0.0.0", "::", ""):
            acc_cfg.mediaConfig.transportConfig.boundAddress = config.listen_address
        if config.registrar_uri is not None:
            acc_cfg.regConfig.registrarUri = config.registrar_uri
            acc_cfg.regConfig.timeoutSec = config.reregister_s
            # pjsua retries only some failures (not 401/403) and never re-reads the password:
            # the engine's own backoff (_on_reg_state) does every retry instead.
            acc_cfg.regConfig.retryIntervalSec = 0
            if config.user and self._password is not None:
                acc_cfg.sipConfig.authCreds.append(
                    pj.AuthCredInfo("digest", "*", config.user, 0, self._password)
                )
        return acc_cfg

    def _on_incoming_call(self, account: Any, prm: Any) -> None:
        self._calls().on_incoming_call(account, prm)

    def _on_reg_state(self, prm: Any) -> None:
        code = int(prm.code)
        retry_in: float | None = None
        if 200 <= code < 300:
            state = (
                RegistrationState.REGISTERED
                if prm.expiration > 0
                else RegistrationState.UNREGISTERED
            )
            self._failures = 0
        else:
            state = RegistrationState.FAILED
            if not self._stopping:
                retry_in = self._schedule_retry()
        log.info("registration: %s %d %s", state.value, code, prm.reason)
        if self._registration == (state, code) and state is not RegistrationState.FAILED:
            return  # a routine refresh: nothing the UI needs to hear
        self._registration = (state, code)
        self._emit(
            RegistrationChanged(
                state=state, status_code=code, reason=str(prm.reason), retry_in_s=retry_in
            )
        )

    def _schedule_retry(self) -> float:
        delay = min(self.config.retry_s * 2.0**self._failures, self.config.retry_max_s)
        self._failures += 1
        self._retry_at = time.monotonic() + delay
        return delay

    def _read_password(self) -> bool:
        """Ask the password source for the newest password; True if it changed."""
        if self._password_source is None:
            return False
        try:
            password = self._password_source()
        except Exception as error:  # an unavailable keyring: keep the password we have
            log.warning("reading the SIP password: %s", error_text(error))
            return False
        changed = password != self._password
        self._password = password
        return changed

    def _register_now(self) -> None:
        """Take the newest password, then send a REGISTER (SIP thread)."""
        self._retry_at = None
        if self._account is None or self.config.registrar_uri is None:
            return
        self._registration = None
        self._emit(RegistrationChanged(state=RegistrationState.REGISTERING))
        if self._read_password():
            self._account.modify(self._account_config())  # registers with the new password
        else:
            self._account.setRegistration(True)

    def _apply_audio(self) -> None:
        """Make the latest attach_audio() stream the agent's source (idempotent)."""
        stream = self._pending_stream
        if stream is self._bridged_stream:
            return
        old = self._bridge
        self._bridge = open_bridge(stream, self.config.clock_rate) if stream else None
        self._bridged_stream = stream
        self._calls().set_source(self._bridge)
        if old is not None:
            # The bridge's clock thread may still be inside this port's callbacks, and
            # pjmedia 2.15 disconnects ports asynchronously: let it rest a second before
            # the Python side (which the C++ port calls into) is freed.
            self._retired.append((time.monotonic() + 1.0, old))

    def _pump(self, done: Callable[[], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not done() and time.monotonic() < deadline:
            self._ep.libHandleEvents(POLL_MS)

    def _tear_down(self) -> None:
        """Calls, then audio, then account, then the library — all on this thread."""
        book = self._book
        try:
            if book is not None:
                book.hang_up_all()
                self._pump(lambda: len(book) == 0, 2.0)
                book.abandon_all()
                book.set_source(None)
            if self._bridge is not None:
                # Retired like a replaced port: pjmedia disconnects it asynchronously, and
                # freed at once its Python side was gone while the clock still called it.
                self._retired.append((0.0, self._bridge))
            self._bridge = None
            self._bridged_stream = None
            self._pump(lambda: False, 0.2 if self._retired else 0.0)
            self._retired.clear()
            if self._account is not None:
                self._unregister()
                self._account.shutdown()
        except Exception:
            log_exception(log, "error while stopping the SIP engine; destroying it anyway")
        finally:
            if self._ep is not None:
                self._ep.on_rejected_call = None
            self._book = None
            self._account = None
            self._bridge = None
            if self._ep is not None:
                destroy_endpoint(self._ep)
            self._ep = None
            self._writer = None  # safe only now: libDestroy deleted its C++ side
            self._registration = None
            log.info("SIP engine stopped")

    def _unregister(self) -> None:
        assert self._account is not None
        if self._registration is None or self._registration[0] is not RegistrationState.REGISTERED:
            return
        try:
            self._account.setRegistration(False)
        except pj.Error as error:
            log.warning("unregistering: %s", error_text(error))
            return
        self._pump(
            lambda: (
                self._registration is None
                or self._registration[0] is not RegistrationState.REGISTERED
            ),
            1.0,
        )
