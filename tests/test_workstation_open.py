"""The window's opening thread: with a central server set up, the login is captured; the
worklist's first reads are made there, while the window's modules load."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agent_desk.db import staff
from agent_desk.db.models import AuditEvent, SyncOutbox
from agent_desk.db.open import open_local
from agent_desk.domain.enums import Role
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountService
from agent_desk.services.worklist import WorklistService
from agent_desk.services.workstation_open import OpenWorkstation
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from tests.builders import add_task, build_small_hospital
from tests.conftest import TODAY

PASSWORD = "Nurse-pass-2026"


def _login_events_queued(data_dir: DataDir, synced: bool) -> tuple[int, int]:
    opening = OpenWorkstation(data_dir, "admin", PASSWORD, synced=synced)
    try:
        opened = opening.result()
        assert opened.user is not None and opened.db is not None
        with opened.db.read() as session:
            logins = session.scalars(select(AuditEvent.id).where(AuditEvent.action == "login"))
            ids = {event_id.hex for event_id in logins}
            queued = set(session.scalars(select(SyncOutbox.row_id)))
        opened.db.dispose()
    finally:
        opening.release()
    return len(ids), len(ids & {str(row_id).replace("-", "") for row_id in queued})


@pytest.mark.parametrize("synced", [False, True])
def test_the_login_goes_up_with_the_rest_once_a_server_is_set_up(
    data_dir: DataDir, synced: bool
) -> None:
    db = open_local(data_dir.database)
    AccountService(db).create_first_admin(PASSWORD)
    db.dispose()
    logins, queued = _login_events_queued(data_dir, synced)
    assert logins == 1
    # Without a server nothing is queued; with one, the login's event is in the outbox.
    assert queued == (1 if synced else 0)


# The whole hospital (the first account is a supervisor too), and one department's nurse.
@pytest.mark.parametrize("username", ["admin", "nurse_card"])
def test_the_windows_first_worklist_reads_are_made_while_it_loads(
    qtbot, data_dir: DataDir, tmp_path: Path, username: str
) -> None:
    db = open_local(data_dir.database)
    AccountService(db).create_first_admin(PASSWORD)
    hospital = build_small_hospital(db, TODAY)
    with db.write() as session:
        staff.add_user(session, "nurse_card", PASSWORD, Role.NURSE, "CARD")
    db.dispose()
    settings = Settings(tmp_path / "settings.json")
    page = int(settings.get("worklist.page_size"))
    opening = OpenWorkstation(data_dir, username, PASSWORD, worklist_page=page, today=lambda: TODAY)
    try:
        opened = opening.result()
        assert opened.db is not None and opened.user is not None
        worklist = opened.worklist
        assert worklist is not None and len(worklist.unanswered()) == 4
        window = build_main_window(
            opened.db, settings, opened.user, worklist=worklist, today=lambda: TODAY
        )
        qtbot.addWidget(window)
        # Each read made ahead was one of the window's first questions.
        assert worklist.unanswered() == []
        flt = window.current_filter()
        assert (flt.department_id is None) is (username == "admin")
        fresh = WorklistService(opened.db, opened.user.principal)
        due = fresh.page(flt, page, None)
        assert window.model.total == fresh.count(flt) == len(due) > 0
        shown = [window.model.row_at(row).task_id for row in range(window.model.rowCount())]
        assert shown == [row.task_id for row in due]
        # Asked again, the list is read afresh: a task due today since then is counted.
        add_task(opened.db, hospital, "new", "wang", hospital.cardiology, TODAY)
        window.reload_worklist()
        assert window.model.total == len(due) + 1
        opened.db.dispose()
    finally:
        opening.release()
