"""The MSH segment read by hand, and ACKs written by hand.

The header must be readable even when the rest of a message is not, so that
every message, however broken, gets an answer naming its control id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from agent_desk.plans.calendar import HOSPITAL_TZ

# HL7 table 0211 names → Python codecs. GB18030 reads GBK and GB2312 too.
_CHARSETS = {
    "UNICODE UTF-8": "utf-8",
    "UTF-8": "utf-8",
    "GB 18030-2000": "gb18030",
    "GB18030": "gb18030",
    "GBK": "gb18030",
    "GB2312": "gb18030",
    "8859/1": "latin-1",
    "ASCII": "ascii",
}
_ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("&", "\\T\\"), ("~", "\\R\\"))


class AckCode(StrEnum):
    ACCEPT = "AA"
    ERROR = "AE"  # the message was understood but could not be applied
    REJECT = "AR"  # the message itself is unusable (not ADT, no control id, unreadable)


class Hl7Error(ValueError):
    """A message that cannot be applied; str() is the reason sent back in the ACK."""

    def __init__(self, reason: str, code: AckCode = AckCode.ERROR) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True, slots=True)
class Header:
    sending_app: str
    sending_facility: str
    message_type: str  # ADT
    trigger: str  # A03
    control_id: str  # MSH-10
    processing_id: str
    version: str
    charset: str  # MSH-18 as written
    separators: str = "|^~\\&"  # MSH-1 and MSH-2: field, component, repetition, escape, sub

    @property
    def sender(self) -> str:
        return f"{self.sending_app}^{self.sending_facility}"

    def check_separators(self) -> None:
        """Hl7Error (AR) unless MSH-1 and MSH-2 are five distinct symbols.

        A parser cannot split a message whose separators repeat or are letters (the
        `hl7` library trips its own assert on them), so such a message is refused
        before it is parsed, with its control id still in the answer.
        """
        symbols = self.separators
        if len(symbols) != 5 or len(set(symbols)) != 5 or any(c.isalnum() for c in symbols):
            raise Hl7Error(
                f"MSH-1/MSH-2 separators '{symbols}' are not five distinct symbols (|^~\\&)",
                AckCode.REJECT,
            )


def declared_codec(raw: bytes) -> str | None:
    """The Python codec MSH-18 names, or None when it names none we know."""
    try:
        header = read_header(raw.split(b"\r", 1)[0].decode("latin-1"))
    except Hl7Error:
        return None
    return _CHARSETS.get(header.charset.strip().upper())


def decode_message(raw: bytes) -> tuple[str, str, str | None]:
    """Text, codec used, and a note when the codec was not the one MSH-18 declared."""
    declared = declared_codec(raw)
    for codec in [c for c in (declared, "utf-8", "gb18030") if c]:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        note = None
        if declared and codec != declared:
            note = f"MSH-18 declares {declared} but the text is {codec}; read as {codec}"
        elif not declared and codec != "utf-8":
            note = f"MSH-18 declares no known charset; the text was read as {codec}"
        return text, codec, note
    raise Hl7Error("the message is neither UTF-8 nor GB18030/GBK text", AckCode.REJECT)


def read_header(text: str) -> Header:
    first = text.split("\r", 1)[0]
    if not first.startswith("MSH") or len(first) < 8:
        raise Hl7Error("the message does not start with an MSH segment", AckCode.REJECT)
    separator, component = first[3], first[4]
    fields = first.split(separator)
    # MSH-2 may carry a fifth, truncation character (v2.7); only the first four split.
    encoding_characters = fields[1][:4] if len(fields) > 1 else ""

    def get(n: int) -> str:  # MSH-n; MSH-1 is the separator itself
        return fields[n - 1] if n - 1 < len(fields) else ""

    message_type, _, rest = get(9).partition(component)
    trigger = rest.split(component, 1)[0]
    return Header(
        sending_app=get(3),
        sending_facility=get(4),
        message_type=message_type,
        trigger=trigger,
        control_id=get(10).strip(),
        processing_id=get(11) or "P",
        version=get(12) or "2.5",
        charset=get(18),
        separators=separator + encoding_characters,
    )


def escape(text: str) -> str:
    for plain, escaped in _ESCAPES:
        text = text.replace(plain, escaped)
    return " ".join(text.split())  # no segment or line breaks inside a field


# Formatting escapes (HL7 v2 2.7.6) that stand for white space in plain text.
_FORMATTING = {".br": " ", ".sp": " ", ".in": " ", ".ti": " ", ".sk": " ", ".ce": " "}


@dataclass(frozen=True, slots=True)
class Unescaped:
    text: str
    bad: tuple[str, ...] = ()  # escape sequences that could not be decoded, as written


def unescape(value: str, separators: str, codec: str) -> Unescaped:
    """A field value with its escape sequences decoded (HL7 v2 2.7).

    Undecodable sequences (an unknown code, bad hex, an unterminated escape,
    a character-set switch) are left out and returned, so that the caller can say
    so once per message instead of once per field.
    """
    field, component, repetition, esc, sub = tuple(separators)
    if esc not in value:
        return Unescaped(value)
    plain = {"F": field, "S": component, "R": repetition, "E": esc, "T": sub, "H": "", "N": ""}
    out: list[str] = []
    bad: list[str] = []
    rest = value
    while esc in rest:
        before, _, after = rest.partition(esc)
        out.append(before)
        code, closed, rest = after.partition(esc)
        if not closed:
            bad.append(esc + code)
            rest = ""
            break
        if code in plain:
            out.append(plain[code])
        elif code[:3] in _FORMATTING and (len(code) == 3 or code[3:].lstrip("+-").isdigit()):
            out.append(_FORMATTING[code[:3]])
        elif code[:1] == "X" and (decoded := _hex(code[1:], codec)) is not None:
            out.append(decoded)
        else:
            bad.append(f"{esc}{code}{esc}")
    out.append(rest)
    return Unescaped("".join(out), tuple(bad))


def _hex(digits: str, codec: str) -> str | None:
    try:
        return bytes.fromhex(digits).decode(codec) if digits else None
    except (ValueError, LookupError):  # UnicodeDecodeError is a ValueError
        return None


def build_ack(
    header: Header | None, code: AckCode, text: str = "", now: datetime | None = None
) -> str:
    """An original-mode ACK for *header*'s message (or for an unreadable one)."""
    moment = (now or datetime.now(HOSPITAL_TZ)).astimezone(HOSPITAL_TZ)
    h = header or Header("", "", "", "", "", "P", "2.5", "")
    msh = [
        "MSH",
        "^~\\&",
        "AGENT_DESK",
        "FOLLOWUP",
        h.sending_app,
        h.sending_facility,
        moment.strftime("%Y%m%d%H%M%S"),
        "",
        f"ACK^{h.trigger}^ACK" if h.trigger else "ACK",
        uuid.uuid4().hex[:20].upper(),
        h.processing_id,
        h.version,
    ]
    if h.charset:
        msh += [""] * 5 + [h.charset]  # answer in the charset the sender declared
    msa = ["MSA", code.value, h.control_id, escape(text)]
    return "|".join(msh) + "\r" + "|".join(msa).rstrip("|") + "\r"
