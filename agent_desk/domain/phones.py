"""Phone-number normalisation: every number is compared in its E.164 form.

All parsing is done by `phonenumbers`; this module only adds what a Chinese
hospital's lines need on top: a default region and the hospital's own area
code, so that a caller-ID showing a bare 7–8 digit local landline still
matches the stored ``+86 10 …`` number.

The library loads at the first number that needs it, not with the window: importing it
(every region's formats) is about 20 ms of a start (issue 18, `startup_s`), and the
window's first screen shows only stored, already normalised numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType

from agent_desk.domain.masking import mask_phone

DEFAULT_REGION = "CN"
_LOCAL_LANDLINE = re.compile(r"^[2-9]\d{6,7}$")
_SEPARATORS = re.compile(r"[\s\-().]")
_IP_DIAL_PREFIX = "17951"
_MOBILE_LENGTH = 11


@cache
def _library() -> ModuleType:
    import phonenumbers

    return phonenumbers


def _region_mobile(region: str) -> re.Pattern[str]:
    """The library's own pattern of *region*'s mobile numbers, over ASCII digits only."""
    metadata = _library().PhoneMetadata.metadata_for_region(region)
    assert metadata is not None and metadata.mobile is not None
    pattern = metadata.mobile.national_number_pattern
    assert pattern is not None
    return re.compile(pattern, re.ASCII)


# Most caller-IDs in China are a bare mobile number. Parsing it takes phonenumbers some
# 60 µs, three times the database's share of a screen-pop, while matching the library's
# own mobile pattern takes one: such a number is valid, keeps its digits (no Chinese
# mobile starts with a national or carrier prefix the parser would strip, 0, 11, 12,
# 179) and its E.164 form is +86 and those digits. tests/test_phones.py checks the two
# agree for every prefix.
@cache
def _cn_mobile() -> re.Pattern[str]:
    return _region_mobile(DEFAULT_REGION)


_CN_COUNTRY_CODE = "+86"


def warm_up() -> None:
    """Loads the library and the mobile pattern: part of the screen-pop's warm-up, so that
    the first caller's number is not the one that waits for them."""
    _cn_mobile()


class InvalidPhoneNumber(ValueError):
    """A string that is not a dialable phone number; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class PhonePlan:
    """Where the workstation is: the region for national numbers and the local area code."""

    region: str = DEFAULT_REGION
    area_code: str = ""  # e.g. "010" or "10"; empty when unknown

    @property
    def trunk_area_code(self) -> str:
        code = self.area_code.strip().lstrip("0")
        return f"0{code}" if code else ""


def normalise(raw: str, plan: PhonePlan = PhonePlan()) -> str:
    """Return the E.164 form of *raw* ("+8613800138000"), or raise InvalidPhoneNumber."""
    compact = _SEPARATORS.sub("", raw.strip())
    if plan.region == DEFAULT_REGION and _cn_mobile().fullmatch(compact):
        return _CN_COUNTRY_CODE + compact
    return _normalise_cached(raw, plan)


@lru_cache(maxsize=4096)
def _normalise_cached(raw: str, plan: PhonePlan) -> str:
    text = raw.strip()
    if not text:
        raise InvalidPhoneNumber("empty phone number")
    compact = _SEPARATORS.sub("", text)
    if compact.startswith(_IP_DIAL_PREFIX) and len(compact) > _MOBILE_LENGTH:
        # phonenumbers strips China Mobile's IP long-distance prefix before mobiles only.
        compact = compact[len(_IP_DIAL_PREFIX) :]
    if plan.trunk_area_code and _LOCAL_LANDLINE.match(compact):
        # Caller-ID on an analogue or PBX line often omits the area code of local calls.
        compact = plan.trunk_area_code + compact
    library = _library()
    try:
        parsed = library.parse(compact, plan.region)
    except library.NumberParseException as exc:
        raise InvalidPhoneNumber(f"not a phone number: {mask_phone(raw)}") from exc
    if not library.is_valid_number(parsed):
        raise InvalidPhoneNumber(f"not a valid phone number: {mask_phone(raw)}")
    return str(library.format_number(parsed, library.PhoneNumberFormat.E164))


def try_normalise(raw: str, plan: PhonePlan = PhonePlan()) -> str | None:
    """E.164 form of *raw*, or None when it is not a valid number."""
    try:
        return normalise(raw, plan)
    except InvalidPhoneNumber:
        return None


def looks_like_phone(text: str) -> bool:
    """True when a search box entry should be treated as a phone number."""
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("+"):
        return compact[1:].isdigit()
    return compact.isdigit() and len(compact) >= 7


def display_national(e164: str) -> str:
    """A stored E.164 number as a nurse would write it: 138 0013 8000, 010 6234 5678."""
    library = _library()
    parsed = library.parse(e164, None)
    return str(library.format_number(parsed, library.PhoneNumberFormat.NATIONAL))


def dialable(e164: str, prefix: str = "") -> str:
    """Digits to dial for a stored number: national form (0 + area code for landlines),
    after the PBX's outside-line *prefix*; a foreign number keeps its 00 + country code."""
    library = _library()
    parsed = library.parse(e164, None)
    if parsed.country_code == library.country_code_for_region(DEFAULT_REGION):
        national = library.format_number(parsed, library.PhoneNumberFormat.NATIONAL)
    else:
        national = "00" + e164.lstrip("+")
    return prefix + re.sub(r"\D", "", national)
