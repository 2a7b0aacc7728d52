"""Secrets (SIP and database passwords) live in the OS keyring and nowhere else.

When no keyring is available, nothing is written anywhere: callers get
SecretStoreUnavailable, say so visibly, and ask for the secret for this session only.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from agent_desk.errors import UserError

log = logging.getLogger(__name__)

SERVICE = "agent_desk"


class SecretStoreUnavailable(UserError, RuntimeError):
    """No usable OS keyring; the message tells the user what to do."""


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    cause = "" if isinstance(exc, NoKeyringError) else f" ({exc})"
    return SecretStoreUnavailable(
        f"no OS keyring is available to keep passwords{cause}; on Windows the Credential "
        "Manager is used, on Linux install and unlock a Secret Service keyring "
        "(GNOME Keyring or KWallet)"
    )


def get_secret(name: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError as exc:  # NoKeyringError included
        raise _unavailable(exc) from exc


def set_secret(name: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError as exc:
        raise _unavailable(exc) from exc
    log.info("secret %s stored in the OS keyring", name)  # the name only, never the value


def delete_secret(name: str) -> bool:
    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise _unavailable(exc) from exc
    return True


def backend_name() -> str:
    return type(keyring.get_keyring()).__name__
