"""The command line is one module per command group, listed once, and cheap to load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import agent_desk.cli
from agent_desk.cli import COMMAND_GROUPS

SHARED = {"__init__", "context"}  # what every group uses; everything else is a group


def test_every_module_of_the_command_line_is_a_registered_command_group() -> None:
    folder = Path(agent_desk.cli.__file__).parent
    modules = {path.stem for path in folder.glob("*.py")} - SHARED
    assert modules == set(COMMAND_GROUPS)


def test_building_the_parser_loads_none_of_the_handlers_dependencies() -> None:
    # `agent-desk run` start-up is a benchmark figure: each handler imports its own.
    heavy = ["PySide6", "pjsua2", "psycopg", "openpyxl", "hl7", "serial", "keyring", "alembic"]
    # Nor the database's: `agent-desk run` loads them once the command line is read, just
    # before the thread that opens the database starts.
    heavy += ["sqlalchemy", "argon2", "phonenumbers", "agent_desk.db", "agent_desk.settings"]
    # The bench flags are declared by agent_desk.bench.options, whose package loads its
    # groups only when one runs (tests/test_startup_imports.py holds it to that).
    heavy += [f"agent_desk.{package}" for package in ("ui", "sync", "services", "forms")]
    code = (
        "import sys; from agent_desk.cli import build_parser; build_parser(); "
        f"print(sorted(m for m in sys.modules if m.startswith(tuple({heavy!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
