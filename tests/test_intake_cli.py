"""`agent-desk import` on broken HIS files, run as hospital IT runs it: a line per
problem and an exit status, never a traceback."""

from __future__ import annotations

import codecs
import signal
import subprocess
import sys
from pathlib import Path

from tests.cli_login import add_account, login_argv, login_stdin
from tests.sip_peers import free_port
from tests.test_intake_hl7 import BAD_SEPARATORS, adt

AGENT_DESK = Path(sys.executable).with_name("agent-desk")


def _his_account(data: Path) -> None:
    """The HIS interface account these commands run as: it may import, nothing else."""
    data.mkdir(exist_ok=True)
    add_account(data)
    add_account(data, "his", roles=["integration"])


def _agent_desk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    _his_account(data)
    return subprocess.run(
        [AGENT_DESK, "--data-dir", data, *login_argv("his"), *args],
        input=login_stdin(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_damaged_discharge_list_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(codecs.BOM_UTF8 + "病案号,姓名,科室,出院日期\r\n".encode("gbk"))
    run = _agent_desk(tmp_path, "import", "discharges", str(bad))
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "agent-desk: bad.csv: the file starts with a UTF-8 byte-order mark but is not UTF-8 text "
        "(line 1, byte 0xB2); export it again as CSV (UTF-8) or .xlsx"
    ]


def test_broken_hl7_messages_are_one_report_line_each_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    far = adt("A03", "M2").replace("19500307", "19500307+2400")
    bad = tmp_path / "bad.hl7"
    bad.write_text(BAD_SEPARATORS + "\r" + far + adt("A03", "M3"), encoding="utf-8")
    run = _agent_desk(tmp_path, "import", "hl7", str(bad))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = [line for line in run.stdout.splitlines() if line.startswith("error")]
    assert [e.split(":")[0] for e in errors] == ["error   message 1", "error   message 2"]
    assert "read 3, created 1," in run.stdout


def test_the_listener_stopped_by_a_service_manager_says_what_it_took(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _his_account(data)
    port = str(free_port())
    listen = ("hl7", "listen", "--host", "127.0.0.1", "--port", port)
    listener = subprocess.Popen(
        [AGENT_DESK, "--data-dir", data, *login_argv("his"), *listen],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert listener.stdin is not None
    listener.stdin.write(login_stdin())
    listener.stdin.flush()
    assert listener.stderr is not None
    assert "listening for HL7" in listener.stderr.readline()  # up, so SIGTERM finds it serving
    listener.send_signal(signal.SIGTERM)
    out, err = listener.communicate(timeout=30)
    assert listener.returncode == 0, err
    assert out.startswith("mllp://127.0.0.1:")  # the summary of what it took
    assert "Traceback" not in err
