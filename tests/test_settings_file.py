"""settings.json: a broken file is said, kept and replaced by defaults; values are checked."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent_desk.cli import main
from agent_desk.domain.phones import normalise
from agent_desk.settings import SettingError, Settings
from tests.cli_login import add_account


def _settings(tmp_path: Path, content: bytes) -> Settings:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    return Settings(path)


def _cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data_dir), *args])


@pytest.mark.parametrize("content", [b"9", b"[1,2]", '{"ui.language": "英文"}'.encode("gbk")])
def test_a_broken_file_is_said_kept_and_replaced_by_defaults(
    tmp_path: Path, content: bytes
) -> None:
    settings = _settings(tmp_path, content)
    [problem] = settings.problems
    assert f"settings file {tmp_path / 'settings.json'} is broken" in problem
    [copy] = tmp_path.glob("settings.json.broken-*")
    assert copy.name in problem and copy.read_bytes() == content
    assert settings.get("ui.language") == "zh_CN"


def test_every_command_says_so_in_one_line_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "settings.json").write_text("9")
    assert _cli(tmp_path, monkeypatch, "config", "get", "ui.language") == 0
    out, err = capsys.readouterr()
    assert out == "zh_CN\n"
    [line] = err.splitlines()
    assert line.startswith("WARNING: settings file") and "moved to settings.json.broken-" in line


def test_an_area_code_stored_as_a_number_still_completes_local_numbers(tmp_path: Path) -> None:
    settings = _settings(tmp_path, b'{"phone.area_code": 10}')
    assert settings.get("phone.area_code") == "10"
    assert normalise("62345678", settings.phone_plan) == "+861062345678"


def test_a_stored_value_out_of_range_falls_back_to_its_default(tmp_path: Path) -> None:
    settings = _settings(tmp_path, b'{"worklist.page_size": 999999999999999999999}')
    assert settings.get("worklist.page_size") == 200
    [problem] = settings.problems
    assert "worklist.page_size" in problem and "the default 200 is used" in problem


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("worklist.page_size", "999999999999999999999", "from 20 to 5,000"),
        ("sip.listen_port", "0", "a port number from 1 to 65,535"),
        ("sip.listen_port", "65536", "a port number from 1 to 65,535"),
        ("modem.baudrate", "0", "a serial speed in baud"),
        ("central.url", "mysql://server/followup", "must be a PostgreSQL URL"),
        ("central.url", "postgresql://server", "must be a PostgreSQL URL"),
    ],
)
def test_values_are_checked_when_set(tmp_path: Path, key: str, value: str, reason: str) -> None:
    with pytest.raises(SettingError, match=reason) as refused:
        Settings(tmp_path / "settings.json").set(key, value)
    assert str(refused.value).startswith(key)  # the message names the setting
    assert not (tmp_path / "settings.json").exists()


def test_a_value_that_is_not_text_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    not_utf8 = os.fsdecode(b"8021\xff")  # what argv holds for such bytes
    assert _cli(tmp_path, monkeypatch, "config", "set", "sip.user", not_utf8) == 1
    assert capsys.readouterr().err == "agent-desk: sip.user: the value is not valid text\n"
    assert not list(tmp_path.glob(".settings-*"))


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://agent_desk:Sekr1t-pw@db.hospital.local/followup",
        "postgresql://agent_desk@db.hospital.local/followup?password=Sekr1t-pw",
    ],
)
def test_a_password_in_central_url_is_refused_and_written_nowhere(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
) -> None:
    assert _cli(tmp_path, monkeypatch, "config", "set", "central.url", url) == 1
    err = capsys.readouterr().err
    assert "agent-desk secret set central.password" in err and "Sekr1t-pw" not in err
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or b"Sekr1t-pw" not in path.read_bytes(), path


def test_a_stored_password_in_central_url_is_not_used_nor_saved_again(tmp_path: Path) -> None:
    stored = {"central.url": "postgresql://ad:Sekr1t-pw@db.hospital.local/followup"}
    settings = _settings(tmp_path, json.dumps(stored).encode())
    assert settings.get("central.url") == "postgresql://ad@db.hospital.local/followup"
    assert "agent-desk secret set central.password" in settings.problems[0]
    settings.set("ui.language", "en")
    assert "Sekr1t-pw" not in (tmp_path / "settings.json").read_text()


def test_the_window_starts_on_a_broken_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "ward station 7"
    add_account(tmp_path)
    add_account(tmp_path, "n1", roles=["nurse"], password=password)
    (tmp_path / "settings.json").write_bytes(b"\xff\xfe[1,2]")
    result = subprocess.run(
        [sys.executable, "-m", "agent_desk", "--data-dir", str(tmp_path), "run",
         "--user", "n1", "--password-stdin", "--quit-when-ready"],
        input=password + "\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "settings file" in result.stderr and "Traceback" not in result.stderr
    [copy] = tmp_path.glob("settings.json.broken-*")
    assert copy.read_bytes() == b"\xff\xfe[1,2]"
