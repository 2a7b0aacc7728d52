"""`agent-desk bench sync`, end to end on a small scale against the real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.sync.bench import run_sync_bench
from agent_desk.sync.central import CentralConfig
from tests.pg import ADMIN_URL

pytestmark = pytest.mark.postgres

KEYS = {"push_vs_copy", "pull_1m_s", "visible_p95_ms"}


def test_the_sync_bench_measures_every_figure_and_cleans_up(tmp_path: Path) -> None:
    url = ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    said: list[str] = []
    figures = run_sync_bench(
        CentralConfig(url=url), tmp_path, 2000, records=400, changes=10, progress=said.append
    )
    assert figures.keys() >= KEYS
    assert all(figures[key] > 0 for key in KEYS)
    assert figures["pull_patients"] == 2000
    assert said and list(tmp_path.iterdir()) == []
