"""The data key: created once per data folder, kept in the OS keyring, never in the folder."""

from __future__ import annotations

from pathlib import Path

from agent_desk.data_key import KEY_BYTES, data_key
from agent_desk.paths import DataDir
from tests.keyring_memory import MemoryKeyring


def test_the_key_is_created_once_and_only_its_id_is_on_disk(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    data_dir = DataDir(tmp_path)
    key = data_key(data_dir)
    assert len(key) == KEY_BYTES
    assert data_key(data_dir) == key
    (tmp_path / "other").mkdir()
    assert data_key(DataDir(tmp_path / "other")) != key
    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert key not in on_disk
