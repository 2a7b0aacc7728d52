"""`agent-desk tickets`: list, show, escalate and the calendar import, with their exit statuses."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from agent_desk.db.open import open_local
from agent_desk.db.tickets import NewTicket
from agent_desk.domain.enums import TicketKind, TicketSource
from agent_desk.paths import DataDir
from agent_desk.services.tickets import TicketService
from tests.builders import AGENT, build_small_hospital
from tests.cli_login import add_account, run
from tests.conftest import TODAY


@pytest.fixture
def ticket(data_dir: DataDir) -> str:
    add_account(data_dir)
    db = open_local(data_dir.database)
    hospital = build_small_hospital(db, TODAY)
    add_account(data_dir, "nurse9", ["nurse"], ["ORTH"])
    new = NewTicket(
        TicketKind.COMPLAINT, TicketSource.CALL, "输液等太久", patient_id=hospital.patients["wang"]
    )
    ticket_id = TicketService(db).open_ticket(new, AGENT)
    db.dispose()
    return str(ticket_id)


def test_list_as_json_names_the_department(
    data_dir: DataDir, ticket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "tickets", "list", "--kind", "complaint", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["id"], row["department"], row["state"]) == (ticket, "心血管内科", "dispatched")


def test_a_nurse_of_another_department_lists_nothing(
    data_dir: DataDir, ticket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "tickets", "list", "--json", user="nurse9") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_show_and_an_unknown_id(
    data_dir: DataDir, ticket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "tickets", "show", ticket) == 0
    assert "输液等太久" in capsys.readouterr().out
    assert run(data_dir, "tickets", "show", "not-a-ticket") == 1
    assert "is not a ticket id" in capsys.readouterr().err


def test_escalate_with_a_time_then_list_overdue(
    data_dir: DataDir, ticket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "tickets", "escalate", "--now", "2030-03-05T10:00") == 0
    assert "escalated 1" in capsys.readouterr().out
    assert run(data_dir, "tickets", "list", "--overdue", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["id"], row["state"], row["overdue"]) == (ticket, "escalated", True)


def test_a_nurse_may_not_escalate(data_dir: DataDir, ticket: str) -> None:
    assert run(data_dir, "tickets", "escalate", user="nurse9") == 1


def test_calendar_import(
    data_dir: DataDir, ticket: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "2028.csv"
    good.write_text("date,type,name\n2028-01-29,workday,春节调休上班\n", "utf-8")
    assert run(data_dir, "tickets", "calendar", "import", str(good)) == 0
    assert "imported 1 days" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("2028-13-01,holiday,x\n", "utf-8")
    assert run(data_dir, "tickets", "calendar", "import", str(bad)) == 1
    assert "bad.csv line 1" in capsys.readouterr().err


def test_a_rule_and_a_deadline_set_on_the_command_line(
    data_dir: DataDir, ticket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "tickets", "rule", "停车", "--department", "ORTH") == 0
    assert run(data_dir, "tickets", "rule", "停车", "--department", "NOPE") == 1
    assert run(data_dir, "tickets", "deadline", "complaint", "3") == 0
    assert run(data_dir, "tickets", "deadline", "complaint", "3", user="nurse9") == 1
    db = open_local(data_dir.database)
    service = TicketService(db)
    assert [(k, active) for k, _d, active in service.rules(AGENT)] == [("停车", True)]
    assert service.deadlines(AGENT)[TicketKind.COMPLAINT] == (3, 2)
    db.dispose()


def test_assigning_a_ticket(data_dir: DataDir, ticket: str) -> None:
    assert run(data_dir, "tickets", "assign", ticket, "nurse9") == 0
    assert run(data_dir, "tickets", "assign", ticket, "nurse9", user="nurse9") == 1
    db = open_local(data_dir.database)
    assert TicketService(db).detail(uuid.UUID(ticket), AGENT).assignees == ("nurse9",)
    db.dispose()
