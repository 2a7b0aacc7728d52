"""Files the workstation keeps or a hospital edits by hand (the work queue journal, column
mappings, plans), damaged: refused in one line that names the file, never a crash."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agent_desk.intake.mapping import MappingError, MappingStore
from agent_desk.plans.loader import PlanError, load_plans
from agent_desk.sync.queue_errors import JournalDamaged
from agent_desk.sync.queue_journal import QueueJournal

DAMAGED = {
    "a list": b"[1, 2]",
    "not UTF-8": b'{"version": "\xff"}',
    "deep": b"[" * 5000 + b"]" * 5000,
    "a huge number": b'{"version": 1' + b"0" * 5000 + b"}",
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_work_queue_journal_is_refused_by_name(tmp_path: Path, content: bytes) -> None:
    journal = tmp_path / "work_queue.json"
    journal.write_bytes(content)
    with pytest.raises(JournalDamaged, match=r"work_queue\.json"):
        QueueJournal(journal).load()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_the_journal_is_written_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        QueueJournal(tmp_path / "work_queue.json").save({}, [], [])
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "work_queue.json").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["work_queue.json"]


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_column_mapping_is_refused_by_name(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "ours.json").write_bytes(content)
    with pytest.raises(MappingError, match=r"ours\.json"):
        MappingStore(tmp_path).get("ours")


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_plan_file_is_named_among_the_problems(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "ours.json").write_bytes(content)
    with pytest.raises(PlanError, match=r"ours\.json"):
        load_plans(tmp_path)
