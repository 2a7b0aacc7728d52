"""The ring logic of an analogue line: modem lines and times in, call events out.

An analogue line tells us very little: RING lines, one caller-ID block per call, and nothing at
all when the caller hangs up or someone answers. `CallTracker` turns that into the same
CallRinging/CallEnded events a SIP call makes. It is pure, so it is tested without a port;
agent_desk.telephony.modem feeds it from the serial port.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

import uuid_utils

from agent_desk.domain.enums import CallDirection, RecordingStatus
from agent_desk.telephony.caller_id import (
    CallerId,
    Field,
    FieldLine,
    ModemLine,
    RawLine,
    RingLine,
    caller_id_from_fields,
)
from agent_desk.telephony.events import (
    CallEnded,
    CallRinging,
    CallSnapshot,
    CallSource,
    EndReason,
    TelephonyEvent,
    utcnow,
)

log = logging.getLogger(__name__)

NS_PER_SECOND: Final = 1_000_000_000


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
        self._ring_gap_ns = int(ring_gap_s * NS_PER_SECOND)
        self._block_gap_ns = int(block_gap_s * NS_PER_SECOND)
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
