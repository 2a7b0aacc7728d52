"""The window's opening thread: with a central server set up, the login is captured."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agent_desk.db.models import AuditEvent, SyncOutbox
from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountService
from agent_desk.services.workstation_open import OpenWorkstation

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
