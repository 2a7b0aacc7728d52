"""The workstation behind the hospital's registrar (Kamailio), as a process: it leaves no
binding behind when stopped by a signal, and takes a corrected password without a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.settings import Settings
from tests.keyring_file import keyring_env
from tests.registrar import Kamailio
from tests.sip_peers import free_port

USER = "agent01"
RIGHT = "right-pass"
LOGIN = "long enough"


@pytest.fixture
def registrar(tmp_path: Path) -> Iterator[Kamailio]:
    kamailio = Kamailio(tmp_path / "kamailio", RIGHT)
    yield kamailio
    kamailio.stop()


class Station:
    """A data folder set up for the registrar, and `agent-desk` commands run on it."""

    def __init__(self, folder: Path, registrar: Kamailio) -> None:
        self.data = folder / "data"
        self.data.mkdir()
        settings = Settings(self.data / "settings.json")
        settings.set("sip.listen_port", str(free_port()))
        settings.set("sip.registrar", f"sip:{registrar.address}")
        settings.set("sip.user", USER)
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **keyring_env(folder / "kr")}
        self.command("users", "add", "agent1", "--role", "agent", "--password-stdin", stdin=LOGIN)

    def command(self, *args: str, stdin: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "agent_desk", "--data-dir", str(self.data), *args],
            input=stdin + "\n", text=True, env=self.env, check=True, capture_output=True,
        )  # fmt: skip

    def run(self) -> subprocess.Popen[str]:
        window = subprocess.Popen(
            [sys.executable, "-m", "agent_desk", "--data-dir", str(self.data),
             "run", "--user", "agent1", "--password-stdin"],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env,
        )  # fmt: skip
        assert window.stdin is not None
        window.stdin.write(LOGIN + "\n")
        window.stdin.close()
        return window

    def log_text(self) -> str:
        path = self.data / "logs" / "agent_desk.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""


def stop(window: subprocess.Popen[str], signum: int) -> tuple[int, str]:
    window.send_signal(signum)
    try:
        code = window.wait(20)
    finally:
        if window.poll() is None:
            window.kill()
    assert window.stderr is not None
    return code, window.stderr.read()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_unregisters_before_exit(tmp_path: Path, registrar: Kamailio, signum) -> None:
    station = Station(tmp_path, registrar)
    station.command("secret", "set", "sip.password", "--password-stdin", stdin=RIGHT)
    window = station.run()
    registrar.wait_for_bindings(USER, 1, timeout=30)
    code, stderr = stop(window, signum)
    assert (code, "Fatal Python error" in stderr) == (0, False), stderr[-2000:]
    assert registrar.bindings(USER) == []


def test_a_password_set_after_a_refusal_registers(tmp_path: Path, registrar: Kamailio) -> None:
    station = Station(tmp_path, registrar)
    station.command("secret", "set", "sip.password", "--password-stdin", stdin="wrong-pass")
    window = station.run()
    try:
        deadline = time.monotonic() + 30
        while "registration: failed 401" not in station.log_text():
            assert time.monotonic() < deadline and window.poll() is None, station.log_text()
            time.sleep(0.1)
        station.command("secret", "set", "sip.password", "--password-stdin", stdin=RIGHT)
        registrar.wait_for_bindings(USER, 1, timeout=30)
    finally:
        stop(window, signal.SIGTERM)
