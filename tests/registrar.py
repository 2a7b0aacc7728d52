"""Kamailio as the hospital's registrar: digest auth, in-memory bindings, on loopback.

Started in the foreground from a config written here, stopped by its PID. The password
is one fixed plaintext value per user, so a test can register with a wrong one first.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.sip_peers import free_port

REALM = "hospital.test"

_CONFIG = """#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
disable_tcp=yes
listen=udp:127.0.0.1:@PORT@
alias="@REALM@"

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "ctl.so"

modparam("ctl", "binrpc", "unix:@CTL@")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)

request_route {
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (is_method("REGISTER")) {
        if (!pv_auth_check("@REALM@", "@PASSWORD@", "0", "0")) {
            auth_challenge("@REALM@", "0");
            exit;
        }
        save("location");
        exit;
    }
    sl_send_reply("403", "Forbidden here");
}
"""


class Kamailio:
    """One registrar on a free loopback port; `address` is what `sip.registrar` takes."""

    def __init__(self, folder: Path, password: str) -> None:
        if shutil.which("kamailio") is None:
            pytest.skip("needs kamailio (Debian: apt-get install kamailio)")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self._ctl = folder / "kamailio.ctl"
        config = folder / "kamailio.cfg"
        config.write_text(
            _CONFIG.replace("@PORT@", str(self.port))
            .replace("@REALM@", REALM)
            .replace("@PASSWORD@", password)
            .replace("@CTL@", str(self._ctl)),
            encoding="utf-8",
        )
        self._log = open(folder / "kamailio.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            ["kamailio", "-DD", "-E", "-f", str(config), "-Y", str(folder), "-w", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not self._ctl.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError((folder / "kamailio.log").read_text(errors="replace"))
            time.sleep(0.05)

    def bindings(self, user: str) -> list[str]:
        """The contacts registered for *user* now (kamcmd ul.lookup)."""
        result = subprocess.run(
            ["kamcmd", "-s", f"unix:{self._ctl}", "ul.lookup", "location", user],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if result.returncode != 0:  # "404 AOR not found": no binding at all
            return []
        return [
            line.split(":", 1)[1].strip()
            for line in result.stdout.splitlines()
            if line.strip().startswith("Address:")
        ]

    def wait_for_bindings(self, user: str, count: int, timeout: float = 15) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(found := self.bindings(user)) != count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{user}: {len(found)} bindings, expected {count}: {found}")
            time.sleep(0.1)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
