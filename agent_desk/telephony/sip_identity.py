"""Who is calling, read from the raw INVITE; and how a dialled number becomes a SIP URI.

Pure functions: no pjsua2 and no network, so every rule here has a unit test.

Precedence follows what PBXs actually send: P-Asserted-Identity is the network's
verified identity (RFC 3325), Remote-Party-ID is its older Cisco/Asterisk cousin, and
From is whatever the caller's phone chose to put there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote

from agent_desk.telephony.events import CallerIdPrivacy


class IdentitySource(StrEnum):
    P_ASSERTED_IDENTITY = "p-asserted-identity"
    REMOTE_PARTY_ID = "remote-party-id"
    FROM = "from"
    NONE = "none"  # nothing parseable: the INVITE was too broken to say


@dataclass(frozen=True, slots=True)
class NameAddr:
    """One `"Display" <uri>;params` value."""

    display_name: str
    uri: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    number: str  # as signalled ("+8613800138000", "8001"); "" when withheld
    display_name: str
    privacy: CallerIdPrivacy | None
    source: IdentitySource


UNKNOWN_CALLER = CallerIdentity("", "", None, IdentitySource.NONE)

# Compact forms (RFC 3261 §7.3.3) matter: some gateways send "f:" instead of "From:".
_COMPACT = {"f": "from", "t": "to", "i": "call-id", "m": "contact"}
_ANONYMOUS_USERS = {"anonymous", "restricted", "unavailable", "unknown", "private"}
_VISUAL_SEPARATORS = re.compile(r"[-.() ]")


def decode_sip_text(text: str) -> str:
    """Repair text that SWIG decoded from non-UTF-8 bytes (as lone surrogates).

    Some PBXs in China send display names in GBK; GB18030 decodes those and, being a
    superset of ASCII, leaves the rest of the message intact.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def parse_headers(message: str) -> dict[str, list[str]]:
    """Header values by lower-case name, in order, from a raw SIP message.

    Stops at the blank line before the body; unfolds continuation lines; skips the
    request line and anything that is not `name: value`.
    """
    headers: dict[str, list[str]] = {}
    last: tuple[str, int] | None = None
    for line in message.replace("\r\n", "\n").split("\n")[1:]:
        if not line.strip():
            break
        if line[0] in " \t" and last is not None:
            name, index = last
            headers[name][index] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip() or " " in name.strip():
            last = None
            continue
        key = name.strip().lower()
        key = _COMPACT.get(key, key)
        values = headers.setdefault(key, [])
        values.append(value.strip())
        last = (key, len(values) - 1)
    return headers


def split_header_values(value: str) -> list[str]:
    """Split a comma-separated header into its values, respecting quotes and <...>."""
    parts: list[str] = []
    current: list[str] = []
    in_quotes = in_angle = False
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and in_quotes:
            escaped = True
        elif char == '"' and not in_angle:
            in_quotes = not in_quotes
        elif char == "<" and not in_quotes:
            in_angle = True
        elif char == ">" and not in_quotes:
            in_angle = False
        elif char == "," and not in_quotes and not in_angle:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _parse_params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in text.split(";"):
        name, _, value = item.strip().partition("=")
        if name:
            params[name.strip().lower()] = value.strip().strip('"')
    return params


def _unquote_display(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def parse_name_addr(value: str) -> NameAddr | None:
    """Parse `"Name" <sip:user@host>;tag=x`, `Name <tel:+86...>` or a bare `sip:u@h;p=1`."""
    value = value.strip()
    if not value:
        return None
    if "<" in value:
        match = re.match(r'^((?:"(?:[^"\\]|\\.)*")|[^<"]*)\s*<([^>]*)>(.*)$', value, re.S)
        if match is None:
            return None
        display, uri, rest = match.groups()
        return NameAddr(_unquote_display(display), uri.strip(), _parse_params(rest))
    # Without angle brackets, parameters after ';' belong to the header, not the URI.
    uri, _, rest = value.partition(";")
    if ":" not in uri:
        return None
    return NameAddr("", uri.strip(), _parse_params(rest))


def number_from_uri(uri: str) -> str:
    """The user part of a sip:/sips: URI, or the number of a tel: URI, without decoration."""
    scheme, sep, rest = uri.strip().partition(":")
    if not sep:
        return ""
    scheme = scheme.lower()
    if scheme == "tel":
        number = rest.split(";", 1)[0]
        return _VISUAL_SEPARATORS.sub("", unquote(number))
    if scheme not in ("sip", "sips"):
        return ""
    user, at, _host = rest.partition("@")
    if not at:
        return ""  # sip:host has no user part, hence no number
    # user=phone URIs may carry tel parameters inside the user part (";npdi", ";isub=").
    number = unquote(user.split(";", 1)[0].split(":", 1)[0])
    return _VISUAL_SEPARATORS.sub("", number) if _looks_like_number(number) else number


def _looks_like_number(text: str) -> bool:
    return bool(text) and bool(re.fullmatch(r"\+?[\d\-.() ]+", text))


def _is_anonymous(addr: NameAddr, number: str) -> bool:
    if number.lower() in _ANONYMOUS_USERS:
        return True
    host = addr.uri.partition("@")[2].split(";", 1)[0].lower()
    return host == "anonymous.invalid" or addr.display_name.lower() == "anonymous"


def _pick_pai(values: list[str]) -> NameAddr | None:
    """RFC 3325 allows one sip and one tel identity; the tel one carries the real number."""
    addrs = [
        addr
        for value in values
        for part in split_header_values(value)
        if (addr := parse_name_addr(part)) is not None
    ]
    for addr in addrs:
        if addr.uri.lower().startswith("tel:"):
            sip_names = [a.display_name for a in addrs if a.display_name]
            display = addr.display_name or (sip_names[0] if sip_names else "")
            return NameAddr(display, addr.uri, addr.params)
    return addrs[0] if addrs else None


def _first(values: list[str]) -> NameAddr | None:
    for value in values:
        for part in split_header_values(value):
            addr = parse_name_addr(part)
            if addr is not None:
                return addr
    return None


def parse_caller_identity(message: str) -> CallerIdentity:
    """The caller's number, name and privacy from a raw INVITE (never raises)."""
    headers = parse_headers(decode_sip_text(message))
    privacy_tokens = {
        token.strip().lower()
        for value in headers.get("privacy", [])
        for token in value.replace(",", ";").split(";")
    }
    candidates: list[tuple[IdentitySource, NameAddr | None]] = [
        (IdentitySource.P_ASSERTED_IDENTITY, _pick_pai(headers.get("p-asserted-identity", []))),
        (IdentitySource.REMOTE_PARTY_ID, _first(headers.get("remote-party-id", []))),
        (IdentitySource.FROM, _first(headers.get("from", []))),
    ]
    for source, addr in candidates:
        if addr is None:
            continue
        number = number_from_uri(addr.uri)
        display = addr.display_name
        if privacy_tokens & {"id", "user", "header"} or _is_anonymous(addr, number):
            return CallerIdentity("", "", CallerIdPrivacy.ANONYMOUS, source)
        if source is IdentitySource.REMOTE_PARTY_ID:
            rpid_privacy = addr.params.get("privacy", "off").lower()
            if rpid_privacy in ("full", "name"):
                display = ""
            if rpid_privacy in ("full", "uri"):
                return CallerIdentity("", display, CallerIdPrivacy.ANONYMOUS, source)
        return CallerIdentity(number, display, None, source)
    return UNKNOWN_CALLER


def identity_from_remote_uri(remote_uri: str) -> CallerIdentity:
    """Fallback when the raw INVITE is unavailable: pjsua's CallInfo.remoteUri."""
    addr = parse_name_addr(decode_sip_text(remote_uri))
    if addr is None:
        return UNKNOWN_CALLER
    number = number_from_uri(addr.uri)
    if _is_anonymous(addr, number):
        return CallerIdentity("", "", CallerIdPrivacy.ANONYMOUS, IdentitySource.FROM)
    return CallerIdentity(number, addr.display_name, None, IdentitySource.FROM)


def dial_uri(target: str, domain: str | None, transport_param: str = "") -> str:
    """A SIP URI for what the agent dialled: a number, `user@host`, or a full URI.

    *domain* is the registrar's host[:port]; without one (direct SIP) a bare number
    cannot be routed, so it is refused here rather than failing later inside pjsua.
    *transport_param* is e.g. ";transport=tcp", added only to URIs we build.
    """
    target = target.strip()
    if not target:
        raise ValueError("nothing to dial")
    lowered = target.lower()
    if lowered.startswith(("sip:", "sips:")):
        return target
    if lowered.startswith("tel:"):
        target = number_from_uri(target)
    elif "@" in target:
        return f"sip:{target}{transport_param}"
    number = _VISUAL_SEPARATORS.sub("", target)
    if not re.fullmatch(r"\+?[0-9*#A-Za-z_]+", number):
        raise ValueError(f"not a number or SIP URI: {target!r}")
    if not domain:
        raise ValueError(f"cannot route {target!r} without a registrar: dial a sip: URI instead")
    return f"sip:{number}@{domain}{transport_param}"
