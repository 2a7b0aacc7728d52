"""The command line for hospital IT: clear one-line messages and non-zero exits on trouble."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from agent_desk.db import audit
from agent_desk.db.open import local_file, open_local
from agent_desk.domain.enums import AuditAction
from agent_desk.paths import DataDir
from agent_desk.services.workstation_open import READY_LINE
from tests.builders import build_small_hospital
from tests.cli_login import ADMIN, add_account, run
from tests.conftest import TODAY


def test_users_add_then_list(tmp_path: Path, monkeypatch, capsys) -> None:
    add_account(tmp_path)
    assert (
        run(
            tmp_path,
            "users",
            "add",
            "nurse1",
            "--role",
            "nurse",
            "--password-stdin",
            stdin="correct horse\n",
        )
        == 0
    )
    assert run(tmp_path, "users", "list") == 0
    assert "nurse1\tnurse\t-" in capsys.readouterr().out


def test_weak_password_and_duplicate_user_are_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    add_account(tmp_path)
    assert (
        run(tmp_path, "users", "add", "a1", "--role", "agent", "--password-stdin", stdin="short\n")
        == 1
    )
    assert "at least 8 characters" in capsys.readouterr().err
    for expected in (0, 1):
        assert (
            run(
                tmp_path,
                "users",
                "add",
                "a1",
                "--role",
                "agent",
                "--password-stdin",
                stdin="long enough\n",
            )
            == expected
        )
    assert "already exists" in capsys.readouterr().err


def test_unknown_department_lists_the_known_codes(data_dir: DataDir, monkeypatch, capsys) -> None:
    db = open_local(data_dir.database)
    build_small_hospital(db, TODAY)
    db.dispose()
    add_account(data_dir.root)
    assert (
        run(
            data_dir.root,
            "users",
            "add",
            "n2",
            "--role",
            "nurse",
            "--department",
            "XX",
            "--password-stdin",
            stdin="long enough\n",
        )
        == 1
    )
    assert "unknown department code 'XX'; known: CARD, ORTH" in capsys.readouterr().err


def test_config_set_get_and_refusals(tmp_path: Path, monkeypatch, capsys) -> None:
    assert run(tmp_path, "config", "set", "phone.area_code", "010") == 0
    assert run(tmp_path, "config", "get", "phone.area_code") == 0
    assert capsys.readouterr().out.strip() == "010"
    assert run(tmp_path, "config", "set", "phone.area_code", "abc") == 1
    assert run(tmp_path, "config", "set", "no.such.key", "1") == 1
    assert run(tmp_path, "config", "set", "ui.language", "fr") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "agent-desk: phone.area_code: expected an area code such as 010 or 0755, got 'abc'",
        "agent-desk: unknown setting 'no.such.key'; see 'agent-desk config list'",
        "agent-desk: ui.language must be one of zh_CN, en",
    ]


def test_missing_data_dir_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    assert run(tmp_path / "nowhere", "users", "list") == 1
    assert (
        capsys.readouterr().err
        == f"agent-desk: data directory does not exist: {tmp_path / 'nowhere'}\n"
    )


def test_corrupt_and_newer_databases_are_one_line(data_dir: DataDir, monkeypatch, capsys) -> None:
    data_dir.database.write_bytes(b"\0garbage" * 512)
    assert run(data_dir.root, "users", "list") == 1
    data_dir.database.unlink()
    open_local(data_dir.database).dispose()
    with closing(local_file(data_dir.database).connect()) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    assert run(data_dir.root, "users", "list") == 1
    first, second = capsys.readouterr().err.splitlines()
    assert "is damaged or not an agent_desk database" in first
    assert "was written by a newer agent_desk (schema ffff)" in second


def test_bad_arguments_exit_with_usage(tmp_path: Path, monkeypatch, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(tmp_path, "users", "add", "x", "--role", "janitor")
    assert exit_info.value.code == 2
    assert "invalid choice: 'janitor'" in capsys.readouterr().err


def test_export_masks_identifiers_by_default(data_dir: DataDir, monkeypatch) -> None:
    db = open_local(data_dir.database)
    build_small_hospital(db, TODAY)
    db.dispose()
    add_account(data_dir.root)
    out = data_dir.root / "patients.csv"
    assert run(data_dir.root, "export", "patients", "--out", str(out)) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    wang = next(row for row in rows if row["record_no"] == "D000000001")
    assert (wang["name"], wang["id_number"], wang["phone"]) == (
        "王秀英",
        "110101********123X",
        "138****8000",
    )


def test_unmasked_json_export_is_audit_logged(data_dir: DataDir, monkeypatch, capsys) -> None:
    db = open_local(data_dir.database)
    build_small_hospital(db, TODAY)
    add_account(data_dir.root)
    assert (
        run(
            data_dir.root,
            "export",
            "tasks",
            "--format",
            "json",
            "--unmasked",
            "--reason",
            "quality review",
        )
        == 0
    )
    tasks = json.loads(capsys.readouterr().out)
    assert sorted(task["status"] for task in tasks) == ["done", "pending", "pending", "pending"]
    with db.read() as session:
        actor, action, _entity = audit.recent(session)[0]
    assert (action, actor) == (AuditAction.EXPORT, ADMIN)


def test_export_to_an_unwritable_place_is_one_line(data_dir: DataDir, monkeypatch, capsys) -> None:
    target = data_dir.root / "missing-folder" / "out.csv"
    add_account(data_dir.root)
    assert run(data_dir.root, "export", "calls", "--out", str(target)) == 1
    assert capsys.readouterr().err.startswith("agent-desk: No such file or directory")


def test_installed_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent_desk", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("agent-desk ")


def _run_window(data_dir: Path, user: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_desk",
            "--data-dir",
            str(data_dir),
            "run",
            "--user",
            user,
            "--password-stdin",
            "--quit-when-ready",
        ],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_unattended_login_opens_the_window_and_quits(tmp_path: Path, monkeypatch) -> None:
    add_account(tmp_path)
    assert (
        run(
            tmp_path,
            "users",
            "add",
            "station1",
            "--role",
            "nurse",
            "--password-stdin",
            stdin="ward station 7\n",
        )
        == 0
    )
    opened = _run_window(tmp_path, "station1", "ward station 7")
    assert opened.returncode == 0
    assert opened.stdout.splitlines() == [READY_LINE]
    refused = _run_window(tmp_path, "station1", "wrong password")
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "wrong user name or password for 'station1'" in refused.stderr


def test_passwd_changes_the_password(tmp_path: Path, monkeypatch) -> None:
    add_account(tmp_path)
    assert (
        run(
            tmp_path,
            "users",
            "add",
            "n1",
            "--role",
            "nurse",
            "--password-stdin",
            stdin="first password\n",
        )
        == 0
    )
    assert (
        run(tmp_path, "users", "passwd", "n1", "--password-stdin", stdin="second password\n") == 0
    )
    db = open_local(DataDir(tmp_path).database)
    from agent_desk.services.accounts import AccountService

    accounts = AccountService(db)
    assert accounts.login("n1", "first password") is None
    assert accounts.login("n1", "second password") is not None


def test_a_file_given_as_data_dir_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    not_a_folder = tmp_path / "data.txt"
    not_a_folder.write_text("x")
    assert run(not_a_folder, "users", "list") == 1
    assert capsys.readouterr().err == (
        f"agent-desk: data directory is not a directory: {not_a_folder}\n"
    )


def test_config_list_names_every_setting(tmp_path: Path, monkeypatch, capsys) -> None:
    from agent_desk.settings import REGISTRY

    assert run(tmp_path, "config", "list") == 0
    listed = [line.split(" = ")[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(REGISTRY)
