"""`agent-desk central init`, `config set central.url`, `sync --once` as hospital IT runs them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from agent_desk.db.open import open_local
from agent_desk.sync.conflicts import open_issues
from tests.cli_login import add_account, run
from tests.pg import scratch_database

NURSE_PASSWORD = "the nurse's own password"

pytestmark = pytest.mark.postgres


@contextmanager
def _two_stations(tmp_path: Path, monkeypatch, nurse: str) -> Iterator[tuple[str, Path, Path]]:
    """A central server set up by `central init`, two stations pointed at it, and a nurse
    added on the first and synced up: as hospital IT does it."""
    with scratch_database() as url:
        central = url.set(drivername="postgresql").render_as_string(hide_password=False)
        first, second = tmp_path / "ward", tmp_path / "centre"
        first.mkdir()
        second.mkdir()
        # Set-up commands: no account exists yet on either station.
        assert run(first, "central", "init", "--url", central, user=None) == 0
        for station in (first, second):
            assert run(station, "config", "set", "central.url", central, user=None) == 0
        add_account(first)
        add_account(first, nurse, roles=["nurse"], password=NURSE_PASSWORD)
        assert run(first, "sync", "--once") == 0
        yield central, first, second


def test_a_new_workstation_first_syncs_without_a_login_and_then_has_the_accounts(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    with _two_stations(tmp_path, monkeypatch, "nurse9") as (_central, first, second):
        assert run(second, "sync", "--once", user=None) == 0  # no account here yet
        # The nurse added on the first station signs in here, with her password.
        assert run(second, "sync", "--once", user="nurse9", password=NURSE_PASSWORD) == 0
        capsys.readouterr()
        assert run(second, "users", "list") == 0
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

        assert run(early, "central", "prune") == 0
        said = capsys.readouterr().out
        assert said.startswith("removed ") and "older than 90 days" in said
        assert not said.startswith("removed 0 ")
        with pytest.raises(SystemExit) as refused:  # argparse: usage error, nothing pruned
            run(early, "central", "prune", "--older-than-days", "0")
        assert refused.value.code == 2
        assert "whole number of 1 or more" in capsys.readouterr().err

        assert run(late, "sync", "--once", user=None) == 0  # behind the horizon: resync
        assert "resynced" in capsys.readouterr().out
        assert run(late, "users", "list") == 0
        assert "nurse7\tnurse" in capsys.readouterr().out


def test_a_workstation_that_made_its_own_admin_first_still_syncs(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """The window's first-run dialog makes "admin" on every new workstation: the first
    sync takes the server's account of that name, instead of a clash held for review."""
    with _two_stations(tmp_path, monkeypatch, "nurse5") as (_central, _first, second):
        add_account(second)  # the same name as the first station's administrator
        assert run(second, "sync", "--once") == 0
        assert "to review" not in capsys.readouterr().out
        assert open_issues(open_local(second / "agent_desk.sqlite3")) == []
        assert run(second, "sync", "--once", user="nurse5", password=NURSE_PASSWORD) == 0


def test_sync_on_a_workstation_with_accounts_needs_a_login(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    with _two_stations(tmp_path, monkeypatch, "nurse3") as (_central, first, _second):
        capsys.readouterr()
        assert run(first, "sync", "--once", user=None) == 1
        assert capsys.readouterr().err == (
            "agent-desk: this command needs a login: --user NAME --password-stdin\n"
        )
