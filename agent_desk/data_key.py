"""The workstation's data key: encrypts the database (SQLCipher) and the recordings at rest.

The key is 32 random bytes kept in the OS keyring, under a name taken from a random key id
stored beside the data (the id is not secret; it lets the data folder move and lets several
data folders share one keyring).
"""

from __future__ import annotations

import base64
import secrets as random_source
import uuid
from pathlib import Path

from agent_desk.paths import DataDir, write_atomically
from agent_desk.secrets import get_secret, set_secret

KEY_BYTES = 32


def key_id(data_dir: DataDir) -> str:
    path = _id_file(data_dir)
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    new_id = uuid.uuid4().hex
    write_atomically(path, new_id.encode("ascii"))
    return new_id


def data_key(data_dir: DataDir) -> bytes:
    """This data folder's key, created (and stored in the OS keyring) on first use.

    SecretStoreUnavailable when the computer has no OS keyring; nothing is written then.
    """
    key = stored_data_key(data_dir)
    if key is not None:
        return key
    path = _id_file(data_dir)
    known_id = path.read_text(encoding="ascii").strip() if path.exists() else None
    new_id = known_id or uuid.uuid4().hex
    key = random_source.token_bytes(KEY_BYTES)
    set_secret(_secret_name(new_id), base64.b64encode(key).decode("ascii"))
    if known_id is None:
        write_atomically(path, new_id.encode("ascii"))
    return key


def stored_data_key(data_dir: DataDir) -> bytes | None:
    """The key that data already encrypted in this folder needs; None when it is not in the
    keyring (or the folder never had one). Never creates a key: a new one would not open
    what the lost one encrypted."""
    path = _id_file(data_dir)
    if not path.exists():
        return None
    stored = get_secret(_secret_name(path.read_text(encoding="ascii").strip()))
    return None if stored is None else base64.b64decode(stored)


def key_was_made(data_dir: DataDir) -> bool:
    """Whether a data key was ever made for this folder (its id is on disk)."""
    return _id_file(data_dir).exists()


def _id_file(data_dir: DataDir) -> Path:
    return data_dir.root / "key.id"


def _secret_name(key_id: str) -> str:
    return f"data-key:{key_id}"
