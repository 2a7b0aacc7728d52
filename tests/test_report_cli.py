"""`agent-desk report stats`: the hand-built month of tests/statistics_data.py as JSON and as
a table, and bad dates as one line."""

from __future__ import annotations

import json

import pytest

from agent_desk.cli import main
from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from tests.statistics_data import build_month


@pytest.fixture
def month_dir(data_dir: DataDir) -> DataDir:
    db = open_local(data_dir.database)
    build_month(db)
    db.dispose()
    return data_dir


def stats(data_dir: DataDir, *args: str) -> int:
    base = ["--data-dir", str(data_dir.root), "report", "stats"]
    return main([*base, "--from", "2026-11-01", "--to", "2026-11-30", *args])


def test_json_gives_each_row_and_the_total(month_dir: DataDir, capsys) -> None:
    assert stats(month_dir, "--by", "department", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    # 7 due, 6 attempted (see test_statistics.py); CARD's 回访率 4/5.
    assert (report["total"]["due"], report["total"]["attempted"]) == (7, 6)
    card = next(r for r in report["rows"] if r["group"]["label"] == "心血管内科")
    assert card["attempt_rate"] == {"numerator": 4, "denominator": 5, "value": 0.8}


def test_the_table_has_a_line_per_group_and_the_total(month_dir: DataDir, capsys) -> None:
    assert stats(month_dir, "--by", "plan") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["discharge_7d", "surgery", "全院"]


def test_a_bad_date_is_one_line_and_exit_1(month_dir: DataDir, capsys) -> None:
    base = ["--data-dir", str(month_dir.root), "report", "stats"]
    assert main([*base, "--from", "2026-11-31", "--to", "2026-12-01"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "agent-desk: --from '2026-11-31' is not a date (YYYY-MM-DD)"
    ]
