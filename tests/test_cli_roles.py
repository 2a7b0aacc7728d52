"""The command line logs in and obeys the user's roles, as the window does."""

from __future__ import annotations

import json
from pathlib import Path

from agent_desk.db import audit
from agent_desk.db.open import open_local
from agent_desk.domain.enums import AuditAction
from agent_desk.paths import DataDir
from tests.builders import build_small_hospital
from tests.cli_login import add_account, run
from tests.conftest import TODAY

DATA = Path(__file__).parent / "data"


def _hospital(data_dir: DataDir) -> None:
    db = open_local(data_dir.database)
    build_small_hospital(db, TODAY)
    db.dispose()
    add_account(data_dir)


def _last_event(data_dir: DataDir) -> tuple[str, AuditAction]:
    db = open_local(data_dir.database)
    try:
        with db.read() as session:
            actor, action, _entity = audit.recent(session, limit=1)[0]
    finally:
        db.dispose()
    return actor, action


def test_an_agent_cannot_export_unmasked(data_dir: DataDir, capsys) -> None:
    _hospital(data_dir)
    add_account(data_dir, "agent1", roles=["agent"])
    out = data_dir.root / "out.csv"
    unmasked = ("export", "patients", "--unmasked", "--reason", "review", "--out", str(out))
    capsys.readouterr()
    assert run(data_dir, *unmasked, user="agent1") == 1
    assert capsys.readouterr().err == "agent-desk: agent1 is not allowed to export unmasked\n"
    assert not out.exists()


def test_a_nurses_export_has_her_departments_rows_only(data_dir: DataDir, capsys) -> None:
    _hospital(data_dir)
    add_account(data_dir, "nurse_card", roles=["nurse"], departments=["CARD"])
    capsys.readouterr()
    assert run(data_dir, "export", "tasks", "--format", "json", user="nurse_card") == 0
    nurse_rows = json.loads(capsys.readouterr().out)
    assert run(data_dir, "export", "tasks", "--format", "json") == 0  # the whole hospital
    all_rows = json.loads(capsys.readouterr().out)
    assert nurse_rows and {row["department"] for row in nurse_rows} == {"心血管内科"}
    assert len(nurse_rows) < len(all_rows)


def test_a_wrong_password_is_one_line_a_failure_status_and_an_audit_event(
    data_dir: DataDir, capsys
) -> None:
    add_account(data_dir)
    capsys.readouterr()
    assert run(data_dir, "users", "list", password="not the password") == 1
    assert capsys.readouterr().err == "agent-desk: wrong user name or password for 'it-admin'\n"
    assert _last_event(data_dir) == ("it-admin", AuditAction.LOGIN_FAILED)


def test_a_command_without_a_login_names_the_option(data_dir: DataDir, capsys) -> None:
    add_account(data_dir)
    capsys.readouterr()
    assert run(data_dir, "export", "patients", user=None) == 1
    assert capsys.readouterr().err == (
        "agent-desk: this command needs a login: --user NAME --password-stdin\n"
    )


def test_before_any_account_only_set_up_commands_run(tmp_path: Path, capsys) -> None:
    assert run(tmp_path, "config", "set", "ui.language", "en", user=None) == 0
    assert run(tmp_path, "demo", "--patients", "20", user=None) == 0
    capsys.readouterr()
    assert run(tmp_path, "export", "patients", user=None) == 1
    assert "no account exists yet: add the first administrator" in capsys.readouterr().err
    new_nurse = ("users", "add", "n1", "--role", "nurse", "--password-stdin")
    assert run(tmp_path, *new_nurse, stdin="long enough\n", user=None) == 1
    assert "the first account must be an administrator" in capsys.readouterr().err


def test_the_integration_account_imports_but_cannot_export(data_dir: DataDir, capsys) -> None:
    add_account(data_dir)
    add_account(data_dir, "his", roles=["integration"])
    discharges = str(DATA / "discharges.csv")
    assert run(data_dir, "import", "discharges", discharges, user="his") in (0, 1)
    assert "created" in capsys.readouterr().out
    assert run(data_dir, "export", "patients", user="his") == 1
    assert capsys.readouterr().err == "agent-desk: his is not allowed to export data\n"


def test_only_an_administrator_adds_accounts(data_dir: DataDir, capsys) -> None:
    add_account(data_dir)
    add_account(data_dir, "nurse1", roles=["nurse"])
    capsys.readouterr()
    new_agent = ("users", "add", "a2", "--role", "agent", "--password-stdin")
    assert run(data_dir, *new_agent, stdin="long enough\n", user="nurse1") == 1
    assert capsys.readouterr().err == "agent-desk: nurse1 is not allowed to manage accounts\n"


def test_an_account_holds_several_roles_and_departments(data_dir: DataDir, capsys) -> None:
    _hospital(data_dir)
    add_account(data_dir, "qc", roles=["supervisor", "nurse"], departments=["CARD", "ORTH"])
    capsys.readouterr()
    assert run(data_dir, "users", "list") == 0
    assert "qc\tsupervisor,nurse\t心血管内科" in capsys.readouterr().out
    assert run(data_dir, "export", "tasks", "--format", "json", user="qc") == 0
    departments = {row["department"] for row in json.loads(capsys.readouterr().out)}
    assert departments == {"心血管内科", "骨科"}


def test_an_administrator_changes_roles_and_turns_an_account_off_audited(
    data_dir: DataDir, capsys
) -> None:
    _hospital(data_dir)
    add_account(data_dir, "nurse1", roles=["nurse"], departments=["CARD"])
    assert run(data_dir, "users", "change", "nurse1", "--role", "agent") == 0
    assert _last_event(data_dir) == ("it-admin", AuditAction.USER_CHANGED)
    capsys.readouterr()
    assert run(data_dir, "export", "tasks", "--format", "json", user="nurse1") == 1
    assert capsys.readouterr().err == "agent-desk: nurse1 is not allowed to export data\n"
    assert run(data_dir, "users", "change", "nurse1", "--disable") == 0
    capsys.readouterr()
    assert run(data_dir, "export", "tasks", "--format", "json", user="nurse1") == 1
    assert capsys.readouterr().err == "agent-desk: wrong user name or password for 'nurse1'\n"


def test_an_administrator_cannot_take_away_their_own_roles(data_dir: DataDir, capsys) -> None:
    add_account(data_dir)
    assert run(data_dir, "users", "change", "it-admin", "--role", "nurse") == 1
    assert "ask another administrator" in capsys.readouterr().err
