"""`agent-desk appointments`: schedule import, slots, book, cancel, list; exit statuses."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from agent_desk.db.base import utcnow
from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.plans.calendar import local_date
from tests.appointment_support import SCHEDULE
from tests.builders import build_small_hospital
from tests.cli_login import add_account, run


@pytest.fixture
def workstation(data_dir: DataDir, tmp_path: Path) -> Path:
    db = open_local(data_dir.database)
    build_small_hospital(db, local_date(utcnow()))
    db.dispose()
    add_account(data_dir)
    add_account(data_dir, "agent1", ["agent"])
    schedule = tmp_path / "排班.csv"
    schedule.write_bytes(SCHEDULE.encode("gb18030"))  # as Excel on Chinese Windows saves it
    return schedule


def _run(data_dir: DataDir, *args: str, user: str = "it-admin") -> int:
    return run(data_dir, "appointments", *args, user=user)


def _window() -> tuple[str, str]:
    today = local_date(utcnow())
    return (today + timedelta(days=1)).isoformat(), (today + timedelta(days=14)).isoformat()


def test_import_slots_book_list_cancel(
    data_dir: DataDir, workstation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(data_dir, "schedule", "import", str(workstation)) == 0
    assert "slots published" in capsys.readouterr().out
    first, last = _window()
    args = ("slots", "--department", "card", "--doctor", "王医生", "--from", first, "--to", last)
    assert _run(data_dir, *args, "--json", user="agent1") == 0
    slots = json.loads(capsys.readouterr().out)
    assert slots and {s["capacity"] for s in slots} == {1}
    assert _run(data_dir, "book", "D000000001", slots[0]["id"], user="agent1") == 0
    booked_id = capsys.readouterr().out.split()[1]
    day = slots[0]["starts_at"][:10]
    assert _run(data_dir, "list", "--day", day, "--json", user="agent1") == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["id"], listed["patient"], listed["status"]) == (booked_id, "王秀英", "booked")
    assert listed["phone"] and "****" in listed["phone"]
    # The slot is full now: a second booking fails with one line and status 1.
    assert _run(data_dir, "book", "D000000002", slots[0]["id"], user="agent1") == 1
    assert "is full" in capsys.readouterr().err
    assert _run(data_dir, "cancel", booked_id, "--reason", "患者要求取消", user="agent1") == 0
    assert _run(data_dir, "book", "D000000002", slots[0]["id"], user="agent1") == 0


def test_an_agent_may_not_import_a_schedule(
    data_dir: DataDir, workstation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(data_dir, "schedule", "import", str(workstation), user="agent1") == 1
    assert "not allowed to edit schedules" in capsys.readouterr().err


def test_a_broken_schedule_file_names_its_lines_and_changes_nothing(
    data_dir: DataDir, workstation: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "department,doctor,day,start,end,slot_minutes,capacity\n"
        "CARD,,mon,08:00,12:00,30,2\nCARD,,someday,08:00,12:00,30,2\nCARD,,tue,12:00,08:00,30,2\n",
        encoding="utf-8",
    )
    assert _run(data_dir, "schedule", "import", str(broken)) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "line 4" in err
    first, last = _window()
    assert _run(data_dir, "slots", "--department", "CARD", "--from", first, "--to", last) == 0
    assert "no slots" in capsys.readouterr().err


def test_unknown_department_and_bad_ids_are_one_line(
    data_dir: DataDir, workstation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = _window()
    assert _run(data_dir, "slots", "--department", "XXX", "--from", first, "--to", last) == 1
    assert "unknown department code: XXX" in capsys.readouterr().err
    assert _run(data_dir, "cancel", "nope", "--reason", "x", user="agent1") == 1
    assert "is not an appointment id" in capsys.readouterr().err
