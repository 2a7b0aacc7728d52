"""All settings in one typed registry, stored as JSON in the data folder.

Secrets never come here: they go to the OS keyring (see agent_desk.secrets).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_desk.domain.phones import PhonePlan


class SettingError(ValueError):
    pass


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"expected true or false, got {raw!r}")


def _parse_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingError(f"expected a whole number, got {raw!r}") from exc


def _parse_area_code(raw: str) -> str:
    digits = raw.strip()
    if digits and not (digits.isdigit() and 2 <= len(digits.lstrip("0")) <= 3):
        raise SettingError(f"expected an area code such as 010 or 0755, got {raw!r}")
    return digits


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()

    def coerce(self, raw: str) -> Any:
        if self.choices and raw not in self.choices:
            raise SettingError(f"{self.key} must be one of {', '.join(self.choices)}")
        return self.parse(raw)


REGISTRY: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("ui.language", "zh_CN", "Interface language", choices=("zh_CN", "en")),
        Setting("phone.region", "CN", "Region for numbers written without a country code"),
        Setting(
            "phone.area_code",
            "",
            "Hospital area code (e.g. 010), so that local 7–8 digit caller-IDs match",
            parse=_parse_area_code,
        ),
        Setting("worklist.page_size", 200, "Rows fetched per worklist page", parse=_parse_int),
    )
}


class Settings:
    """The workstation's settings file; unknown keys in the file are kept, never dropped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        if path.exists():
            try:
                self._values = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise SettingError(f"settings file is unreadable ({path}): {exc}") from exc

    def get(self, key: str) -> Any:
        spec = _spec(key)
        return self._values.get(key, spec.default)

    def set(self, key: str, raw: str) -> Any:
        value = _spec(key).coerce(raw)
        self._values[key] = value
        self._save()
        return value

    def items(self) -> list[tuple[str, Any]]:
        return [(key, self.get(key)) for key in REGISTRY]

    @property
    def phone_plan(self) -> PhonePlan:
        return PhonePlan(region=self.get("phone.region"), area_code=self.get("phone.area_code"))

    def _save(self) -> None:
        # Write-then-rename, so that a power cut leaves the old file or the new one.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._values, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def _spec(key: str) -> Setting:
    try:
        return REGISTRY[key]
    except KeyError:
        raise SettingError(f"unknown setting {key!r}; see 'agent-desk config list'") from None
