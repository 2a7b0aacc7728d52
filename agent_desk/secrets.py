"""Secrets (SIP and database passwords) live in the OS keyring and nowhere else.

When no keyring is available, nothing is written anywhere: callers get
SecretStoreUnavailable, say so visibly, and ask for the secret for this session only.
"""

from __future__ import annotations

import logging
import sys

import keyring
import keyring.core
from keyring.backends import fail
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from agent_desk.errors import UserError

log = logging.getLogger(__name__)

SERVICE = "agent_desk"

# The OS keyring of each platform the workstation runs on. Named, not detected: keyring's
# detection imports every backend installed and asks each whether it works (0.04 s of every
# start, issue 18), and could settle on one that keeps secrets in a file.
OS_KEYRINGS = {
    "linux": "keyring.backends.SecretService.Keyring",  # GNOME Keyring, KWallet 5.97+
    "win32": "keyring.backends.Windows.WinVaultKeyring",  # the Credential Manager
}


class SecretStoreUnavailable(UserError, RuntimeError):
    """No usable OS keyring; the message tells the user what to do."""


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    cause = "" if isinstance(exc, NoKeyringError) else f" ({exc})"
    return SecretStoreUnavailable(
        f"no OS keyring is available to keep passwords{cause}; on Windows the Credential "
        "Manager is used, on Linux install and unlock a Secret Service keyring "
        "(GNOME Keyring or KWallet)"
    )


def use_os_keyring() -> None:
    """For a process of ours, at its start: the keyring that keyring's own settings name
    (PYTHON_KEYRING_BACKEND, keyringrc.cfg), else this platform's OS keyring; where that does
    not work (no Secret Service running), none, which every use then says. On another
    platform keyring detects one, as it would have."""
    name = OS_KEYRINGS.get(sys.platform)
    try:
        chosen = keyring.core.load_env() or keyring.core.load_config()
        if chosen is None and name is not None:
            chosen = keyring.core.load_keyring(name)
    except (ImportError, RuntimeError) as exc:  # RuntimeError: the backend does not work here
        log.info("no usable OS keyring: %s", exc)
        chosen = fail.Keyring()  # type: ignore[no-untyped-call]
    if chosen is not None:
        keyring.set_keyring(chosen)


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
