"""Shared fixtures. Qt runs offscreen; every database is a real file under tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest

from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from tests.builders import Hospital, build_small_hospital
from tests.keyring_file import FileKeyring, keyring_env
from tests.test_sync_support import central, server  # noqa: F401 (shared fixtures)

TODAY = date(2026, 11, 23)


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    root = tmp_path / "data"
    root.mkdir()
    (root / "logs").mkdir()
    return DataDir(root)


@pytest.fixture
def db(data_dir: DataDir) -> Iterator[Database]:
    database = open_local(data_dir.database)
    yield database
    database.dispose()


@pytest.fixture
def hospital(db: Database) -> Hospital:
    return build_small_hospital(db, TODAY)


@pytest.fixture(scope="session", autouse=True)
def session_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileKeyring]:
    """A working keyring for the whole run, so that every database is encrypted as on a desk
    with one (fixtures of any scope included): a keyring file that the processes the tests
    start share (keyring_env)."""
    previous = keyring.get_keyring()  # before the variables below choose the file keyring
    variables = keyring_env(tmp_path_factory.mktemp("keyring") / "keyring.json")
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    backend = FileKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def test_keyring(session_keyring: FileKeyring) -> Iterator[FileKeyring]:
    """The run's keyring, put back after a test that took it away (NoKeyring, a reset)."""
    keyring.set_keyring(session_keyring)
    yield session_keyring
    keyring.set_keyring(session_keyring)


@pytest.fixture
def memory_keyring(test_keyring: FileKeyring) -> FileKeyring:
    """A test that needs the keyring to work (every test has one now; see test_keyring)."""
    return test_keyring
