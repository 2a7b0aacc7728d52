"""The first window opens without what only later screens and other set-ups need: those
modules load when first used (issue 18, `startup_s`). Checked in a fresh process started as
`agent-desk run` starts, by recording every module import and the thread that made it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli_login import ADMIN, PASSWORD, add_account

# Records each import and whether the GUI (main) thread made it, then runs the command.
_RECORDER = """
import json, sys, threading
imports = []
def hook(event, args):
    if event == "import":
        imports.append((args[0], threading.current_thread() is threading.main_thread()))
sys.addaudithook(hook)
from agent_desk.cli import main
record = sys.argv.pop(1)  # main() reads the rest of the command line, as a real start does
code = main()
with open(record, "w") as out:
    json.dump({"code": code, "imports": imports}, out)
"""

# Not loaded at all: recordings' audio and sealing, the central server's driver, reports,
# imports (spreadsheets, HL7), the tickets' word segmenter, the statistics' charts.
NEVER = (
    "numpy",
    "soundfile",
    "cryptography.hazmat.primitives.ciphers.aead",
    "psycopg",
    "reportlab",
    "openpyxl",
    "hl7",
    "jieba",
    "PySide6.QtCharts",
    "agent_desk.sync.central",
    "agent_desk.sync.runner",
)
# Not loaded by the GUI thread: the screens opened from the menus, and the services only
# they use, and the phone numbers' library (the screen-pop's warm-up loads it, off the GUI
# thread). (The to-do list's first read, off the GUI thread, may load the SMS service.)
NOT_BY_THE_WINDOW = (
    "gammu",
    "phonenumbers",
    "agent_desk.services.sms",
    "agent_desk.services.statistics",
    "agent_desk.services.intake",
    "agent_desk.ui.tickets_view",
    "agent_desk.ui.ticket_dialogs",
    "agent_desk.ui.knowledge_dialog",
    "agent_desk.ui.booking_dialog",
    "agent_desk.ui.appointments_view",
    "agent_desk.ui.sms_view",
    "agent_desk.ui.statistics_view",
    "agent_desk.ui.sync_review",
)
# Loaded by the GUI thread before the thread that opens the database starts, never by that
# thread: two threads importing at once only take turns with the interpreter lock.
NOT_OFF_THE_WINDOW = ("sqlalchemy", "sqlalchemy.orm", "agent_desk.db.models", "keyring", "argon2")


def _start(data: Path, record: Path) -> dict[str, object]:
    result = subprocess.run(
        [
            sys.executable, "-c", _RECORDER, str(record),
            "--data-dir", str(data), "run", "--user", ADMIN, "--password-stdin",
            "--quit-when-ready",
        ],
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    recorded: dict[str, object] = json.loads(record.read_text())
    return recorded


def test_the_first_window_leaves_later_screens_and_heavy_libraries_unloaded(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    add_account(data)  # an administrator and supervisor: every menu is built
    recorded = _start(data, tmp_path / "imports.json")
    assert recorded["code"] == 0
    imports = recorded["imports"]
    assert isinstance(imports, list)
    anywhere = {name for name, _by_window in imports}
    by_window = {name for name, on_main in imports if on_main}
    # The recording sees the window being built: these are what it is made of.
    assert {"agent_desk.ui.main_window", "agent_desk.ui.desk_aids", "PySide6.QtWidgets"} <= (
        by_window
    )
    assert sorted(anywhere & set(NEVER)) == []
    assert sorted(by_window & set(NOT_BY_THE_WINDOW)) == []
    assert sorted((anywhere - by_window) & set(NOT_OFF_THE_WINDOW)) == []


def test_the_command_line_declares_the_bench_flags_without_loading_a_benchmark() -> None:
    # The flags live with the benchmarks (agent_desk.bench.options), and every command
    # builds the whole parser: the groups themselves load only when `bench` runs.
    probe = (
        "import sys; from agent_desk.cli import build_parser; build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith('agent_desk.bench')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["['agent_desk.bench',", "'agent_desk.bench.options']"]
