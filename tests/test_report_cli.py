"""`agent-desk report stats`: the hand-built month of tests/statistics_data.py as JSON and as
a table, and bad dates as one line."""

from __future__ import annotations

import json

import pytest

from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from tests.cli_login import ADMIN, add_account, run
from tests.statistics_data import build_month


@pytest.fixture
def month_dir(data_dir: DataDir) -> DataDir:
    db = open_local(data_dir.database)
    build_month(db)
    db.dispose()
    add_account(data_dir)
    return data_dir


def stats(data_dir: DataDir, *args: str, user: str = ADMIN) -> int:
    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    return run(data_dir, "report", "stats", *period, *args, user=user)


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
    assert run(month_dir, "report", "stats", "--from", "2026-11-31", "--to", "2026-12-01") == 1
    assert capsys.readouterr().err.splitlines() == [
        "agent-desk: --from '2026-11-31' is not a date (YYYY-MM-DD)"
    ]


def test_an_agent_may_not_read_the_statistics(month_dir: DataDir, capsys) -> None:
    add_account(month_dir, "agent1", roles=("agent",))
    assert stats(month_dir, "--by", "department", user="agent1") == 1
    assert "agent1 is not allowed to view statistics" in capsys.readouterr().err


def test_the_monthly_report_writes_its_pdf_and_workbook(month_dir: DataDir, tmp_path, capsys):
    pdf, xlsx = tmp_path / "m.pdf", tmp_path / "m.xlsx"
    args = ("--month", "2026-11", "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert run(month_dir, "report", "monthly", *args) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")
    assert capsys.readouterr().out.splitlines() == [f"wrote {pdf}", f"wrote {xlsx}"]


def test_a_department_report_of_an_unknown_department_is_one_line(month_dir: DataDir, capsys):
    args = ("--week", "2026-W47", "--department", "NOPE", "--pdf", "w.pdf")
    assert run(month_dir, "report", "weekly", *args) == 1
    assert capsys.readouterr().err.splitlines() == [
        "agent-desk: unknown department code 'NOPE'; known: CARD, ORTH"
    ]


def test_a_bad_quarter_is_one_line_and_writes_nothing(month_dir: DataDir, tmp_path, capsys):
    pdf = tmp_path / "q.pdf"
    assert run(month_dir, "report", "quarterly", "--quarter", "2026-Q5", "--pdf", str(pdf)) == 1
    assert capsys.readouterr().err.splitlines() == ["agent-desk: there is no quarter 5"]
    assert not pdf.exists()


def test_a_report_needs_somewhere_to_go(month_dir: DataDir, capsys) -> None:
    assert run(month_dir, "report", "monthly", "--month", "2026-11") == 1
    assert "--pdf FILE and/or --xlsx FILE" in capsys.readouterr().err


def test_an_agent_may_not_write_a_report(month_dir: DataDir, tmp_path, capsys) -> None:
    add_account(month_dir, "agent1", roles=("agent",))
    args = ("--month", "2026-11", "--pdf", str(tmp_path / "m.pdf"))
    assert run(month_dir, "report", "monthly", *args, user="agent1") == 1
    assert "agent1 is not allowed to view statistics" in capsys.readouterr().err
    assert not (tmp_path / "m.pdf").exists()


def test_the_figures_say_they_are_this_workstations(month_dir: DataDir, capsys) -> None:
    assert stats(month_dir, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["source"], report["source_label"]) == ("local", "本工作站（离线）")


def test_an_unreachable_server_is_one_line_and_the_local_figures(
    month_dir: DataDir, capsys
) -> None:
    Settings(month_dir.settings).set("central.url", "postgresql://u@127.0.0.1:9/agent_desk")
    assert stats(month_dir, "--json") == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["total"]["attempted"] == 6
    notes = [line for line in err.splitlines() if line.startswith("中心库无法连接")]
    assert len(notes) == 1 and "127.0.0.1:9" in notes[0]
