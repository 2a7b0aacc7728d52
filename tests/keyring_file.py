"""A keyring in a JSON file, for workstation processes started by the tests.

This headless machine has no OS keyring, and MemoryKeyring lives in one process only; a
test that runs `agent-desk` in a subprocess selects this one through the environment
(`keyring_env`), so that `agent-desk secret set` in one process is seen by another.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

FILE_VARIABLE = "AGENT_DESK_TEST_KEYRING"


def keyring_env(path: Path) -> dict[str, str]:
    """Environment variables that make a child process use the keyring file *path*."""
    root = str(Path(__file__).resolve().parent.parent)
    return {
        "PYTHON_KEYRING_BACKEND": "tests.keyring_file.FileKeyring",
        FILE_VARIABLE: str(path),
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        # keyring offers every backend class it has seen imported: outside the processes
        # keyring_env() starts, this one must not be chosen (the variable is not there).
        if FILE_VARIABLE not in os.environ:
            raise RuntimeError(f"{FILE_VARIABLE} is not set")
        return 1

    @property
    def _path(self) -> Path:
        return Path(os.environ[FILE_VARIABLE])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def _save(self, store: dict[str, str]) -> None:
        # A temporary file of this process's own: several workstation processes may save at
        # once (each new database makes its key), and one shared name was moved from under
        # another's replace.
        temporary = self._path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(store), encoding="utf-8")
        temporary.replace(self._path)  # a reader never sees half a file

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time across processes: read, change and save as a whole, so that
        two processes adding a secret each keep both."""
        with open(self._path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._locked():
            store = self._load()
            store[f"{service}/{username}"] = password
            self._save(store)

    def delete_password(self, service: str, username: str) -> None:
        with self._locked():
            store = self._load()
            if store.pop(f"{service}/{username}", None) is None:
                raise PasswordDeleteError(username)
            self._save(store)
