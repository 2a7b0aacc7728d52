"""The central server keeps every workstation's audit chain and verifies each one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from agent_desk.cli.central import run_central_audit_verify
from agent_desk.db import audit, sync_local
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction
from agent_desk.sync.central import CentralConfig
from tests.cli_login import add_account, run
from tests.test_sync_support import pg_connect, settle, workstation


def _events(db: Database, count: int) -> str:
    for number in range(count):
        with db.write() as session:
            audit.record(
                session, "nurse1", AuditAction.SEARCH, "patient", f"p{number}", query='王 "\\x'
            )
    with db.read() as session:
        state = sync_local.read_state(session)
        assert state is not None
        return str(state.client_id)


def _tamper_on_server(config: CentralConfig, workstation_id: str) -> None:
    with pg_connect(config) as connection:
        connection.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        connection.execute(
            "UPDATE audit_events SET actor = 'someone' WHERE workstation = %s AND chain_seq = 3",
            (workstation_id,),
        )
        connection.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")


def test_central_verify_names_the_tampered_workstation_only(
    tmp_path: Path, central: CentralConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    first_id, second_id = _events(first, 4), _events(second, 3)
    settle(first, central)
    settle(second, central)
    assert run_central_audit_verify(central, sys.stdout) == 0
    _tamper_on_server(central, first_id)
    assert run_central_audit_verify(central, sys.stdout) == 1
    lines = {line.split(":")[0]: line for line in capsys.readouterr().out.splitlines()[-2:]}
    assert (
        "broken at" in lines[f"workstation {first_id}"] and "#3" in lines[f"workstation {first_id}"]
    )
    assert lines[f"workstation {second_id}"].endswith("4 events verified, intact")


def test_central_audit_verify_command_fails_on_a_tampered_chain(
    tmp_path: Path, central: CentralConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    station = workstation(tmp_path, "a")
    settle(station, central)  # nothing chained yet
    add_account(tmp_path)  # the auditor's workstation: reading the server's chains signs in
    command = ["central", "audit-verify", "--url", central.url]
    assert run(tmp_path, *command) == 0
    station_id = _events(station, 3)
    settle(station, central)
    _tamper_on_server(central, station_id)
    assert run(tmp_path, *command) == 1
    assert f"workstation {station_id}: 2 events verified, broken at" in capsys.readouterr().out
