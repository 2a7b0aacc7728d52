"""Masking of identifiers shown on screen, exported or logged (PIPL: minimum exposure).

Each kind of identifier has one rule, defined here and nowhere else. Every mask has a
fixed width, so the masked text gives away neither the value's length nor how it was
typed (spaces, dashes, a country code); README's Privacy section shows each form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum


class Identifier(StrEnum):
    """A kind of personal identifier; the value is what the audit log names it."""

    PHONE = "phone"
    ID_NUMBER = "id_number"
    INSURANCE_NO = "insurance_no"
    ADDRESS = "address"


# Column names that hold an identifier: the database's (the sync review shows raw rows)
# and the export's.
IDENTIFIER_COLUMNS: Mapping[str, Identifier] = {
    "raw_number": Identifier.PHONE,
    "e164": Identifier.PHONE,
    "number": Identifier.PHONE,
    "remote_number": Identifier.PHONE,
    "remote_e164": Identifier.PHONE,
    "local_number": Identifier.PHONE,
    "phone": Identifier.PHONE,
    "id_number": Identifier.ID_NUMBER,
    "insurance_no": Identifier.INSURANCE_NO,
    "address": Identifier.ADDRESS,
}

_HIDDEN = "****"
_ID_HIDDEN = "********"
_NON_DIGITS = re.compile(r"\D")
_PLUS_FIRST = re.compile(r"^\D*\+")  # +86 …, tel:+86 …, (+86) …
_MOBILE_LENGTH = 11

# The address up to its district or county: an optional province, an optional city, an
# optional district. Names are short and hold no digits or street words, so that a
# street, an estate or a 小区 is never taken for a district.
_PLACE = r"[^\d\s路街道巷弄号村镇乡社小园苑楼栋单元室]"
_ADDRESS_REGION = re.compile(
    rf"(?:{_PLACE}{{1,7}}?(?:省|自治区|特别行政区))?"
    rf"(?:{_PLACE}{{1,9}}?(?:自治州|地区|盟|市))?"
    rf"(?:{_PLACE}{{1,9}}?(?:区|县|旗|市))?"
)


def _national_digits(number: str) -> str:
    """The digits as dialled inside China: no country code, landlines with their 0."""
    text = number.strip()
    digits = _NON_DIGITS.sub("", text)
    international = _PLUS_FIRST.match(text) is not None or digits.startswith("00")
    if international:
        digits = digits.removeprefix("00")
        if not digits.startswith("86"):
            return digits  # a foreign number keeps its country code
        digits = digits[2:]
        is_mobile = len(digits) == _MOBILE_LENGTH and digits.startswith("1")
        if not is_mobile and not digits.startswith("0"):
            digits = "0" + digits  # +86 10 6234 5678 is 010-6234 5678 at home
    return digits


def mask_phone(number: str) -> str:
    """The first 3 and last 4 digits of the national number, 4 stars between.

    Separators, a country code and surrounding spaces are dropped first, so every form
    of one number masks alike. A number of fewer than 8 digits keeps its last 2.

    >>> mask_phone("+86 138-0013-8000")
    '138****8000'
    >>> mask_phone("+861062345678")
    '010****5678'
    """
    digits = _national_digits(number)
    if len(digits) >= 8:
        return digits[:3] + _HIDDEN + digits[-4:]
    return _HIDDEN + digits[-2:]


def mask_id_number(id_number: str) -> str:
    """Resident ID: the 6-digit region code and the last 4 characters, 8 stars between.

    >>> mask_id_number("11010119900307123X")
    '110101********123X'
    """
    value = "".join(id_number.split()).upper()
    if len(value) <= 10:
        return _ID_HIDDEN
    return value[:6] + _ID_HIDDEN + value[-4:]


def mask_insurance_no(insurance_no: str) -> str:
    """Medical insurance number: the 4-digit region and the last 4 characters.

    >>> mask_insurance_no("3701107959717799")
    '3701********7799'
    """
    value = "".join(insurance_no.split()).upper()
    if len(value) <= 8:
        return _ID_HIDDEN
    return value[:4] + _ID_HIDDEN + value[-4:]


def mask_address(address: str) -> str:
    """The address up to the district or county; the rest is hidden.

    >>> mask_address("山东省济南市历下区青年路24号枫林苑20号楼")
    '山东省济南市历下区****'
    """
    value = address.strip()
    match = _ADDRESS_REGION.match(value)
    region = match.group() if match else ""
    if region == value:
        return value
    return region + _HIDDEN


def mask_name(name: str) -> str:
    """Keep the family name only, as on printed lists: 张** ."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


_RULES: Mapping[Identifier, Callable[[str], str]] = {
    Identifier.PHONE: mask_phone,
    Identifier.ID_NUMBER: mask_id_number,
    Identifier.INSURANCE_NO: mask_insurance_no,
    Identifier.ADDRESS: mask_address,
}


def mask(kind: Identifier, value: str) -> str:
    """*value* masked by the rule for its kind."""
    return _RULES[kind](value)


def plain(value: str) -> str:
    """An identifier shown or exported unmasked: the value itself, without the spaces
    around it (no leading space, no prefix, no quote)."""
    return value.strip()
