"""Caller-ID as a serial modem prints it, and the calls that its lines add up to.

Two layers, both pure (no I/O, no clock of their own):

* parsing: one line from the modem becomes a `ModemLine` (a RING, a formatted field such as
  ``NMBR = 13800138000``, a raw SDMF/MDMF message in hex, a command reply, or garbage);
* `CallTracker`: lines and the passing of time become `CallRinging` and `CallEnded`, the same
  events the SIP engine emits.

Exchanges in China (YDN 069, like ETSI) send the caller-ID before the first ring; North American
ones send it between the first and second ring. The tracker accepts both orders.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum

from agent_desk.domain.masking import mask_phone
from agent_desk.telephony.events import CallerIdPrivacy

log = logging.getLogger(__name__)


class CallerIdError(ValueError):
    """A caller-ID message that cannot be trusted; the reason says why."""


class Field(StrEnum):
    """Formatted caller-ID fields, as printed after AT+VCID=1 or AT#CID=1."""

    DATE = "DATE"
    TIME = "TIME"
    NUMBER = "NMBR"
    NAME = "NAME"
    MESSAGE = "MESG"
    DIALABLE_NUMBER = "DDN_NMBR"


class Reply(StrEnum):
    OK = "OK"
    ERROR = "ERROR"


class MessageType(IntEnum):
    SDMF = 0x04
    MDMF = 0x80


class Parameter(IntEnum):
    """MDMF parameter types (Bellcore GR-30, ETSI EN 300 659-3, YDN 069)."""

    DATE_TIME = 0x01
    NUMBER = 0x02
    NUMBER_ABSENT = 0x04
    NAME = 0x07
    NAME_ABSENT = 0x08


@dataclass(frozen=True, slots=True)
class SentAt:
    """When the exchange sent the caller-ID: its local time, without a year."""

    month: int
    day: int
    hour: int
    minute: int


@dataclass(frozen=True, slots=True)
class CallerId:
    number: str = ""
    name: str = ""
    privacy: CallerIdPrivacy | None = None  # why number is empty
    sent_at: SentAt | None = None
    message: str = ""

    @property
    def identified(self) -> bool:
        """True once the number, or the reason it is missing, is known: enough to pop a card."""
        return bool(self.number) or self.privacy is not None

    def completed_with(self, other: CallerId) -> CallerId:
        """This caller-ID, with the fields it lacks taken from *other*; its own always win."""
        number, privacy = (
            (self.number, self.privacy) if self.identified else (other.number, other.privacy)
        )
        return CallerId(
            number=number,
            name=self.name or other.name,
            privacy=privacy,
            sent_at=self.sent_at or other.sent_at,
            message=self.message or other.message,
        )


@dataclass(frozen=True, slots=True)
class RingLine:
    pass


@dataclass(frozen=True, slots=True)
class FieldLine:
    field: Field
    value: str  # already checked: a number or privacy word, four digits for DATE and TIME


@dataclass(frozen=True, slots=True)
class RawLine:
    caller_id: CallerId  # a whole message: complete on its own


@dataclass(frozen=True, slots=True)
class ReplyLine:
    reply: Reply


@dataclass(frozen=True, slots=True)
class NoiseLine:
    """Harmless modem chatter: our own command echoed, result codes we do not act on."""

    text: str


@dataclass(frozen=True, slots=True)
class GarbageLine:
    text: str
    reason: str


ModemLine = RingLine | FieldLine | RawLine | ReplyLine | NoiseLine | GarbageLine

MAX_LINE = 256  # a formatted field or an MDMF message in hex fits well inside this

_FIELD_RE = re.compile(r"^([A-Z_]+)\s*=\s*(.*?)\s*$", re.IGNORECASE)
_HEX_RE = re.compile(r"^[0-9A-Fa-f][0-9A-Fa-f\s]*$")
_RING_RE = re.compile(r"^RING(\s.*)?$")
_DIGIT_RUN_RE = re.compile(r"\d{7,}")
_NUMBER_RE = re.compile(r"^[0-9+*#()\- ]{1,32}$")
_REPLIES = frozenset(Reply)
_NAME_WITHHELD = frozenset({"O", "P"})  # unavailable, private
_NOISE = frozenset({"NO CARRIER", "BUSY", "NO DIALTONE", "NO DIAL TONE", "NO ANSWER", "CONNECT"})
# The single letters are the wire codes (O out of area, P private, A anonymous); some modems
# spell them out.
_PRIVACY_WORDS = {
    "O": CallerIdPrivacy.OUT_OF_AREA,
    "OUT OF AREA": CallerIdPrivacy.OUT_OF_AREA,
    "UNAVAILABLE": CallerIdPrivacy.OUT_OF_AREA,
    "P": CallerIdPrivacy.PRIVATE,
    "PRIVATE": CallerIdPrivacy.PRIVATE,
    "A": CallerIdPrivacy.ANONYMOUS,
    "ANONYMOUS": CallerIdPrivacy.ANONYMOUS,
}


class LineSplitter:
    """Cuts the byte stream into lines at CR, LF or CRLF; blank lines are dropped."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._max_line = max_line
        self._partial = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        lines: list[bytes] = []
        for chunk in re.split(rb"([\r\n])", data):
            if chunk in (b"\r", b"\n"):
                if self._partial:
                    lines.append(bytes(self._partial))
                    self._partial.clear()
                continue
            self._partial += chunk
            # Binary noise may never bring a line end; hand it on as a line so that it is
            # reported as garbage instead of growing without bound.
            while len(self._partial) > self._max_line:
                lines.append(bytes(self._partial[: self._max_line]))
                del self._partial[: self._max_line]
        return lines


def classify_line(raw: bytes) -> ModemLine | None:
    """What one line from the modem means; None for a blank line. Never raises."""
    text = _decode(raw)
    if text is None:
        return GarbageLine(_preview(raw), "not text")
    text = text.strip()
    if not text:
        return None
    if any(unicodedata.category(char) == "Cc" for char in text):
        return GarbageLine(_preview(text), "control characters")
    upper = text.upper()
    if _RING_RE.match(upper):
        return RingLine()
    if upper in _REPLIES:
        return ReplyLine(Reply(upper))
    if upper.startswith("AT") or upper in _NOISE:
        return NoiseLine(text)
    if _HEX_RE.match(text):
        try:
            return RawLine(parse_raw_hex(text))
        except CallerIdError as exc:
            return GarbageLine(_preview(text), str(exc))
    match = _FIELD_RE.match(text)
    if match is None:
        return GarbageLine(_preview(text), "not a caller-ID line")
    return _field_line(match.group(1).upper(), match.group(2), text)


def _field_line(key: str, value: str, text: str) -> ModemLine:
    try:
        field = Field(key)
    except ValueError:
        return GarbageLine(_preview(text), f"unknown field {key}")
    try:
        if field in (Field.NUMBER, Field.DIALABLE_NUMBER):
            _number_or_privacy(value)
        elif field is Field.DATE:
            month, day = _two_pairs(value, "DATE")
            _sent_at(month, day, 0, 0)
        elif field is Field.TIME:
            hour, minute = _two_pairs(value, "TIME")
            _sent_at(1, 1, hour, minute)
        elif field is Field.MESSAGE and _HEX_RE.match(value):
            # Some modems print a message they could not decode as MESG = <hex>.
            try:
                return RawLine(parse_raw_hex(value))
            except CallerIdError as exc:
                log.debug("MESG is hex but no caller-ID message (%s): kept as text", exc)
    except CallerIdError as exc:
        return GarbageLine(_preview(text), str(exc))
    return FieldLine(field, value)


def caller_id_from_fields(fields: Mapping[Field, str]) -> CallerId:
    """The caller-ID that a block of formatted lines describes (values checked by the parser)."""
    number, privacy = "", None
    # DDN_NMBR is the dialable form of the caller's number: second best when NMBR is missing.
    for key in (Field.NUMBER, Field.DIALABLE_NUMBER):
        if key in fields:
            number, privacy = _number_or_privacy(fields[key])
            break
    sent_at = None
    if Field.DATE in fields and Field.TIME in fields:
        date, time = fields[Field.DATE], fields[Field.TIME]
        sent_at = _sent_at(int(date[:2]), int(date[2:]), int(time[:2]), int(time[2:]))
    name = fields.get(Field.NAME, "")
    return CallerId(
        number=number,
        name="" if name.upper() in _NAME_WITHHELD else name,
        privacy=privacy,
        sent_at=sent_at,
        message=fields.get(Field.MESSAGE, ""),
    )


def parse_raw_hex(text: str) -> CallerId:
    """An SDMF or MDMF message written in hex, as printed after AT#CID=2 or AT+VCID=2."""
    compact = "".join(text.split())
    if len(compact) % 2:
        raise CallerIdError("odd number of hex digits")
    try:
        data = bytes.fromhex(compact)
    except ValueError as exc:
        raise CallerIdError("not hex") from exc
    return parse_message(data)


def parse_message(data: bytes) -> CallerId:
    """One SDMF or MDMF message: type, length, body, checksum."""
    if len(data) < 3:
        raise CallerIdError(f"message too short ({len(data)} bytes)")
    kind, length = data[0], data[1]
    if kind not in (MessageType.SDMF, MessageType.MDMF):
        raise CallerIdError(f"unknown message type 0x{kind:02X}")
    if len(data) != length + 3:
        raise CallerIdError(f"length says {length} bytes of body, message has {len(data) - 3}")
    if sum(data) % 256:
        raise CallerIdError(f"bad checksum 0x{data[-1]:02X}")
    body = data[2:-1]
    return _sdmf(body) if kind == MessageType.SDMF else _mdmf(body)


def _sdmf(body: bytes) -> CallerId:
    if len(body) <= 8:
        raise CallerIdError("SDMF message without a number")
    number, privacy = _number_or_privacy(_ascii(body[8:], "number"))
    return CallerId(number=number, privacy=privacy, sent_at=_date_time(body[:8]))


def _mdmf(body: bytes) -> CallerId:
    caller = CallerId()
    at = 0
    while at < len(body):
        if at + 2 > len(body):
            raise CallerIdError("MDMF parameter header cut short")
        kind, length = body[at], body[at + 1]
        value = body[at + 2 : at + 2 + length]
        if len(value) != length:
            raise CallerIdError(f"MDMF parameter 0x{kind:02X} runs past the message")
        at += 2 + length
        if kind == Parameter.DATE_TIME:
            caller = replace(caller, sent_at=_date_time(value))
        elif kind == Parameter.NUMBER:
            number, privacy = _number_or_privacy(_ascii(value, "number"))
            caller = replace(caller, number=number, privacy=privacy)
        elif kind == Parameter.NUMBER_ABSENT and not caller.number:
            _, privacy = _number_or_privacy(_ascii(value, "reason"))
            caller = replace(caller, privacy=privacy)
        elif kind == Parameter.NAME:
            caller = replace(caller, name=_name(value))
        elif kind != Parameter.NAME_ABSENT:
            log.debug("MDMF parameter 0x%02X ignored", kind)
    return caller


def _number_or_privacy(value: str) -> tuple[str, CallerIdPrivacy | None]:
    value = value.strip()
    privacy = _PRIVACY_WORDS.get(value.upper())
    if privacy is not None:
        return "", privacy
    if not _NUMBER_RE.match(value):
        raise CallerIdError(f"not a phone number: {_preview(value)}")
    return value, None


def _date_time(value: bytes) -> SentAt | None:
    # The exchange's clock is often wrong or unset; a bad stamp must not cost the number.
    text = value.decode("ascii", errors="replace")
    try:
        month, day = _two_pairs(text[:4], "date")
        hour, minute = _two_pairs(text[4:], "time")
        return _sent_at(month, day, hour, minute)
    except CallerIdError as exc:
        log.debug("caller-ID date-time ignored: %s", exc)
        return None


def _two_pairs(value: str, what: str) -> tuple[int, int]:
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        raise CallerIdError(f"{what} is not four digits: {_preview(value)}")
    return int(value[:2]), int(value[2:])


def _sent_at(month: int, day: int, hour: int, minute: int) -> SentAt:
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59):
        raise CallerIdError(f"impossible date-time {month:02}{day:02}{hour:02}{minute:02}")
    return SentAt(month, day, hour, minute)


def _ascii(value: bytes, what: str) -> str:
    try:
        return value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CallerIdError(f"{what} is not ASCII") from exc


def _name(value: bytes) -> str:
    # Chinese exchanges that send a name send GB2312, which GB18030 covers (and ASCII too).
    name = value.decode("gb18030", errors="replace").strip()
    return "" if name.upper() in _NAME_WITHHELD else name


def _decode(raw: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _preview(value: str | bytes, limit: int = 60) -> str:
    """A short, log-safe view of a bad line: phone-number-like digit runs are masked."""
    shown = _DIGIT_RUN_RE.sub(lambda run: mask_phone(run.group()), repr(value))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
