"""The workstation's data key: encrypts the database (SQLCipher) and the recordings at rest.

The key is 32 random bytes kept in the OS keyring, under a name taken from a random key id
stored beside the data (the id is not secret; it lets the data folder move and lets several
data folders share one keyring).
"""

from __future__ import annotations

import base64
import secrets as random_source
import uuid

from agent_desk.paths import DataDir, write_atomically
from agent_desk.secrets import get_secret, set_secret

KEY_BYTES = 32


def key_id(data_dir: DataDir) -> str:
    path = data_dir.root / "key.id"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    new_id = uuid.uuid4().hex
    write_atomically(path, new_id.encode("ascii"))
    return new_id


def data_key(data_dir: DataDir) -> bytes:
    """This data folder's key, created (and stored in the OS keyring) on first use."""
    name = f"data-key:{key_id(data_dir)}"
    stored = get_secret(name)
    if stored is not None:
        return base64.b64decode(stored)
    key = random_source.token_bytes(KEY_BYTES)
    set_secret(name, base64.b64encode(key).decode("ascii"))
    return key
