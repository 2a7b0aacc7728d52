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


@pytest.fixture(autouse=True)
def test_keyring(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FileKeyring]:
    """Every test has a working keyring, so that its databases are encrypted as on a desk
    with one: a keyring file that the processes a test starts share (keyring_env)."""
    path = tmp_path_factory.mktemp("keyring") / "keyring.json"
    for name, value in keyring_env(path).items():
        monkeypatch.setenv(name, value)
    previous = keyring.get_keyring()
    backend = FileKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(test_keyring: FileKeyring) -> FileKeyring:
    """A test that needs the keyring to work (every test has one now; see test_keyring)."""
    return test_keyring
