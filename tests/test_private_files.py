"""Patient data on disk is readable by its owner only (0600 files, 0700 folders), whatever
the umask. Windows has no such modes (the helpers do nothing there)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.db.open import open_local
from agent_desk.forms.drafts import Draft, DraftStore
from agent_desk.logs import setup_logging
from agent_desk.paths import resolve_data_dir

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def permissive_umask(request: pytest.FixtureRequest) -> Iterator[None]:
    previous = os.umask(request.param)
    yield
    os.umask(previous)


def test_the_data_folder_and_logs_are_private(tmp_path: Path, permissive_umask: None) -> None:
    root = tmp_path / "data"
    root.mkdir(mode=0o755)
    data_dir = resolve_data_dir(root)
    assert (mode(data_dir.root), mode(data_dir.logs)) == (0o700, 0o700)


def test_the_log_file_is_private(tmp_path: Path, permissive_umask: None) -> None:
    import logging

    from agent_desk import logs

    try:
        path = setup_logging(tmp_path)
    finally:
        for handler in list(logs._ours):
            logging.getLogger().removeHandler(handler)
            handler.close()
    assert mode(path) == 0o600


def test_the_database_and_its_wal_are_private(tmp_path: Path, permissive_umask: None) -> None:
    path = tmp_path / "agent_desk.sqlite3"
    db = open_local(path)
    try:
        with db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE probe (x)")
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert [mode(p) for p in (path, wal, shm)] == [0o600, 0o600, 0o600]
    finally:
        db.dispose()


def test_a_database_left_readable_by_others_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "agent_desk.sqlite3"
    open_local(path).dispose()
    path.chmod(0o644)
    open_local(path).dispose()
    assert mode(path) == 0o600


def test_drafts_are_private(tmp_path: Path, permissive_umask: None) -> None:
    store = DraftStore(tmp_path / "drafts")
    saved = store.save(Draft("task-1", "phq9", "1", {"phq9_1": "0"}))
    assert (mode(store.folder), mode(saved)) == (0o700, 0o600)
