"""`agent-desk kb import DIR` and `kb search QUERY [--json]`: output and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_desk.paths import DataDir
from tests.cli_login import add_account, run

ARTICLE = """---
title: 高血压患者的家庭血压测量
tags: 高血压
icd10: I10
---
早晚各测一次血压。
"""


@pytest.fixture
def articles(tmp_path: Path, data_dir: DataDir) -> Path:
    add_account(data_dir)
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "bp.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def test_import_then_search_as_json(
    articles: Path, data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "kb", "import", str(articles)) == 0
    assert "1 saved, 0 unchanged, 0 refused" in capsys.readouterr().out
    assert run(data_dir, "kb", "search", "血压", "--json") == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert hit["title"] == "高血压患者的家庭血压测量" and "血压" in hit["snippet"]


def test_a_broken_file_fails_the_import_in_one_line_and_the_good_ones_stay(
    articles: Path, data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    (articles / "broken.md").write_text("title: 无头\n正文", encoding="utf-8")
    assert run(data_dir, "kb", "import", str(articles)) == 1
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines()[-1] == (
        "agent-desk: broken.md: line 1: the header must start with a '---' line"
    )
    assert "1 saved, 0 unchanged, 1 refused" in captured.out
    assert run(data_dir, "kb", "search", "家庭血压") == 0
    assert "高血压患者的家庭血压测量" in capsys.readouterr().out


def test_a_missing_folder_is_one_line_and_exit_1(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_account(data_dir)
    assert run(data_dir, "kb", "import", str(tmp_path / "nowhere")) == 1
    [line] = [x for x in capsys.readouterr().err.splitlines() if "nowhere" in x]
    assert line.endswith("nowhere is not a folder")


def test_an_agent_may_search_but_not_import(
    articles: Path, data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    add_account(data_dir, "agent1", roles=("agent",))
    assert run(data_dir, "kb", "import", str(articles), user="agent1") == 1
    assert "agent1 is not allowed to edit knowledge" in capsys.readouterr().err
    assert run(data_dir, "kb", "import", str(articles)) == 0
    assert run(data_dir, "kb", "search", "血压", user="agent1") == 0


def test_search_without_a_login_fails(data_dir: DataDir) -> None:
    add_account(data_dir)
    assert run(data_dir, "kb", "search", "血压", user=None) == 1


def test_reindex_rebuilds_the_index_from_the_articles(
    articles: Path, data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "kb", "import", str(articles)) == 0
    assert run(data_dir, "kb", "reindex") == 0
    assert "1 articles indexed" in capsys.readouterr().out
    assert run(data_dir, "kb", "search", "血压", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
