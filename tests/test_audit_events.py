"""Events the audit log records where the workstation already does the thing."""

from __future__ import annotations

import os
import subprocess
import sys

from agent_desk.db import audit, staff
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.paths import DataDir


def test_closing_the_window_records_the_logout(db: Database, data_dir: DataDir) -> None:
    with db.write() as session:
        staff.add_user(session, "station1", "ward station 7", Role.NURSE, None, None)
    closed = subprocess.run(
        [sys.executable, "-m", "agent_desk", "--data-dir", str(data_dir.root), "run",
         "--user", "station1", "--password-stdin", "--quit-when-ready"],
        input="ward station 7\n", capture_output=True, text=True, timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert closed.returncode == 0, closed.stderr
    with db.read() as session:
        actions = [action for _actor, action, _entity in audit.recent(session, limit=2)]
    assert actions == [AuditAction.LOGOUT, AuditAction.LOGIN]
