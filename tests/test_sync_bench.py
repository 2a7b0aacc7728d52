"""`agent-desk bench sync`, end to end on a small scale against the real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_desk.bench.sync_transfer import run_sync_bench
from agent_desk.cli import main
from agent_desk.sync.central import CentralConfig
from tests.pg import ADMIN_URL, scratch_database

pytestmark = pytest.mark.postgres

KEYS = {"push_vs_copy", "pull_1m_s", "pull_vs_copy", "visible_p95_ms", "visible_pushed_per_s"}
KEYS |= {"pull_sqlite_floor_s", "pull_vs_floor"}
ISSUE_KEYS = KEYS | {"claim_p95_ms", "double_claims"}
TINY = ["--patients", "500", "--records", "200", "--changes", "5", "--agents", "2"]
TINY += ["--pushers", "1"]


def test_the_sync_bench_measures_every_figure_and_cleans_up(tmp_path: Path) -> None:
    url = ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    said: list[str] = []
    figures = run_sync_bench(
        CentralConfig(url=url),
        tmp_path,
        2000,
        records=400,
        changes=10,
        pushers=2,
        progress=said.append,
    )
    assert figures.keys() >= KEYS
    assert all(figures[key] > 0 for key in KEYS)
    assert figures["pull_patients"] == 2000
    assert said and list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("memory_keyring")
def test_bench_sync_prints_all_five_figures_of_one_run(tmp_path: Path, capsys) -> None:
    with scratch_database() as hospital:
        url = hospital.set(drivername="postgresql").render_as_string(hide_password=False)
        args = ["bench", "sync", "--url", url, "--json", *TINY, "--tasks", "40"]
        assert main(["--data-dir", str(tmp_path), *args, "--bench-dir", str(tmp_path / "b")]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert list((tmp_path / "b").iterdir()) == []  # the workstations' files went too
    assert figures.keys() >= ISSUE_KEYS
    assert (figures["double_claims"], figures["claims"], figures["pull_patients"]) == (0, 40, 500)
    assert all(figures[key] > 0 for key in ISSUE_KEYS - {"double_claims"})


@pytest.mark.usefixtures("memory_keyring")
def test_bench_sync_against_a_missing_database_is_one_line(tmp_path: Path, capsys) -> None:
    with scratch_database() as hospital:  # skips, with the reason, when no server answers
        missing = hospital.set(drivername="postgresql", database=f"{hospital.database}_gone")
        url = missing.render_as_string(hide_password=False)
        assert main(["--data-dir", str(tmp_path), "bench", "sync", "--url", url, *TINY]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("agent-desk: the central server ")
    assert line.endswith(f'database "{missing.database}" does not exist')
