"""The audit log's hash chain: an intact chain verifies, and a row changed, removed or
inserted with plain sqlite3 (triggers dropped and recreated) is named."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest

from agent_desk.bench.governance import run_governance
from agent_desk.bench.options import BenchOptions
from agent_desk.db import audit, audit_chain, audit_verify, sync_local
from agent_desk.db.audit_verify import ChainReport
from agent_desk.db.engine import Database
from agent_desk.db.open import local_file
from agent_desk.domain.enums import AuditAction
from agent_desk.paths import DataDir
from tests.cli_login import add_account, run


def _write_events(db: Database, count: int, actor: str = "nurse1") -> None:
    for number in range(count):
        with db.write() as session:
            audit.record(session, actor, AuditAction.VIEW_PATIENT, "patient", f"p{number}")


def _verify(db: Database) -> ChainReport:
    with db.read() as session:
        state = sync_local.read_state(session)
        assert state is not None
        return audit_verify.verify_chain(session, state.client_id, with_head=True)


def _tamper(path: Path, statement: str) -> None:
    """What someone holding the file can do: drop the triggers, edit, put them back."""
    connection = local_file(path).connect()
    triggers = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
    ).fetchall()
    assert triggers
    for name, _sql in triggers:
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute(statement)
    for _name, sql in triggers:
        connection.execute(sql)
    connection.commit()
    connection.close()


@pytest.fixture
def chained(db: Database, data_dir: DataDir) -> Path:
    _write_events(db, 5)  # the genesis event is #1, these are #2 to #6
    return data_dir.database


def test_an_intact_chain_verifies(db: Database, chained: Path) -> None:
    report = _verify(db)
    assert (report.events, report.broken) == (6, None)


def test_an_edited_event_is_named(db: Database, chained: Path) -> None:
    _tamper(chained, "UPDATE audit_events SET entity_id = 'p9' WHERE chain_seq = 4")
    broken = _verify(db).broken
    assert broken is not None
    assert (broken.chain_seq, broken.reason) == (4, "its content was changed")


def test_a_deleted_event_is_noticed_at_its_successor(db: Database, chained: Path) -> None:
    _tamper(chained, "DELETE FROM audit_events WHERE chain_seq = 3")
    broken = _verify(db).broken
    assert broken is not None
    assert (broken.chain_seq, broken.reason) == (4, "#3 to #3 are missing")


def test_a_removed_tail_no_longer_matches_the_head(db: Database, chained: Path) -> None:
    _tamper(chained, "DELETE FROM audit_events WHERE chain_seq = 6")
    broken = _verify(db).broken
    assert broken is not None and broken.chain_seq == 5


def test_an_inserted_event_is_named(db: Database, chained: Path) -> None:
    _tamper(
        chained,
        "INSERT INTO audit_events (id, at, actor, action, entity_type, entity_id, detail, "
        "workstation, chain_seq, prev_hash, hash) SELECT 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', "
        "at, 'someone', 'login', NULL, NULL, '{}', workstation, 7, hash, hash "
        "FROM audit_events WHERE chain_seq = 6",
    )
    broken = _verify(db).broken
    assert broken is not None
    assert (broken.event_id, broken.action) == (
        "f0f0f0f0-f0f0-f0f0-f0f0-f0f0f0f0f0f0",
        "login",
    )


def test_two_writers_at_once_leave_one_chain(db: Database) -> None:
    writers = [threading.Thread(target=_write_events, args=(db, 40, f"w{n}")) for n in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert (_verify(db).events, _verify(db).broken) == (81, None)


def test_cli_verify_exit_statuses(
    db: Database, chained: Path, data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    add_account(data_dir)  # the chain's 7th event; verify reads before its own login
    assert run(data_dir, "audit", "verify") == 0
    assert "7 events" in capsys.readouterr().out
    _tamper(chained, "UPDATE audit_events SET actor = 'nobody' WHERE chain_seq = 2")
    assert run(data_dir, "audit", "verify") == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "#2" in error and "view_patient" in error


def test_the_canonical_content_is_the_json_array_the_docstring_defines() -> None:
    workstation, event_id = str(uuid.uuid4()), str(uuid.uuid4())
    detail = {"reason": '回拨 "患者"\\', "b": [1, None], "a": {"z": 1.5, "y": True}}
    fields = [workstation, 7, event_id, "2026-12-06T08:00:00.000001", 'a"\\b', "unmask", None]
    expected = json.dumps(
        [*fields, "身份证", detail], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert (
        audit_chain.canonical_content(
            *fields,
            "身份证",
            audit_chain.canonical_detail(detail),  # type: ignore[arg-type]
        )
        == expected.encode()
    )


def test_chinese_and_nested_details_verify_as_stored(db: Database) -> None:
    with db.write() as session:
        audit.record(
            session,
            "护士甲",
            AuditAction.UNMASK,
            "patient",
            "p1",
            reason='回拨 "x"',
            n={"b": 1, "a": [2.5]},
        )
    assert _verify(db).broken is None


def test_bench_governance_verifies_its_chain(tmp_path: Path) -> None:
    figures = run_governance(
        BenchOptions(folder=tmp_path, patients=1, audit_events=300, recordings=60)
    )
    assert figures["audit_events"] == 300 and figures["audit_verify_1m_s"] > 0


def test_a_removed_head_fails_verification(db: Database, chained: Path) -> None:
    connection = local_file(chained).connect()
    connection.execute("DELETE FROM audit_chain_heads")
    connection.commit()
    connection.close()
    broken = _verify(db).broken
    assert broken is not None and broken.reason.endswith("its head is missing")


def test_a_removed_identity_and_head_fail_verification(
    chained: Path, data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    add_account(data_dir)
    connection = local_file(chained).connect()
    connection.execute("DELETE FROM audit_chain_heads")
    connection.execute("DELETE FROM sync_state")
    connection.commit()
    connection.close()
    assert run(data_dir, "audit", "verify") == 1
    assert "its head is missing" in capsys.readouterr().err
