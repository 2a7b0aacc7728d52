"""Passwords go to the OS keyring only; without one, the user is told and nothing is written."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as NoKeyring

from agent_desk import secrets
from agent_desk.cli import main
from tests.keyring_file import FILE_VARIABLE, FileKeyring
from tests.keyring_memory import MemoryKeyring


def _cli(data: Path, monkeypatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data), *args])


def test_sip_password_lands_in_the_keyring_and_nowhere_else(
    tmp_path: Path, monkeypatch, memory_keyring: MemoryKeyring
) -> None:
    assert (
        _cli(
            tmp_path,
            monkeypatch,
            "secret",
            "set",
            "sip.password",
            "--password-stdin",
            stdin="pbx-secret-4711\n",
        )
        == 0
    )
    assert secrets.get_secret("sip.password") == "pbx-secret-4711"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"pbx-secret-4711" not in path.read_bytes(), path


def test_delete_reports_whether_there_was_one(
    tmp_path: Path, monkeypatch, memory_keyring: MemoryKeyring, capsys
) -> None:
    secrets.set_secret("sip.password", "x")
    assert _cli(tmp_path, monkeypatch, "secret", "delete", "sip.password") == 0
    assert _cli(tmp_path, monkeypatch, "secret", "delete", "sip.password") == 0
    assert capsys.readouterr().out.splitlines() == [
        "sip.password removed from the OS keyring",
        "sip.password was not in the OS keyring",
    ]


def test_without_a_keyring_the_user_is_told(tmp_path: Path, monkeypatch, capsys) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert (
            _cli(
                tmp_path,
                monkeypatch,
                "secret",
                "set",
                "sip.password",
                "--password-stdin",
                stdin="pbx-secret-4711\n",
            )
            == 1
        )
    finally:
        keyring.set_keyring(previous)
    assert "no OS keyring is available" in capsys.readouterr().err
    assert not any(b"pbx-secret" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def test_the_keyring_named_by_keyrings_own_settings_is_used(monkeypatch) -> None:
    keyring.set_keyring(NoKeyring())
    secrets.use_os_keyring()  # the run's PYTHON_KEYRING_BACKEND names the file keyring
    assert isinstance(keyring.get_keyring(), FileKeyring)


def _platform_keyring(monkeypatch, tmp_path: Path) -> None:
    """Neither keyring setting given; this platform's keyring is the file keyring."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no keyringrc.cfg
    monkeypatch.setitem(secrets.OS_KEYRINGS, sys.platform, "tests.keyring_file.FileKeyring")
    keyring.set_keyring(NoKeyring())


def test_the_platforms_keyring_is_named(tmp_path: Path, monkeypatch) -> None:
    _platform_keyring(monkeypatch, tmp_path)
    secrets.use_os_keyring()
    assert isinstance(keyring.get_keyring(), FileKeyring)


def test_where_the_platforms_keyring_does_not_work_there_is_none(
    tmp_path: Path, monkeypatch
) -> None:
    _platform_keyring(monkeypatch, tmp_path)
    monkeypatch.delenv(FILE_VARIABLE)  # the file keyring now refuses to work
    secrets.use_os_keyring()
    assert isinstance(keyring.get_keyring(), NoKeyring)
