"""All settings in one typed registry, stored as JSON in the data folder.

Secrets never come here: they go to the OS keyring (see agent_desk.secrets).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from agent_desk import json_input
from agent_desk.domain.phones import PhonePlan
from agent_desk.errors import UserError
from agent_desk.json_input import JsonInputError
from agent_desk.paths import write_atomically

log = logging.getLogger(__name__)


class SettingError(UserError, ValueError):
    pass


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"expected true or false, got {raw!r}")


def _whole_number(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.strip()
        # Bounded before int(): Python refuses past 4,300 digits, and no setting needs 10.
        value = int(text) if text.lstrip("+-").isdigit() and len(text) <= 12 else None
        if value is None or not low <= value <= high:
            raise SettingError(f"expected {what} from {low:,} to {high:,}, got {raw!r}")
        return value

    return parse


def _parse_area_code(raw: str) -> str:
    digits = raw.strip()
    if digits and not (digits.isdigit() and 2 <= len(digits.lstrip("0")) <= 3):
        raise SettingError(f"expected an area code such as 010 or 0755, got {raw!r}")
    return digits


def _parse_quiet_hours(raw: str) -> str:
    text = raw.strip()
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError
        for part in (start, end):
            hours, colon, minutes = part.strip().partition(":")
            if not (colon and hours.isdigit() and minutes.isdigit()):
                raise ValueError
            if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
                raise ValueError
    except ValueError:
        raise SettingError(f"expected hours such as 21:00-08:00, got {raw!r}") from None
    return f"{start.strip()}-{end.strip()}"


_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
_CENTRAL_URL_EXAMPLE = "postgresql://USER@HOST:5432/DATABASE"


def _parse_central_url(raw: str) -> str:
    url = raw.strip()
    if not url:
        return ""  # no central server: this workstation works on its own
    try:
        parts = urlsplit(url)
        password, host, _port = parts.password, parts.hostname, parts.port
        query = parse_qs(parts.query)
    except ValueError:  # a port that is not a number, a broken IPv6 address
        password, host, parts, query = None, None, urlsplit(""), {}
    if password is not None or "password" in query:
        # Never echoed: the message must not carry the password to a screen or a log.
        raise SettingError(
            "central.url must not hold the password: set the URL without it "
            f"({_CENTRAL_URL_EXAMPLE}) and store the password with "
            "'agent-desk secret set central.password'"
        )
    host = host or (query.get("host") or [""])[0]  # ?host=/run/postgresql: a local socket
    if parts.scheme not in _POSTGRES_SCHEMES or not host or not parts.path.strip("/"):
        raise SettingError(
            f"central.url must be a PostgreSQL URL such as {_CENTRAL_URL_EXAMPLE}, got {url!r}"
        )
    return url


def _parse_mllp_address(raw: str) -> str:
    text = raw.strip()
    if not text:
        return ""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise SettingError(f"expected host:port such as 10.1.2.3:2575, got {raw!r}")
    return text


def _has_password(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        return parts.password is not None or "password" in parse_qs(parts.query)
    except ValueError:
        return False  # not a URL at all: refused as such


def _without_password(url: str) -> str:
    """The URL as stored before passwords were refused, with the password taken out."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    return parts._replace(
        netloc=f"{user}@{netloc}" if user else netloc, query=urlencode(query)
    ).geturl()


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()
    # The person at the workstation's own preference (language, do not disturb): anyone
    # signed in changes it from the window; every other setting needs MANAGE_SETTINGS.
    personal: bool = False

    def coerce(self, raw: str) -> Any:
        """A value typed by a person (`config set`, the window), checked with the reason."""
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            # Bytes that are not UTF-8 on the command line arrive as lone surrogates.
            raise SettingError(f"{self.key}: the value is not valid text") from None
        if "\0" in raw:
            raise SettingError(f"{self.key}: the value is not valid text")
        if self.choices and raw not in self.choices:
            raise SettingError(f"{self.key} must be one of {', '.join(self.choices)}")
        try:
            return self.parse(raw)
        except SettingError as exc:
            if str(exc).startswith(self.key):
                raise
            raise SettingError(f"{self.key}: {exc}") from None  # which setting, for the user

    def load(self, stored: object) -> Any:
        """A value read from settings.json, as the type the rest of the program expects."""
        if isinstance(stored, str):
            return self.coerce(stored)
        if isinstance(stored, bool) and isinstance(self.default, bool):
            return self.coerce(str(stored).lower())
        if isinstance(stored, int) and not isinstance(stored, bool):
            return self.coerce(str(stored))  # e.g. an area code written as the number 10
        raise SettingError(f"{self.key} cannot be {json.dumps(stored)[:40]}")


REGISTRY: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "ui.language",
            "zh_CN",
            "Interface language",
            choices=("zh_CN", "en"),
            personal=True,
        ),
        Setting("phone.region", "CN", "Region for numbers written without a country code"),
        Setting(
            "phone.area_code",
            "",
            "Hospital area code (e.g. 010), so that local 7–8 digit caller-IDs match",
            parse=_parse_area_code,
        ),
        Setting("hospital.name", "", "Hospital name the call scripts say (e.g. 某某市人民医院)"),
        Setting(
            "worklist.page_size",
            200,
            "Rows fetched per worklist page",
            parse=_whole_number(20, 5000),
        ),
        Setting("sip.enabled", True, "Start the SIP softphone", parse=_parse_bool),
        Setting(
            "sip.listen_address",
            "127.0.0.1",
            "Address the softphone listens on (the LAN address, or 0.0.0.0, for a PBX)",
        ),
        Setting(
            "sip.listen_port",
            5070,
            "SIP port of this workstation",
            parse=_whole_number(1, 65535, "a port number"),
        ),
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
            personal=True,
        ),
        Setting(
            "call.do_not_disturb",
            False,
            "Refuse incoming calls as busy",
            parse=_parse_bool,
            personal=True,
        ),
        Setting("call.record", True, "Record every call, both parties", parse=_parse_bool),
        Setting(
            "call.announce_recording",
            False,
            "Play '本次通话将被录音' to the other party when the call connects",
            parse=_parse_bool,
        ),
        Setting("modem.port", "", "Serial port of a caller-ID modem (e.g. COM3, /dev/ttyACM0)"),
        Setting("modem.country_code", "", "Modem country code sent as AT+GCI (B5 is China)"),
        Setting(
            "modem.baudrate",
            115200,
            "Modem serial speed",
            parse=_whole_number(300, 4_000_000, "a serial speed in baud"),
        ),
        Setting("sms.port", "", "Serial port of the GSM modem for SMS (e.g. COM4, /dev/ttyUSB0)"),
        Setting(
            "sms.connection",
            "at115200",
            "Gammu connection of the SMS modem (at115200, at19200, …; none for a test phone)",
        ),
        Setting("sms.model", "", "Gammu model of the SMS modem (empty: found out; dummy: test)"),
        Setting("sms.smsc", "", "SMS centre number (empty: the one on the SIM)"),
        Setting(
            "sms.gateway",
            False,
            "This workstation sends and receives the SMS (one gateway; with a central server, "
            "the one holding the lease)",
            parse=_parse_bool,
        ),
        Setting("sms.signature", "", "Signature in 【】 on every SMS (empty: hospital.name)"),
        Setting(
            "sms.per_day",
            1,
            "At most this many SMS a day to one patient (reminders, care, campaigns)",
            parse=_whole_number(1, 20, "a number of messages"),
        ),
        Setting(
            "sms.per_month",
            4,
            "At most this many SMS a month to one patient",
            parse=_whole_number(1, 100, "a number of messages"),
        ),
        Setting(
            "sms.quiet_hours",
            "21:00-08:00",
            "No SMS in these hours, hospital time (HH:MM-HH:MM; 00:00-00:00 for none)",
            parse=_parse_quiet_hours,
        ),
        Setting(
            "central.url",
            "",
            "Central PostgreSQL, postgresql://user@host/db (password: agent-desk secret set)",
            parse=_parse_central_url,
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
        Setting(
            "recordings.keep_days",
            0,
            "Delete call recordings older than this many days, here and centrally (0: keep)",
            parse=_whole_number(0, 36500, "a number of days"),
        ),
        Setting(
            "appointments.publish_days",
            60,
            "Days ahead that revisit slots are published for booking",
            parse=_whole_number(1, 366, "a number of days"),
        ),
        Setting(
            "appointments.reminder_days_ahead",
            10,
            "Revisits booked more than this many days ahead get an SMS the day before",
            parse=_whole_number(0, 366, "a number of days"),
        ),
        Setting(
            "his.mllp_address",
            "",
            "The HIS's MLLP listener for appointments (SIU^S12/S15), host:port; empty: none",
            parse=_parse_mllp_address,
        ),
        Setting(
            "backup.daily",
            False,
            "Back up the database once a day while the window is open (into backups/)",
            parse=_parse_bool,
        ),
        Setting(
            "backup.keep",
            7,
            "How many backups to keep in backups/; older ones are deleted",
            parse=_whole_number(1, 1000, "a number of backups"),
        ),
        Setting(
            "tickets.office",
            "医务处",
            "Department (code or name) that takes over tickets past their second deadline "
            "(医务处 or 护理部)",
        ),
        Setting(
            "tickets.escalate_minutes",
            10,
            "How often the window runs the tickets' escalation pass, in minutes",
            parse=_whole_number(1, 1440, "a number of minutes"),
        ),
    )
}


class Settings:
    """The workstation's settings file; unknown keys in the file are kept, never dropped.

    A broken file never stops the program: it is moved aside (kept for a person to look at),
    the defaults are used, and `problems` says so, one line each, before anything else runs.
    A single value that is not valid falls back to its default, and is kept in the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self._values: dict[str, Any] = {}  # as stored, written back on save
        self._checked: dict[str, Any] = {}  # the valid ones, as their types
        raw = self._read()
        if raw is None:
            return
        self._values = raw
        for key, stored in raw.items():
            if key not in REGISTRY:
                continue
            try:
                self._checked[key] = REGISTRY[key].load(stored)
            except SettingError as exc:
                if key == "central.url" and isinstance(stored, str) and _has_password(stored):
                    self._drop_password(stored)
                    continue
                default = REGISTRY[key].default
                reason = str(exc) if str(exc).startswith(key) else f"{key}: {exc}"
                self._problem(f"{path}: {reason}; the default {default!r} is used instead")

    def _read(self) -> dict[str, Any] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._problem(
                f"settings file {self.path} cannot be read ({exc.strerror}); the defaults are used"
            )
            return None
        try:
            raw = json_input.loads(json_input.decode(data))
            if not isinstance(raw, dict):
                raise JsonInputError(f"it holds {type(raw).__name__}, not an object of settings")
        except JsonInputError as exc:
            self._problem(
                f"settings file {self.path} is broken ({exc}); {self._set_aside()}, "
                "and the defaults are used"
            )
            return None
        return raw

    def _set_aside(self) -> str:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = self.path.with_name(f"{self.path.name}.broken-{stamp}")
        serial = 1
        while copy.exists():  # never over an earlier copy
            serial += 1
            copy = self.path.with_name(f"{self.path.name}.broken-{stamp}-{serial}")
        try:
            os.replace(self.path, copy)
        except OSError as exc:
            return f"it could not be moved aside ({exc.strerror})"
        return f"it was moved to {copy.name}"

    def _drop_password(self, url: str) -> None:
        """An old central.url with the password in it: used without it, and saved without it."""
        try:
            cleaned = _parse_central_url(_without_password(url.strip()))
        except SettingError:
            self._problem(f"{self.path}: central.url is not valid; no central server is used")
            return
        self._values["central.url"] = self._checked["central.url"] = cleaned
        self._problem(
            f"{self.path}: central.url held a password, which is ignored and removed when the "
            "settings are next saved; store it with 'agent-desk secret set central.password'"
        )

    def _problem(self, message: str) -> None:
        log.warning("%s", message)
        self.problems.append(message)

    def get(self, key: str) -> Any:
        spec = _spec(key)
        return self._checked.get(key, spec.default)

    def set(self, key: str, raw: str) -> Any:
        value = _spec(key).coerce(raw)
        self._values[key] = self._checked[key] = value
        self._save()
        return value

    def items(self) -> list[tuple[str, Any]]:
        return [(key, self.get(key)) for key in REGISTRY]

    @property
    def phone_plan(self) -> PhonePlan:
        return PhonePlan(region=self.get("phone.region"), area_code=self.get("phone.area_code"))

    def _save(self) -> None:
        # Serialised before the disk is touched; written then renamed (see write_atomically).
        data = json.dumps(self._values, ensure_ascii=False, indent=2).encode("utf-8")
        write_atomically(self.path, data, temp_prefix=".settings-")


def _spec(key: str) -> Setting:
    try:
        return REGISTRY[key]
    except KeyError:
        raise SettingError(f"unknown setting {key!r}; see 'agent-desk config list'") from None
