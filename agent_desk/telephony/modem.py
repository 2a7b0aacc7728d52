"""The serial caller-ID modem: a thread that owns the port.

`ModemEngine` keeps the port open through unplugging and garbage, and feeds each line to the
ring logic (agent_desk.telephony.modem_calls.CallTracker), which makes the call events.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Final

import serial

from agent_desk.telephony.caller_id import (
    GarbageLine,
    LineSplitter,
    Reply,
    ReplyLine,
    classify_line,
)
from agent_desk.telephony.events import EventSink, ModemState, ModemStatus, TelephonyEvent
from agent_desk.telephony.modem_calls import NS_PER_SECOND, CallTracker

log = logging.getLogger(__name__)

# Tried in order after ATZ; modems answer ERROR to the dialects they do not speak.
CALLER_ID_COMMANDS: Final = ("AT+VCID=1", "AT#CID=1", "AT%CCID=1", "AT+CID=1", "AT*ID1")


@dataclass(frozen=True, slots=True)
class ModemConfig:
    port: str  # /dev/ttyACM0, COM3
    baudrate: int = 115200
    country_code: str | None = None  # T.35 code for AT+GCI, e.g. "B5" for China
    ring_gap_s: float = 8.0  # longer than the ring cadence: China 1 s on 4 s off, US 2 s / 4 s
    # Modems print a block in one burst, characters back to back: 20 ms of silence is about
    # 19 character times even at 9600 baud, and short enough for a number-only block (usual
    # in China) to pop well within the 50 ms goal.
    block_gap_s: float = 0.02
    reconnect_s: float = 3.0
    command_timeout_s: float = 1.0
    caller_id_commands: tuple[str, ...] = CALLER_ID_COMMANDS


_IDLE_READ_S: Final = 0.1  # how often the thread looks up when nothing happens (stop, unplug)
_BUSY_READ_S: Final = 0.005  # the tracker has a deadline soon: wake up on time for it
_PRESENCE_CHECK_NS: Final = NS_PER_SECOND // 2
_WRITE_TIMEOUT_S: Final = 1.0


class ModemEngine:
    """Owns the serial port on one thread; events go to *sink* on that thread."""

    def __init__(self, config: ModemConfig, sink: EventSink) -> None:
        self._config = config
        self._sink = sink
        self._tracker = CallTracker(ring_gap_s=config.ring_gap_s, block_gap_s=config.block_gap_s)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._status: tuple[ModemState, str] | None = None
        self._reply: Reply | None = None
        self._splitter = LineSplitter()
        self._read_timeout = _IDLE_READ_S
        self._present_checked_ns = 0
        self.caller_id_command: str | None = None  # the command the modem accepted

    @property
    def state(self) -> ModemState | None:
        status = self._status
        return status[0] if status else None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("modem engine already started")
        self._thread = threading.Thread(target=self._run, name="modem", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.error("modem thread did not stop within %.1f s", timeout_s)

    def _run(self) -> None:
        self._set_status(ModemState.OPENING)
        while not self._stopping.is_set():
            try:
                port = self._open()
            except (serial.SerialException, OSError) as exc:
                # Report the absence once, not on every retry.
                if self.state is not ModemState.UNPLUGGED:
                    self._set_status(ModemState.UNPLUGGED, str(exc))
                self._stopping.wait(self._config.reconnect_s)
                continue
            try:
                self._session(port)
            except (serial.SerialException, OSError) as exc:
                log.warning("modem on %s lost: %s", self._config.port, exc)
                self._set_status(ModemState.UNPLUGGED, str(exc))
            except Exception as exc:
                # A bug here must not leave the line deaf for the rest of the shift: log it,
                # report it, and start over with a fresh port.
                log.exception("modem engine failed on %s", self._config.port)
                self._set_status(ModemState.FAILED, f"internal error: {exc}")
            finally:
                self._deliver(self._tracker.abort(time.perf_counter_ns()))
                _close_quietly(port)
            if not self._stopping.is_set():
                self._stopping.wait(self._config.reconnect_s)

    def _open(self) -> serial.Serial:
        return serial.Serial(
            self._config.port,
            baudrate=self._config.baudrate,
            timeout=_IDLE_READ_S,
            write_timeout=_WRITE_TIMEOUT_S,
            # Another program reading the port would steal caller-ID lines: insist on owning it.
            exclusive=True if os.name == "posix" else None,
        )

    def _session(self, port: serial.Serial) -> None:
        self._splitter = LineSplitter()
        self._read_timeout = _IDLE_READ_S
        port.reset_input_buffer()
        if self.state is ModemState.UNPLUGGED:
            self._set_status(ModemState.OPENING, "back again: initialising")
        if self._initialise(port):
            while not self._stopping.is_set():
                self._pump(port)

    def _initialise(self, port: serial.Serial) -> bool:
        reply = self._command(port, "ATZ")
        if self._stopping.is_set():
            return False
        if reply is not Reply.OK:
            self._set_status(ModemState.FAILED, f"no OK to ATZ ({_describe(reply)})")
            return False
        if self._config.country_code:
            command = f"AT+GCI={self._config.country_code}"
            if (reply := self._command(port, command)) is not Reply.OK:
                log.warning("modem: %s answered %s; keeping its country", command, _describe(reply))
        self.caller_id_command = None
        for command in self._config.caller_id_commands:
            reply = self._command(port, command)
            if self._stopping.is_set():
                return False
            if reply is Reply.OK:
                self.caller_id_command = command
                self._set_status(ModemState.READY, f"caller-ID on with {command}")
                return True
            log.info("modem: %s answered %s", command, _describe(reply))
        # Rings still arrive without caller-ID, so keep listening: the agent still sees calls.
        tried = ", ".join(self._config.caller_id_commands)
        self._set_status(ModemState.FAILED, f"no caller-ID command accepted ({tried}); rings only")
        return True

    def _command(self, port: serial.Serial, command: str) -> Reply | None:
        """Send one AT command; its reply, or None when none came in time.

        A reply that comes after its command timed out is taken for the next command's: a
        modem that slow is rare, and the worst outcome is trying one dialect too few or many.
        """
        self._reply = None
        port.write(command.encode("ascii") + b"\r")
        deadline = time.perf_counter_ns() + int(self._config.command_timeout_s * NS_PER_SECOND)
        while self._reply is None and time.perf_counter_ns() < deadline:
            if self._stopping.is_set():
                return None
            self._pump(port)
        return self._reply

    def _pump(self, port: serial.Serial) -> None:
        """One read (bounded by a short timeout), then whatever the tracker has due."""
        self._adjust_timeout(port)
        data = port.read(1)
        if data and port.in_waiting:
            data += port.read(port.in_waiting)
        now = time.perf_counter_ns()
        for raw in self._splitter.feed(data):
            self._handle(raw, now)
        self._deliver(self._tracker.poll(now))
        if not data:
            self._check_present(now)

    def _handle(self, raw: bytes, at_ns: int) -> None:
        line = classify_line(raw)
        if line is None:
            return
        if isinstance(line, GarbageLine):
            log.warning("modem on %s: skipped %s (%s)", self._config.port, line.text, line.reason)
            return
        if isinstance(line, ReplyLine):
            self._reply = line.reply
        self._deliver(self._tracker.feed(line, at_ns))

    def _adjust_timeout(self, port: serial.Serial) -> None:
        # Changing the timeout reconfigures the port, so switch between two values only.
        deadline = self._tracker.next_deadline_ns()
        soon = (
            deadline is not None
            and deadline - time.perf_counter_ns() < _IDLE_READ_S * NS_PER_SECOND
        )
        wanted = _BUSY_READ_S if soon else _IDLE_READ_S
        if wanted != self._read_timeout:
            port.timeout = wanted
            self._read_timeout = wanted

    def _check_present(self, now_ns: int) -> None:
        # A vanished device node does not always make reads fail (a stale pty, some USB
        # adapters); on POSIX the path going away is the surer sign.
        if os.name != "posix" or now_ns - self._present_checked_ns < _PRESENCE_CHECK_NS:
            return
        self._present_checked_ns = now_ns
        if not os.path.exists(self._config.port):
            raise serial.SerialException(f"{self._config.port} has gone away")

    def _deliver(self, events: list[TelephonyEvent]) -> None:
        for event in events:
            try:
                self._sink(event)
            except Exception:
                # The sink belongs to the application; its failure must not stop the modem.
                log.exception("modem event sink failed on %s", type(event).__name__)

    def _set_status(self, state: ModemState, detail: str = "") -> None:
        if self._status == (state, detail):
            return
        self._status = (state, detail)
        log.info("modem on %s: %s (%s)", self._config.port, state, detail)
        self._deliver([ModemStatus(state, self._config.port, detail)])


def _describe(reply: Reply | None) -> str:
    return str(reply) if reply is not None else "nothing"


def _close_quietly(port: serial.Serial) -> None:
    try:
        port.close()
    except (serial.SerialException, OSError) as exc:
        # A vanished device can fail to close; there is nothing left to release.
        log.debug("closing the modem port: %s", exc)
