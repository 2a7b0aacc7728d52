"""Drafts survive a crash: saved whole or not at all, and found again after a restart."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent_desk.forms import Draft, DraftError, DraftStore, FormState, load_template

ANSWERS = {"gd_recovery": "improved", "gd_praise": "王护士很耐心", "gd_revisit_help": True}


def draft(draft_id: str = "task-1", **answers: object) -> Draft:
    return Draft(draft_id, "general_discharge", "1", answers or ANSWERS, task_id=draft_id)


def test_a_saved_draft_loads_back_equal(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    saved = draft()
    store.save(saved)
    assert store.load("task-1") == saved


def test_a_missing_draft_loads_as_none(tmp_path: Path) -> None:
    assert DraftStore(tmp_path).load("task-9") is None


def test_drafts_are_listed_newest_first(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    now = datetime.now(UTC)
    store.save(Draft("old", "phq9", "1", {}, saved_at=now - timedelta(hours=1)))
    store.save(Draft("new", "phq9", "1", {}, saved_at=now))
    assert [d.draft_id for d in store.list_drafts()] == ["new", "old"]


def test_submit_deletes_the_draft(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(draft())
    assert store.delete("task-1") and store.load("task-1") is None
    assert not store.delete("task-1")


def test_a_failed_write_leaves_the_old_draft_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DraftStore(tmp_path)
    first = store.save(draft(gd_praise="第一版"))

    def disk_fails(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_fails)
    with pytest.raises(OSError, match="Input/output"):
        store.save(draft(gd_praise="第二版"))
    monkeypatch.undo()
    assert store.load("task-1").answers == {"gd_praise": "第一版"}  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == [first]  # and no temporary file left behind


def test_an_unserialisable_answer_never_touches_the_file(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(draft())
    with pytest.raises(TypeError):
        store.save(draft(gd_praise=object()))
    assert store.load("task-1").answers == ANSWERS  # type: ignore[union-attr]


CHILD = """
import itertools, sys
from pathlib import Path
from agent_desk.forms import Draft, DraftStore
store = DraftStore(Path(sys.argv[1]))
for n in itertools.count():
    store.save(Draft("task-1", "general_discharge", "1", {"n": n, "text": "随访" * 20000}))
"""


def test_killing_the_process_mid_save_leaves_a_whole_draft(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)])
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "task-1.json").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # let it be somewhere inside a save
    finally:
        child.kill()
        child.wait()
    store = DraftStore(tmp_path)
    restored = store.load("task-1")
    assert restored is not None and restored.answers["text"] == "随访" * 20000
    store.remove_stale_temp_files()
    assert [p.name for p in tmp_path.iterdir()] == ["task-1.json"]


def test_a_damaged_draft_is_logged_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = DraftStore(tmp_path)
    store.save(draft("task-2"))
    (tmp_path / "task-1.json").write_text('{"format": 1, "draftId"', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert [d.draft_id for d in store.list_drafts()] == ["task-2"]
    assert "task-1.json" in caplog.text
    with pytest.raises(DraftError):
        store.load("task-1")


def test_a_draft_id_cannot_escape_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DraftError):
        DraftStore(tmp_path).save(draft("../elsewhere"))


def test_a_form_restored_from_its_draft_is_the_form_that_was_saved(tmp_path: Path) -> None:
    template = load_template("general")
    before = FormState(template, ANSWERS)
    store = DraftStore(tmp_path)
    store.save(Draft("task-1", template.code, template.version, before.draft_answers()))
    restored = store.load("task-1")
    assert restored is not None
    after = FormState(
        load_template(restored.template_code, restored.template_version), restored.answers
    )
    assert after.record_answers() == before.record_answers() and after.restore_problems == []


def test_text_still_being_typed_is_kept_beside_the_answers(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(Draft("task-1", "nrs", "1", {}, typed={"nrs_pain": "1"}))
    loaded = store.load("task-1")
    assert loaded is not None and loaded.typed == {"nrs_pain": "1"}
