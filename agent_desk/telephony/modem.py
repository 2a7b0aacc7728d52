"""The serial caller-ID modem: a thread that owns the port, and the ring logic behind it.

An analogue line tells us very little: RING lines, one caller-ID block per call, and nothing at
all when the caller hangs up or someone answers. `CallTracker` turns that into the same
CallRinging/CallEnded events a SIP call makes; `ModemEngine` keeps the port open through
unplugging and garbage, and feeds the tracker.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

import serial
import uuid_utils

from agent_desk.domain.enums import CallDirection, RecordingStatus
from agent_desk.telephony.caller_id import (
    CallerId,
    Field,
    FieldLine,
    GarbageLine,
    LineSplitter,
    ModemLine,
    RawLine,
    Reply,
    ReplyLine,
    RingLine,
    caller_id_from_fields,
    classify_line,
)
from agent_desk.telephony.events import (
    CallEnded,
    CallRinging,
    CallSnapshot,
    CallSource,
    EndReason,
    EventSink,
    ModemState,
    ModemStatus,
    TelephonyEvent,
    utcnow,
)

log = logging.getLogger(__name__)

# Tried in order after ATZ; modems answer ERROR to the dialects they do not speak.
CALLER_ID_COMMANDS: Final = ("AT+VCID=1", "AT#CID=1", "AT%CCID=1", "AT+CID=1", "AT*ID1")

_NS = 1_000_000_000


@dataclass
class _Block:
    """Formatted caller-ID fields seen since the last completed block."""

    last_ns: int
    fields: dict[Field, str] = field(default_factory=dict)
    number_ns: int | None = None  # when the number arrived: the pop latency counts from here

    @property
    def identified(self) -> bool:
        return Field.NUMBER in self.fields or Field.DIALABLE_NUMBER in self.fields


@dataclass
class _Call:
    call_id: str
    caller: CallerId
    last_ns: int  # last RING or caller-ID: the call is over a ring gap after this
    started_at: datetime = field(default_factory=utcnow)
    rings: int = 0

    def snapshot(self) -> CallSnapshot:
        return CallSnapshot(
            call_id=self.call_id,
            source=CallSource.MODEM,
            direction=CallDirection.INBOUND,
            remote_number=self.caller.number,
            display_name=self.caller.name,
            privacy=self.caller.privacy,
            started_at=self.started_at,
        )


class CallTracker:
    """Lines and time in, call events out. Pure: times are perf_counter_ns values passed in.

    A caller-ID block completes at once when it holds both a number and a name, or after
    *block_gap_s* of quiet once it holds a number (modems print a block in one burst), or at the
    next RING. A call ends, as missed, *ring_gap_s* after its last RING: the line never says
    whether it was answered. ``ring_count`` is 0 on a CallRinging for a caller-ID that came
    before the first ring, as exchanges in China send it.
    """

    def __init__(self, *, ring_gap_s: float = 8.0, block_gap_s: float = 0.02) -> None:
        self._ring_gap_ns = int(ring_gap_s * _NS)
        self._block_gap_ns = int(block_gap_s * _NS)
        self._block: _Block | None = None
        self._call: _Call | None = None

    @property
    def ringing_call_id(self) -> str | None:
        return self._call.call_id if self._call else None

    def feed(self, line: ModemLine, at_ns: int) -> list[TelephonyEvent]:
        events = self.poll(at_ns)  # settle what was due before this line arrived
        if isinstance(line, RingLine):
            events += self._ring(at_ns)
        elif isinstance(line, FieldLine):
            events += self._field(line, at_ns)
        elif isinstance(line, RawLine):
            caller = line.caller_id
            if self._block is not None:
                caller = caller.completed_with(caller_id_from_fields(self._block.fields))
                self._block = None
            events += self._attach(caller, authoritative=True, at_ns=at_ns)
            events.append(self._ringing(at_ns))
        return events

    def poll(self, now_ns: int) -> list[TelephonyEvent]:
        events: list[TelephonyEvent] = []
        block = self._block
        if block is not None and now_ns - block.last_ns >= self._block_wait_ns(block):
            if block.identified or self._call is not None:
                events += self._complete_block()
            else:
                log.info("caller-ID fields without a number and without a ring: dropped")
                self._block = None
        if self._call is not None and now_ns - self._call.last_ns >= self._ring_gap_ns:
            events.append(self._end(EndReason.MISSED, now_ns))
        return events

    def next_deadline_ns(self) -> int | None:
        """When poll() next has something to do, if ever."""
        deadlines = []
        if self._block is not None:
            deadlines.append(self._block.last_ns + self._block_wait_ns(self._block))
        if self._call is not None:
            deadlines.append(self._call.last_ns + self._ring_gap_ns)
        return min(deadlines, default=None)

    def abort(self, now_ns: int) -> list[TelephonyEvent]:
        """The modem is gone: end the ringing call as failed, so nothing is left hanging."""
        if self._block is not None and self._block.identified:
            log.warning("caller-ID lost: the modem went away before the block completed")
        self._block = None
        return [self._end(EndReason.FAILED, now_ns)] if self._call is not None else []

    def _block_wait_ns(self, block: _Block) -> int:
        # Without a number, only a ring or a call already ringing makes the fields worth keeping.
        if block.identified or self._call is not None:
            return self._block_gap_ns
        return self._ring_gap_ns

    def _ring(self, at_ns: int) -> list[TelephonyEvent]:
        events: list[TelephonyEvent] = []
        pop_ns = at_ns
        if self._block is not None:
            if self._block.identified and self._block.number_ns is not None:
                pop_ns = self._block.number_ns
            events += self._attach_block(at_ns)
        if self._call is None:
            self._call = _Call(_new_call_id(), CallerId(), at_ns)
        self._call.rings += 1
        self._call.last_ns = at_ns
        events.append(self._ringing(pop_ns))
        return events

    def _field(self, line: FieldLine, at_ns: int) -> list[TelephonyEvent]:
        block = self._block or _Block(last_ns=at_ns)
        self._block = block
        block.fields[line.field] = line.value
        block.last_ns = at_ns
        if line.field in (Field.NUMBER, Field.DIALABLE_NUMBER) and block.number_ns is None:
            block.number_ns = at_ns
        # Modems print the name last: with it, the block is plainly complete.
        if block.identified and Field.NAME in block.fields:
            return self._complete_block()
        return []

    def _complete_block(self) -> list[TelephonyEvent]:
        assert self._block is not None
        # The line was last heard from when the block's last field arrived, not when we noticed.
        last_ns = self._block.last_ns
        pop_ns = self._block.number_ns or last_ns
        events = self._attach_block(last_ns)
        events.append(self._ringing(pop_ns))
        return events

    def _attach_block(self, at_ns: int) -> list[TelephonyEvent]:
        assert self._block is not None
        fields = self._block.fields
        self._block = None
        caller = caller_id_from_fields(fields)
        return self._attach(caller, authoritative=Field.NUMBER in fields, at_ns=at_ns)

    def _attach(self, caller: CallerId, *, authoritative: bool, at_ns: int) -> list[TelephonyEvent]:
        """Give the caller-ID to the ringing call, or start one; a new number means a new call."""
        events: list[TelephonyEvent] = []
        call = self._call
        if (
            call is not None
            and authoritative
            and call.caller.identified
            and (caller.number, caller.privacy) != (call.caller.number, call.caller.privacy)
        ):
            log.info("modem call %s: a new caller-ID while it rang, so a new call", call.call_id)
            events.append(self._end(EndReason.MISSED, at_ns))
            call = None
        if call is None:
            self._call = _Call(_new_call_id(), caller, at_ns)
        else:
            call.caller = call.caller.completed_with(caller)
            call.last_ns = at_ns
        return events

    def _ringing(self, pop_ns: int) -> CallRinging:
        assert self._call is not None
        return CallRinging(self._call.snapshot(), self._call.rings, monotonic_ns=pop_ns)

    def _end(self, reason: EndReason, at_ns: int) -> CallEnded:
        assert self._call is not None
        ended = replace(self._call.snapshot(), ended_at=utcnow())
        log.info("modem call %s ended: %s", self._call.call_id, reason)
        self._call = None
        # The call's audio is on the desk phone: this line never hears it.
        return CallEnded(
            ended, reason, recording_status=RecordingStatus.LINE_CANNOT_RECORD, monotonic_ns=at_ns
        )


def _new_call_id() -> str:
    return str(uuid_utils.uuid7())


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
_PRESENCE_CHECK_NS: Final = _NS // 2
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
        deadline = time.perf_counter_ns() + int(self._config.command_timeout_s * _NS)
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
        soon = deadline is not None and deadline - time.perf_counter_ns() < _IDLE_READ_S * _NS
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
