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
        Setting("hospital.name", "", "Hospital name the call scripts say (e.g. 某某市人民医院)"),
        Setting("worklist.page_size", 200, "Rows fetched per worklist page", parse=_parse_int),
        Setting("sip.enabled", True, "Start the SIP softphone", parse=_parse_bool),
        Setting(
            "sip.listen_address",
            "127.0.0.1",
            "Address the softphone listens on (the LAN address, or 0.0.0.0, for a PBX)",
        ),
        Setting("sip.listen_port", 5070, "SIP port of this workstation", parse=_parse_int),
        Setting("sip.transport", "udp", "SIP transport", choices=("udp", "tcp", "tls")),
        Setting(
            "sip.registrar",
            "",
            "PBX registrar, e.g. sip:pbx.hospital.local:5060 (empty: direct SIP, no PBX)",
        ),
        Setting("sip.user", "", "SIP user (extension) at the PBX; the password is in the keyring"),
        Setting("sip.display_name", "", "Name shown to people this workstation calls"),
        Setting("sip.dial_prefix", "", "Digits the PBX needs before an outside number (e.g. 9)"),
        Setting("audio.input", "", "Headset microphone by name (empty: the system default)"),
        Setting("audio.output", "", "Headset speaker by name (empty: the system default)"),
        Setting(
            "call.auto_answer",
            False,
            "Answer incoming calls at once (headset agents)",
            parse=_parse_bool,
        ),
        Setting("call.do_not_disturb", False, "Refuse incoming calls as busy", parse=_parse_bool),
        Setting("call.record", True, "Record every call, both parties", parse=_parse_bool),
        Setting(
            "call.announce_recording",
            False,
            "Play '本次通话将被录音' to the other party when the call connects",
            parse=_parse_bool,
        ),
        Setting("modem.port", "", "Serial port of a caller-ID modem (e.g. COM3, /dev/ttyACM0)"),
        Setting("modem.country_code", "", "Modem country code sent as AT+GCI (B5 is China)"),
        Setting("modem.baudrate", 115200, "Modem serial speed", parse=_parse_int),
        Setting(
            "central.url",
            "",
            "Central PostgreSQL, postgresql://user@host/db (password: agent-desk secret set)",
        ),
        Setting(
            "central.sslmode",
            "",
            "TLS to the central server",
            choices=("", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
        ),
        Setting("central.sslrootcert", "", "CA certificate file for the central server"),
        Setting("central.sslcert", "", "Client certificate file for the central server"),
        Setting("central.sslkey", "", "Client key file for the central server"),
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
