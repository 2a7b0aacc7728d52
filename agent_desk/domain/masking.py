"""Masking of identifiers shown on screen or exported (PIPL: minimum exposure)."""

from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """Resident ID: keep the 6-digit region code and the last 4 characters.

    >>> mask_id_number("11010119900307123X")
    '110101********123X'
    """
    value = id_number.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(number: str) -> str:
    """Keep the first 3 and last 4 digits of the national number.

    Accepts E.164 (+8613800138000) or national forms (13800138000).

    >>> mask_phone("+8613800138000")
    '138****8000'
    """
    digits = number.strip()
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("+"):
        digits = digits[1:]
    if len(digits) <= 7:
        return digits[:1] + "*" * max(len(digits) - 1, 0)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """Keep the family name only, as on printed lists: 张** ."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
