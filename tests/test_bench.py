"""The benchmarks run end to end on a small hospital (their figures belong in BENCHMARKS.md)."""

from __future__ import annotations

import json
from pathlib import Path

from agent_desk.bench.stats import percentile
from agent_desk.cli import main

CORE_KEYS = {"lookup_p50_ms", "lookup_p99_ms", "card_p95_ms", "worklist_first_page_ms", "startup_s"}


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (
        50.0,
        99.0,
        100.0,
    )


def test_core_bench_prints_every_key_as_json(tmp_path: Path, capsys) -> None:
    assert (
        main(
            [
                "--data-dir",
                str(tmp_path),
                "bench",
                "core",
                "--json",
                "--patients",
                "300",
                "--bench-dir",
                str(tmp_path / "bench"),
            ]
        )
        == 0
    )
    figures = json.loads(capsys.readouterr().out)
    assert figures.keys() >= CORE_KEYS
    assert all(figures[key] > 0 for key in CORE_KEYS)
    assert figures["patients"] == 300


def test_unknown_bench_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["--data-dir", str(tmp_path), "bench", "nonesuch"]) == 1
    assert "unknown benchmark 'nonesuch'" in capsys.readouterr().err
