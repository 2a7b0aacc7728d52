"""`agent-desk central init`, `config set central.url`, `sync --once` as hospital IT runs them."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from agent_desk.cli import main
from agent_desk.db.open import open_local
from agent_desk.sync.conflicts import open_issues
from tests.pg import scratch_database

pytestmark = pytest.mark.postgres


def _cli(data: Path, monkeypatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data), *args])


@contextmanager
def _two_stations(tmp_path: Path, monkeypatch, nurse: str) -> Iterator[tuple[str, Path, Path]]:
    """A central server set up by `central init`, two stations pointed at it, and a nurse
    added on the first and synced up: as hospital IT does it."""
    with scratch_database() as url:
        central = url.set(drivername="postgresql").render_as_string(hide_password=False)
        first, second = tmp_path / "ward", tmp_path / "centre"
        first.mkdir()
        second.mkdir()
        assert _cli(first, monkeypatch, "central", "init", "--url", central) == 0
        for station in (first, second):
            assert _cli(station, monkeypatch, "config", "set", "central.url", central) == 0
        add = ("users", "add", nurse, "--role", "nurse", "--password-stdin")
        assert _cli(first, monkeypatch, *add, stdin="long enough\n") == 0
        assert _cli(first, monkeypatch, "sync", "--once") == 0
        yield central, first, second


def test_a_user_added_on_one_workstation_reaches_another(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    with _two_stations(tmp_path, monkeypatch, "nurse9") as (_central, first, second):
        assert _cli(second, monkeypatch, "sync", "--once") == 0
        capsys.readouterr()
        assert _cli(second, monkeypatch, "users", "list") == 0
        assert "nurse9\tnurse" in capsys.readouterr().out
        for station in (first, second):  # audit events came back through the feed: no issue
            assert open_issues(open_local(station / "agent_desk.sqlite3")) == []


def test_central_prune_forgets_old_feed_rows_and_a_late_workstation_resyncs(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    with _two_stations(tmp_path, monkeypatch, "nurse7") as (central, early, late):
        with psycopg.connect(central, autocommit=True) as connection:
            # The feed as it would look after a season: every row 100 days old.
            connection.execute(
                "UPDATE sync_change_log SET changed_at = changed_at - interval '100 days'"
            )
        capsys.readouterr()

        assert _cli(early, monkeypatch, "central", "prune") == 0
        said = capsys.readouterr().out
        assert said.startswith("removed ") and "older than 90 days" in said
        assert not said.startswith("removed 0 ")
        with pytest.raises(SystemExit) as refused:  # argparse: usage error, nothing pruned
            _cli(early, monkeypatch, "central", "prune", "--older-than-days", "0")
        assert refused.value.code == 2
        assert "whole number of 1 or more" in capsys.readouterr().err

        assert _cli(late, monkeypatch, "sync", "--once") == 0  # behind the horizon: resync
        assert "resynced" in capsys.readouterr().out
        assert _cli(late, monkeypatch, "users", "list") == 0
        assert "nurse7\tnurse" in capsys.readouterr().out
