"""Every command that starts the SIP engine exits with status 0, never a fatal error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtWidgets import QLabel

from agent_desk.settings import Settings
from tests.cli_login import add_account
from tests.sip_peers import free_port, require


def agent_desk(
    *args: str, stdin: str = "", timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        # Read at each call: the run's keyring (tests/conftest.py) is in the environment
        # only once the session has started, after this module was imported.
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Fatal Python error" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.usefixtures("qapp")
def test_qt_calls_keep_the_references_they_return() -> None:
    # Python 3.11's None and True are reference-counted; a binding that returns them
    # without a reference makes the interpreter abort at exit once enough calls are made.
    label = QLabel()
    none_before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
    assert sys.getrefcount(None) > none_before - 100


def test_bench_telephony_exits_cleanly(tmp_path: Path) -> None:
    require("sipp", "socat")
    result = agent_desk(
        "--data-dir", str(tmp_path), "bench", "telephony", "--json",
        "--patients", "300", "--calls", "200", "--bench-dir", str(tmp_path / "bench"),
    )  # fmt: skip
    assert_clean(result)
    figures = json.loads(result.stdout)
    assert figures["screenpop_calls"] == 200
    assert figures["rss_mb_after_200_calls"] > 0


def test_run_with_sip_exits_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(data / "settings.json")
    settings.set("sip.enabled", "true")
    settings.set("sip.listen_port", str(free_port()))
    add_account(data)
    add_account(data, "agent1", roles=["agent"], password="long enough")
    result = agent_desk(
        "--data-dir", str(data), "run", "--user", "agent1", "--password-stdin",
        "--quit-when-ready", stdin="long enough\n",
    )  # fmt: skip
    assert_clean(result)
    assert "SIP engine listening" in (data / "logs" / "agent_desk.log").read_text()
