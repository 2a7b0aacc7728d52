"""Failed logins are audited, and five in a row lock the account here for 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from PySide6.QtCore import Qt

from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent
from agent_desk.db.open import open_local
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountLocked, AccountService
from agent_desk.ui.login_dialog import LoginDialog
from tests.test_cli import _run_window

PASSWORD = "ward station 7"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(db: Database, clock: Clock) -> AccountService:
    from agent_desk.db import staff

    with db.write() as session:
        staff.add_user(session, "nurse1", PASSWORD, Role.NURSE)
    return AccountService(db, clock=clock)


def _fail(accounts: AccountService, times: int) -> None:
    for _ in range(times):
        accounts.login("nurse1", "a wrong guess")


def _events(db: Database) -> list[tuple[str, AuditAction, dict[str, object]]]:
    with db.read() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action != AuditAction.CHAIN_STARTED)  # the chain's bookkeeping
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return [(e.actor, e.action, e.detail) for e in rows]


def test_a_wrong_password_is_audited_without_the_password(
    accounts: AccountService, db: Database
) -> None:
    assert accounts.login("nurse1", "a wrong guess") is None
    [(actor, action, detail)] = _events(db)
    assert (actor, action, detail["failures"]) == ("nurse1", AuditAction.LOGIN_FAILED, 1)
    assert "a wrong guess" not in repr(detail)


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(
    accounts: AccountService, db: Database
) -> None:
    _fail(accounts, 4)
    with pytest.raises(AccountLocked) as fifth:
        accounts.login("nurse1", "a wrong guess")
    assert fifth.value.until == START + timedelta(minutes=15)
    with pytest.raises(AccountLocked):
        accounts.login("nurse1", PASSWORD)
    actions = [action for _actor, action, _detail in _events(db)]
    assert actions == [AuditAction.LOGIN_FAILED] * 5 + [AuditAction.LOGIN_LOCKED]


def test_the_lock_ends_after_15_minutes(accounts: AccountService, clock: Clock) -> None:
    _fail(accounts, 4)
    with pytest.raises(AccountLocked):
        accounts.login("nurse1", "a wrong guess")
    clock.now += timedelta(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):
        accounts.login("nurse1", PASSWORD)
    clock.now += timedelta(seconds=1)
    assert accounts.login("nurse1", PASSWORD) is not None


def test_a_success_starts_the_count_again(accounts: AccountService, db: Database) -> None:
    _fail(accounts, 4)
    assert accounts.login("nurse1", PASSWORD) is not None
    _fail(accounts, 4)
    assert [d["failures"] for _a, _action, d in _events(db) if "failures" in d] == [1, 2, 3, 4] * 2
    assert accounts.login("nurse1", PASSWORD) is not None


def test_the_lock_holds_in_another_process(accounts: AccountService, data_dir: DataDir) -> None:
    # The unattended start reads the lock from the database, on the real clock.
    database = open_local(data_dir.database)
    _fail(AccountService(database), 4)
    with pytest.raises(AccountLocked):
        AccountService(database).login("nurse1", "a wrong guess")
    database.dispose()
    refused = _run_window(data_dir.root, "nurse1", PASSWORD)
    assert refused.returncode != 0
    [line] = refused.stderr.splitlines()
    assert line.startswith("agent-desk: account 'nurse1' is locked after 5 failed logins until ")


def test_a_wrong_password_on_the_command_line_is_one_line(
    accounts: AccountService, data_dir: DataDir, db: Database
) -> None:
    refused = _run_window(data_dir.root, "nurse1", "a wrong guess")
    assert refused.returncode != 0
    assert refused.stderr.splitlines() == ["agent-desk: wrong user name or password for 'nurse1'"]
    [(actor, action, detail)] = _events(db)
    assert (actor, action, detail["failures"]) == ("nurse1", AuditAction.LOGIN_FAILED, 1)


def test_the_login_dialog_says_until_when(qtbot, accounts: AccountService) -> None:
    _fail(accounts, 5 - 1)
    dialog = LoginDialog(accounts)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "nurse1")
    qtbot.keyClicks(dialog.password, "a wrong guess")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    until = (START + timedelta(minutes=15)).astimezone().strftime("%H:%M:%S")
    assert dialog.user is None
    assert dialog.error.text() == (f"Too many failed logins: this account is locked until {until}.")
