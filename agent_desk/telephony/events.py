"""What the telephony engines report: small immutable events, the same for SIP and modem.

Engines run on their own threads and emit these through a plain callback; the UI's
adapter turns them into Qt signals on the GUI thread. Nothing here knows of Qt.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from agent_desk.domain.enums import CallDirection, RecordingStatus


class CallSource(StrEnum):
    SIP = "sip"
    MODEM = "modem"


class CallerIdPrivacy(StrEnum):
    """Why a caller-ID has no number (the modem's O, P and A; SIP's anonymous)."""

    OUT_OF_AREA = "out_of_area"
    PRIVATE = "private"
    ANONYMOUS = "anonymous"


class RegistrationState(StrEnum):
    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"
    DIRECT = "direct"  # no registrar: listening for direct SIP calls


class ModemState(StrEnum):
    OPENING = "opening"
    READY = "ready"
    UNPLUGGED = "unplugged"
    FAILED = "failed"


class EndReason(StrEnum):
    HANGUP_LOCAL = "hangup_local"
    HANGUP_REMOTE = "hangup_remote"
    REJECTED = "rejected"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    TRANSFERRED = "transferred"
    MISSED = "missed"  # rang and stopped without being answered (modem: rings stopped)


class RecordingConsent(StrEnum):
    """What the screen-pop decided about recording one call, sent back to its line.

    A line records nothing until it is told GIVEN; REFUSED is final for the call (a
    later GIVEN is ignored) and discards whatever was recorded before it.
    """

    GIVEN = "given"
    REFUSED = "refused"  # the patient said 不同意录音


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CallSnapshot:
    """One call as it stands when the event was made."""

    call_id: str
    source: CallSource
    direction: CallDirection
    remote_number: str  # as signalled, before normalisation; "" when withheld
    display_name: str = ""
    privacy: CallerIdPrivacy | None = None
    started_at: datetime = field(default_factory=utcnow)
    answered_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TelephonyEvent:
    # perf_counter_ns when the engine learnt of it: the screen-pop benchmark starts here.
    monotonic_ns: int = field(default_factory=time.perf_counter_ns, kw_only=True)


@dataclass(frozen=True, slots=True)
class CallRinging(TelephonyEvent):
    call: CallSnapshot
    ring_count: int = 1


@dataclass(frozen=True, slots=True)
class CallDialling(TelephonyEvent):
    call: CallSnapshot


@dataclass(frozen=True, slots=True)
class CallAnswered(TelephonyEvent):
    call: CallSnapshot


@dataclass(frozen=True, slots=True)
class CallHeld(TelephonyEvent):
    call: CallSnapshot
    held: bool  # False: resumed


@dataclass(frozen=True, slots=True)
class HoldRefused(TelephonyEvent):
    """The far end answered our hold (or resume) re-INVITE with an error: nothing changed."""

    call: CallSnapshot
    held: bool  # what we asked for: True to hold, False to resume
    status_code: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CallEnded(TelephonyEvent):
    call: CallSnapshot
    reason: EndReason
    recording: Path | None = None  # finalised and playable when this event is emitted
    # RECORDED with a recording; otherwise why there is none.
    recording_status: RecordingStatus = RecordingStatus.NOT_CONNECTED


@dataclass(frozen=True, slots=True)
class RegistrationChanged(TelephonyEvent):
    state: RegistrationState
    status_code: int | None = None
    reason: str = ""
    retry_in_s: float | None = None  # FAILED: when the engine tries again by itself


@dataclass(frozen=True, slots=True)
class ModemStatus(TelephonyEvent):
    state: ModemState
    port: str
    detail: str = ""


EventSink = Callable[[TelephonyEvent], None]
