"""The benchmarks run end to end on a small hospital (their figures belong in BENCHMARKS.md)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from agent_desk.bench import BenchOptions, run_benchmarks
from agent_desk.bench.db_size import csv_bytes
from agent_desk.bench.stats import percentile, time_side_by_side_ms
from agent_desk.bench.sync import run_sync
from agent_desk.cli import main
from agent_desk.db.sqlcipher import LocalFile

CORE_KEYS = {
    "lookup_p50_ms",
    "lookup_p99_ms",
    "card_p95_ms",
    "worklist_first_page_ms",
    "startup_s",
    "shutdown_s",
    "startup_floor_s",
    "startup_vs_floor",
    "lookup_vs_raw_sqlite",
    "lookup_sql_p99_ms",
    "lookup_sql_vs_raw_sqlite",
    "db_bytes_per_patient",
    "db_vs_csv",
}


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (
        50.0,
        99.0,
        100.0,
    )


def test_side_by_side_timing_takes_turns_with_who_goes_first() -> None:
    calls: list[tuple[str, int]] = []
    actions = [lambda n, name=name: calls.append((name, n)) for name in "abc"]
    samples = time_side_by_side_ms(actions, range(4))
    assert [len(times) for times in samples] == [4, 4, 4]
    # Each input goes to every action; the first of each turn rotates a, b, c, a.
    assert calls == [
        ("a", 0), ("b", 0), ("c", 0),
        ("b", 1), ("c", 1), ("a", 1),
        ("c", 2), ("a", 2), ("b", 2),
        ("a", 3), ("b", 3), ("c", 3),
    ]  # fmt: skip


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


def test_bench_sync_without_a_server_says_how_to_give_one(tmp_path: Path, capsys) -> None:
    assert main(["--data-dir", str(tmp_path), "bench", "sync", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "agent-desk: no PostgreSQL server to measure against: run 'agent-desk bench sync "
        "--url postgresql://USER@HOST:5432/DATABASE' (or set central.url)"
    ]


def test_every_group_runs_without_a_server_and_sync_is_skipped_with_a_note(
    tmp_path: Path, capsys
) -> None:
    groups = {"sync": run_sync, "quick": lambda options: {"patients": float(options.patients)}}
    options = BenchOptions(folder=tmp_path, patients=3)
    assert run_benchmarks(None, options, as_json=True, groups=groups) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"patients": 3.0}
    assert captured.err.startswith("agent-desk: sync skipped: no PostgreSQL server")
    assert "agent-desk bench sync --url" in captured.err


@pytest.mark.usefixtures("memory_keyring")
def test_an_unreachable_server_is_one_line_and_a_failure(tmp_path: Path, capsys) -> None:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{port}/hospital"
    assert main(["--data-dir", str(tmp_path), "bench", "sync", "--url", url]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"agent-desk: the PostgreSQL server 127.0.0.1:{port}/hospital ")
    assert line.endswith("Connection refused")


def test_bench_options_take_what_the_command_line_gives_and_keep_the_rest(tmp_path) -> None:
    from agent_desk.bench import BenchOptions, SyncSizes
    from agent_desk.cli import build_parser

    args = build_parser().parse_args(["bench", "sync", "--records", "50", "--audit-events", "9"])
    options = BenchOptions.from_arguments(args, tmp_path, None)
    assert options.sync == SyncSizes(records=50)
    assert (options.audit_events, options.patients, options.folder) == (9, 1_000_000, tmp_path)


def test_csv_bytes_count_every_row_of_every_table_as_text(tmp_path: Path) -> None:
    file = LocalFile(tmp_path / "t.sqlite3", None)
    connection = file.connect(create=True)
    connection.execute("CREATE TABLE b (x INTEGER, y TEXT)")
    connection.execute("CREATE TABLE a (name TEXT)")
    connection.execute("CREATE INDEX ix_b ON b (y)")  # an index is not data: not counted
    connection.executemany("INSERT INTO b VALUES (?, ?)", [(1, "甲"), (22, None)])
    connection.close()
    assert csv_bytes(file) == len("name\r\nx,y\r\n1,甲\r\n22,\r\n".encode())


def test_the_knowledge_base_bench_searches_a_small_corpus(tmp_path: Path) -> None:
    from agent_desk.bench import GROUPS
    from agent_desk.bench.feedback_kb import run_kb

    assert "feedback" in GROUPS
    figures = run_kb(tmp_path, characters=60_000)
    assert figures["kb_characters"] == 60_000
    assert figures["kb_search_queries_with_hits"] == 400  # every query finds articles
    assert figures["kb_search_p95_ms"] > 0


def test_a_changed_demo_generator_makes_a_new_cached_hospital(tmp_path: Path, monkeypatch) -> None:
    from agent_desk.bench import core

    first, db = core.prepare(tmp_path, 0)
    db.dispose()
    monkeypatch.setattr(core, "GENERATOR_VERSION", core.GENERATOR_VERSION + 1)
    second, db = core.prepare(tmp_path, 0)
    db.dispose()
    assert first != second and first.parent == second.parent == tmp_path
