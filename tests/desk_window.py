"""The whole window for a signed-in account, with background work run at once: what the
knowledge-base and to-do tests drive (this module holds no tests of its own)."""

from __future__ import annotations

from pathlib import Path

from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.services.accounts import AccountService
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.background import Background
from agent_desk.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.executors import Immediate

PASSWORD = "a long enough password"


def desk_window(
    qtbot: object,
    db: Database,
    tmp_path: Path,
    username: str = "admin",
    roles: tuple[Role, ...] = (Role.ADMIN, Role.SUPERVISOR),
    departments: tuple[str, ...] = (),
) -> MainWindow:
    accounts = AccountService(db)
    if accounts.needs_first_admin():
        accounts.create_first_admin(PASSWORD)
    if username != "admin":
        admin = accounts.login("admin", PASSWORD)
        assert admin is not None
        accounts.add_user(admin.principal, username, PASSWORD, roles, departments)
    user = accounts.login(username, PASSWORD)
    assert user is not None
    window = build_main_window(
        db,
        Settings(tmp_path / f"{username}.json"),
        user,
        background=Background(Immediate()),
        today=lambda: TODAY,  # the small hospital's day
    )
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    return window
