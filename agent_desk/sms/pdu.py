"""Gammu's encoder and decoder: a text as the parts a modem sends, and PDUs back as text.

Chinese text goes as UCS-2: 70 characters fit one message, a longer one is split into
parts of 67 with a concatenation header, which the phone joins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import gammu  # type: ignore[import-untyped]

SmsDict = dict[str, Any]


def encode(text: str) -> list[SmsDict]:
    """The parts of *text*: UCS-2 unless every character is in the GSM alphabet."""
    unicode = not _gsm_only(text)
    return list(
        gammu.EncodeSMS(
            {
                "Class": -1,
                "Unicode": unicode,
                "Entries": [{"ID": "ConcatenatedTextLong", "Buffer": text}],
            }
        )
    )


def part_count(text: str) -> int:
    return len(encode(text))


def _gsm_only(text: str) -> bool:
    return all(ord(ch) < 128 and ch not in "`^{}[]~|\\" for ch in text)


@dataclass(frozen=True, slots=True)
class Decoded:
    number: str
    text: str
    parts: int


def join(messages: Iterable[Sequence[SmsDict]]) -> list[list[SmsDict]]:
    """Gammu's messages grouped as the multipart messages they belong to."""
    return [list(group) for group in gammu.LinkSMS([list(m) for m in messages])]


def text_of(parts: Sequence[SmsDict]) -> str:
    """The whole text of one (possibly multipart) message, parts in order."""
    decoded = gammu.DecodeSMS(list(parts)) if len(parts) > 1 else None
    if decoded is not None:
        return "".join(str(entry.get("Buffer") or "") for entry in decoded["Entries"])
    return "".join(str(part.get("Text") or "") for part in parts)


def decode_submitted(pdus: Iterable[str]) -> list[Decoded]:
    """SMS-SUBMIT PDUs as a modem received them (hex, SMSC first), joined into messages."""
    singles = [[gammu.DecodePDU(bytes.fromhex(pdu), SMSC=True)] for pdu in pdus]
    return [
        Decoded(number=str(group[0]["Number"]), text=text_of(group), parts=len(group))
        for group in join(singles)
    ]
