"""The workstation as a process behind the hospital's registrar (Kamailio): stopped by a
signal, it hangs up and leaves no binding behind; it takes a corrected password without a
restart."""

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
from tests.cli_login import ADMIN, ADMIN_ROLES, PASSWORD, login_argv, login_stdin
from tests.keyring_file import keyring_env
from tests.registrar import Kamailio
from tests.sip_peers import baresip, free_port, require

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

    def __init__(self, folder: Path, registrar: Kamailio | None) -> None:
        self.data = folder / "data"
        self.data.mkdir()
        self.settings = Settings(self.data / "settings.json")
        self.settings.set("sip.listen_port", str(free_port()))
        if registrar is not None:
            self.settings.set("sip.registrar", f"sip:{registrar.address}")
            self.settings.set("sip.user", USER)
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **keyring_env(folder / "kr")}
        # In a process of this keyring's, as every command here: the data key is in it.
        subprocess.run(
            [sys.executable, "-m", "agent_desk", "--data-dir", str(self.data), "users", "add",
             ADMIN, *(f"--role={role}" for role in ADMIN_ROLES), "--password-stdin"],
            input=f"{PASSWORD}\n", text=True, env=self.env, check=True, capture_output=True,
        )  # fmt: skip
        self.command("users", "add", "agent1", "--role", "agent", "--password-stdin", stdin=LOGIN)

    def command(self, *args: str, stdin: str) -> None:
        """`agent-desk ARGS` signed in as the workstation's administrator."""
        subprocess.run(
            [sys.executable, "-m", "agent_desk", "--data-dir", str(self.data), *login_argv(),
             *args],
            input=login_stdin(stdin + "\n"), text=True, env=self.env, check=True,
            capture_output=True,
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

    def wait_for_log(self, text: str, window: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 30
        while text not in self.log_text():
            assert time.monotonic() < deadline and window.poll() is None, self.log_text()
            time.sleep(0.1)


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
        station.wait_for_log("registration: failed 401", window)
        station.command("secret", "set", "sip.password", "--password-stdin", stdin=RIGHT)
        registrar.wait_for_bindings(USER, 1, timeout=30)
    finally:
        stop(window, signal.SIGTERM)


def test_a_signal_hangs_up_the_call_in_progress(tmp_path: Path) -> None:
    require("baresip")
    station = Station(tmp_path, registrar=None)
    station.settings.set("call.auto_answer", "true")
    window = station.run()
    with baresip(tmp_path / "phone") as phone:
        port = station.settings.get("sip.listen_port")
        station.wait_for_log("SIP engine listening", window)
        phone.command(f"/dial sip:agent@127.0.0.1:{port}")
        assert phone.peer is not None
        phone.peer.wait_for_line("(?i)call established", timeout=15)
        code, stderr = stop(window, signal.SIGTERM)
        phone.peer.wait_for_line("session closed: Connection reset by peer", timeout=10)  # BYE
    assert code == 0, stderr[-2000:]
