"""Which patients a campaign (群发) goes to: the filter a supervisor writes.

Written as ``key=value`` pairs joined by commas, the same on the command line and in the
window: ``department=CARD,icd10=I10,discharged=2026-11-01..2026-11-30,age=60..80``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from agent_desk.errors import UserError

_KEYS = ("department", "icd10", "discharged", "age")
_ICD = re.compile(r"^[A-Z][0-9A-Z]{0,6}$")
T = TypeVar("T", date, int)


class FilterError(UserError):
    pass


@dataclass(frozen=True, slots=True)
class CampaignFilter:
    departments: tuple[str, ...] = ()  # department codes
    icd10_prefixes: tuple[str, ...] = ()  # any diagnosis of the discharge
    discharged_from: date | None = None
    discharged_to: date | None = None  # inclusive
    age_min: int | None = None
    age_max: int | None = None  # inclusive
    extra: dict[str, str] = field(default_factory=dict)

    def as_text(self) -> str:
        parts = []
        if self.departments:
            parts.append("department=" + "|".join(self.departments))
        if self.icd10_prefixes:
            parts.append("icd10=" + "|".join(self.icd10_prefixes))
        if self.discharged_from or self.discharged_to:
            low = self.discharged_from.isoformat() if self.discharged_from else ""
            high = self.discharged_to.isoformat() if self.discharged_to else ""
            parts.append(f"discharged={low}..{high}")
        if self.age_min is not None or self.age_max is not None:
            low_age = "" if self.age_min is None else str(self.age_min)
            high_age = "" if self.age_max is None else str(self.age_max)
            parts.append(f"age={low_age}..{high_age}")
        return ",".join(parts)


def parse_filter(text: str) -> CampaignFilter:
    """A filter from its written form; FilterError names the part that is wrong."""
    values: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in _KEYS:
            raise FilterError(f"filter part {item!r}: use {', '.join(k + '=…' for k in _KEYS)}")
        values[key] = value.strip()
    departments = tuple(v.strip().upper() for v in values.get("department", "").split("|") if v)
    prefixes = tuple(
        v.strip().upper().replace(".", "") for v in values.get("icd10", "").split("|") if v
    )
    for prefix in prefixes:
        if not _ICD.match(prefix):
            raise FilterError(f"icd10={prefix}: an ICD-10 code prefix such as I10 or E11")
    low, high = _range(values.get("discharged", ""), _date, "discharged")
    age_low, age_high = _range(values.get("age", ""), _age, "age")
    return CampaignFilter(departments, prefixes, low, high, age_low, age_high)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"discharged: {text!r} is not a date (YYYY-MM-DD)") from None


def _age(text: str) -> int:
    if not text.isdigit() or int(text) > 150:
        raise FilterError(f"age: {text!r} is not an age in years")
    return int(text)


def _range(text: str, parse: Callable[[str], T], what: str) -> tuple[T | None, T | None]:
    if not text:
        return None, None
    low, sep, high = text.partition("..")
    if not sep:
        value = parse(text)
        return value, value
    low_value = parse(low) if low else None
    high_value = parse(high) if high else None
    if low_value is not None and high_value is not None and low_value > high_value:
        raise FilterError(f"{what}: the range {text} runs backwards")
    return low_value, high_value
