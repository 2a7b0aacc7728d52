"""JSON that a person wrote or a program left on disk: read safely, refused in one clear line.

The standard library's errors are not ours to show: a GBK file raises UnicodeDecodeError, a
5,000-digit number ValueError, 3,000 nested brackets RecursionError. Here each becomes a
JsonInputError that says what is wrong and where (line and column), and the value handed back
is bounded: at most MAX_DEPTH levels deep, numbers finite and at most MAX_DIGITS digits, and
every string encodable (no lone surrogates from a "\\udc80" escape).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from agent_desk.errors import UserError

MAX_DEPTH = 32  # far beyond any template, mapping or settings file; far below the stack
MAX_DIGITS = 100  # Python refuses int() past 4,300 digits; nothing we read needs 20


class JsonInputError(UserError, ValueError):
    """str() is the reason, with the line and column where known (no file name: callers add it)."""


class _BadNumber(ValueError):
    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text = text
        self.reason = reason


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def decode(data: bytes) -> str:
    """UTF-8 text, with or without the BOM that Notepad writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JsonInputError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} (save the file as UTF-8)"
        ) from None


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _BadNumber(digits, f"a number of {len(digits)} digits (at most {MAX_DIGITS})")
    return int(digits)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or len(text) > MAX_DIGITS:
        raise _BadNumber(text, f"a number too large or too long ({text[:20]}…)")
    return value


def _constant(name: str) -> float:
    raise _BadNumber(name, f"{name} is not a JSON number")


def loads(text: str) -> object:
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except _BadNumber as exc:  # the parser does not say where; the first occurrence is it
        raise JsonInputError(f"{exc.reason} ({_where(text, text.find(exc.text))})") from None
    except RecursionError:
        raise JsonInputError(f"nested more than {MAX_DEPTH} levels deep") from None
    _check(value)
    return value


def _check(value: object) -> None:
    """Depth and text, without recursion (the value may be as deep as the stack allowed)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise JsonInputError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise JsonInputError(
            f"holds \\u{code:04x}, half of a character (a lone surrogate), in {text[:20]!r}"
        ) from None


def read(path: Path) -> object:
    """A JSON file; OSError (missing, unreadable) is left to the caller's one-line handler."""
    return loads(decode(path.read_bytes()))
