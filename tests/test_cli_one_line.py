"""Whatever goes wrong, the console gets one line and the log file keeps the traceback."""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from agent_desk import logs
from agent_desk.logs import LOG_NAME, setup_logging


def _agent_desk(
    data_dir: Path, *args: str, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`agent-desk ARGS` in its own process; *code* runs first in it (to force a failure)."""
    launch = f"{code or ''}\nfrom agent_desk.cli import main\nraise SystemExit(main())"
    return subprocess.run(
        [sys.executable, "-c", launch, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_broken_template_is_one_line(tmp_path: Path) -> None:
    noise = tmp_path / "form.json"
    noise.write_bytes(random.Random(5).randbytes(2000))
    result = _agent_desk(tmp_path, "forms", "validate", str(noise))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "not UTF-8 text" in result.stderr


def test_an_unexpected_error_is_one_line_and_its_traceback_is_in_the_log(tmp_path: Path) -> None:
    # Nothing known fails unexpectedly, so one command is made to (in the child process only).
    boom = (
        "import agent_desk.cli.config as config\n"
        "def handle(ctx, args):\n"
        "    raise RuntimeError('boom in the config command')\n"
        "config.handle = handle"
    )
    result = _agent_desk(tmp_path, "config", "list", code=boom)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "unexpected error: RuntimeError: boom in the config command" in line
    assert "Traceback" not in result.stderr
    log = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert "Traceback" in log and "boom in the config command" in log


def test_a_logged_exception_reaches_the_console_as_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path = setup_logging(tmp_path)
    try:
        raise ValueError("bad row\nsecond line")
    except ValueError:
        logging.getLogger("agent_desk.test").exception("import failed")
    finally:
        for handler in list(logs._ours):  # back to pytest's own logging
            logging.getLogger().removeHandler(handler)
            handler.close()
    assert capsys.readouterr().err == "ERROR: import failed\n"
    assert "Traceback" in log_path.read_text(encoding="utf-8")


def test_a_crash_in_a_worker_thread_is_one_line(tmp_path: Path) -> None:
    crash = (
        "import threading, agent_desk.cli.config as config\n"
        "def fail():\n"
        "    raise RuntimeError('listener broke')\n"
        "def handle(ctx, args):\n"
        "    worker = threading.Thread(target=fail, name='hl7-listener')\n"
        "    worker.start()\n"
        "    worker.join()\n"
        "    return 0\n"
        "config.handle = handle"
    )
    result = _agent_desk(tmp_path, "config", "list", code=crash)
    [line] = result.stderr.splitlines()
    assert "unexpected error in hl7-listener" in line and "listener broke" in line
    assert "Traceback" in (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
