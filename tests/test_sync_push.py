"""Uploads against the real PostgreSQL: exactly once, conflicts kept, refusals contained."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from agent_desk.db import sync_central
from agent_desk.db.models import FollowupAttempt, FollowupRecord, Patient, SyncConflict
from agent_desk.db.sync_tables import synced_table
from agent_desk.domain.enums import OutboxStatus, SyncIssueKind
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.errors import CentralUnavailable
from tests.test_sync_support import (
    add_attempt,
    add_patient,
    add_task,
    applied_mutations,
    assert_converged,
    outbox,
    patient_name,
    pg_connect,
    rename_patient,
    settle,
    workstation,
)

pytestmark = pytest.mark.postgres


class Crash(Exception):
    """Stands for the workstation dying right after the server committed."""


def _crash() -> None:
    raise Crash


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def test_changes_go_up_once_and_are_acknowledged(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ws = workstation(tmp_path, "a")
    patient_id = add_patient(ws, "D1")
    rename_patient(ws, patient_id, "王秀兰")
    report = settle(ws, central)
    assert (report.push.sent, report.counts.pending) == (2, 0)
    assert {status for _id, status in outbox(ws)} == {OutboxStatus.SENT}
    assert set(applied_mutations(server)) == {mutation_id for mutation_id, _ in outbox(ws)}
    assert_converged(server, ws)


def test_a_resend_after_a_crash_before_the_local_ack_changes_nothing(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ws = workstation(tmp_path, "a")
    task_id = add_task(ws, add_patient(ws, "D1"))
    with ws.read() as session:
        patient_id = session.scalar(select(Patient.id))
    assert patient_id is not None
    for _ in range(40):  # enough for the COPY path of facts
        add_attempt(ws, task_id, patient_id)
    with pytest.raises(Crash):
        settle(ws, central, after_commit=_crash)
    assert {status for _id, status in outbox(ws)} == {OutboxStatus.PENDING}  # never acked
    report = settle(ws, central)
    assert report.push.sent == 42 and report.push.conflicts == 0
    assert _count(server, FollowupAttempt) == 40
    assert all(outcome == "applied" for outcome in applied_mutations(server).values())
    assert_converged(server, ws)


def test_a_client_killed_between_commit_and_ack_resends_harmlessly(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ws = workstation(tmp_path, "a")
    record_ids = [add_patient(ws, f"D{n}") for n in range(5)]
    ws.dispose()
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from agent_desk.db.open import open_local\n"
        "from agent_desk.sync.capture import install_capture\n"
        "from agent_desk.sync.central import CentralConfig\n"
        "from agent_desk.sync.cycle import sync_once\n"
        "db = open_local(Path(sys.argv[1])); install_capture(db)\n"
        "kill = lambda: os.kill(os.getpid(), signal.SIGKILL)\n"
        "sync_once(db, CentralConfig(url=sys.argv[2]), after_commit=kill)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "a.sqlite3"), central.url],
        cwd=Path(__file__).parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _count(server, Patient) == 5  # the server committed …
    ws = workstation(tmp_path, "a")
    assert {status for _id, status in outbox(ws)} == {OutboxStatus.PENDING}  # … the ack died
    report = settle(ws, central)
    assert (report.push.sent, report.push.conflicts) == (5, 0)
    assert _count(server, Patient) == 5
    assert len(applied_mutations(server)) == 5 and len(record_ids) == 5
    assert_converged(server, ws)


def test_a_late_duplicate_of_an_old_upload_does_not_undo_a_newer_one(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ws = workstation(tmp_path, "a")
    patient_id = add_patient(ws, "D1", "一")
    rename_patient(ws, patient_id, "二")
    with pytest.raises(Crash):
        settle(ws, central, after_commit=_crash)
    rename_patient(ws, patient_id, "三")
    # The resend of the first two arrives after the server has moved on (in the same
    # batch as the third): it is recognised and skipped, not applied again.
    report = settle(ws, central)
    assert (report.push.sent, report.push.conflicts) == (3, 0)
    assert patient_name(ws, patient_id) == ("三", 3)
    assert_converged(server, ws)


def test_facts_from_two_workstations_in_either_order_never_conflict(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    patient_id = add_patient(a, "D1")
    task_id = add_task(a, patient_id)
    settle(a, central)
    settle(b, central)
    for _ in range(3):
        add_attempt(a, task_id, patient_id)
        add_attempt(b, task_id, patient_id)
    first = settle(b, central)
    second = settle(a, central)
    assert (first.push.conflicts, second.push.conflicts) == (0, 0)
    settle(b, central)
    assert _count(server, FollowupAttempt) == 6
    assert_converged(server, a, b)


def test_a_stale_update_becomes_a_conflict_and_never_overwrites(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    patient_id = add_patient(a, "D1", "王秀英")
    settle(a, central)
    settle(b, central)
    rename_patient(a, patient_id, "王秀兰")  # both edit version 1
    rename_patient(b, patient_id, "王淑英")
    assert settle(a, central).push.conflicts == 0
    report = settle(b, central)
    assert report.push.conflicts == 1 and report.counts.open_issues == 1
    with b.read() as session:
        conflict = session.scalars(select(SyncConflict)).one()
    assert conflict.kind is SyncIssueKind.CONFLICT and conflict.row_id == patient_id
    assert conflict.local_payload is not None and conflict.local_payload["name"] == "王淑英"
    assert conflict.server_payload is not None and conflict.server_payload["name"] == "王秀兰"
    assert (conflict.base_version, conflict.server_version) == (1, 2)
    # The server kept the first writer; b is back on the server's row; nothing is lost.
    assert patient_name(a, patient_id) == patient_name(b, patient_id) == ("王秀兰", 2)
    assert applied_mutations(server)[conflict.mutation_id] == "conflict"
    assert_converged(server, a, b)


def test_changes_queued_after_a_conflict_wait_but_new_ones_go_up(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    patient_id = add_patient(a, "D1", "一")
    settle(a, central)
    settle(b, central)
    rename_patient(a, patient_id, "二")
    settle(a, central)
    rename_patient(b, patient_id, "乙")  # stale: made on version 1
    rename_patient(b, patient_id, "丙")  # built on the stale one
    report = settle(b, central)
    assert (report.push.conflicts, report.push.blocked) == (1, 1)
    assert [status for _id, status in outbox(b)][-2:] == [
        OutboxStatus.REJECTED,
        OutboxStatus.BLOCKED,
    ]
    rename_patient(b, patient_id, "丁")  # made on the server's row: goes up
    assert settle(b, central).push.sent == 1
    settle(a, central)
    assert patient_name(a, patient_id) == patient_name(b, patient_id) == ("丁", 3)
    assert_converged(server, a, b)


def test_a_refused_change_blocks_only_its_own_row(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    add_patient(a, "D1", "王秀英")
    settle(a, central)
    # b, never synced yet, registers the same record number as a patient of its own …
    duplicate = add_patient(b, "D1", "重复")
    task = add_task(b, duplicate)  # … with a task that needs it …
    other = add_patient(b, "D4", "张三")  # … and an unrelated patient.
    report = settle(b, central)
    assert (report.push.sent, report.push.rejected) == (1, 2)
    with server.connect() as connection:
        assert set(connection.scalars(select(Patient.record_no))) == {"D1", "D4"}
    with b.read() as session:
        issues = {(c.row_id, c.kind): c for c in session.scalars(select(SyncConflict))}
    refused = issues[(duplicate, SyncIssueKind.REJECTED)]
    assert refused.local_only and "duplicate key" in (refused.error or "")
    assert issues[(task, SyncIssueKind.REJECTED)].local_only  # its parent never got there
    # a's D1 cannot come down beside b's own D1: listed for review, not forced in.
    assert {kind for (_row, kind) in issues} == {SyncIssueKind.REJECTED, SyncIssueKind.PULL_FAILED}
    assert patient_name(b, duplicate) == ("重复", 1)  # kept here for review: nothing lost
    # A later edit of the refused row waits; other rows still flow.
    rename_patient(b, duplicate, "重复2")
    rename_patient(b, other, "张三丰")
    later = settle(b, central)
    assert (later.push.sent, later.push.blocked) == (1, 1)
    assert patient_name(a, other) is None
    settle(a, central)
    assert patient_name(a, other) == ("张三丰", 2)


def test_a_connection_killed_mid_upload_loses_nothing(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ws = workstation(tmp_path, "a")
    for n in range(10):
        add_patient(ws, f"D{n}")
    admin = pg_connect(central)

    def kill_my_backend() -> None:
        # From another connection, as a server restart or a firewall would.
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid != pg_backend_pid() "
            "AND application_name = 'agent_desk'"
        )

    with pytest.raises(CentralUnavailable, match="cannot be reached"):
        settle(ws, central, before_commit=kill_my_backend)
    admin.close()
    assert _count(server, Patient) == 0
    assert {status for _id, status in outbox(ws)} == {OutboxStatus.PENDING}
    report = settle(ws, central)
    assert report.push.sent == 10
    assert len(applied_mutations(server)) == 10
    assert_converged(server, ws)


def test_many_records_go_up_in_bulk_and_once(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ws = workstation(tmp_path, "a")
    patient_id = add_patient(ws, "D1")
    with ws.write() as session:
        for n in range(500):
            session.add(
                FollowupRecord(
                    patient_id=patient_id,
                    template_code="general_discharge",
                    template_version="1",
                    answers={"q1": n, "备注": "恢复良好"},
                    recovery_score=float(n),
                )
            )
    with pytest.raises(Crash):
        settle(ws, central, push_batch=200, after_commit=_crash)
    assert settle(ws, central, push_batch=200).push.sent == 501
    assert _count(server, FollowupRecord) == 500
    assert_converged(server, ws)


def test_new_rows_go_in_at_once_and_an_id_already_there_is_sorted_out(
    tmp_path: Path, central: CentralConfig
) -> None:
    ws = workstation(tmp_path, "a")
    patient_id = add_patient(ws, "D1")
    settle(ws, central)
    table = synced_table("patients")
    with pg_connect(central) as conn:
        there = sync_central.current_rows(conn, table, [patient_id.hex])[patient_id.hex]
        fresh = [{**there, "id": str(uuid.uuid4()), "record_no": f"D{n}"} for n in (2, 3)]
        with conn.transaction():
            # None: every row went in (the plain INSERT, no row sorted out one by one).
            texts = [json.dumps(fresh[0])]
            assert sync_central.insert_rows(conn, table, texts, returning=True) is None
        with conn.transaction():
            texts = [json.dumps(there), json.dumps(fresh[1])]
            inserted = sync_central.insert_rows(conn, table, texts, returning=True)
        assert inserted == {uuid.UUID(fresh[1]["id"]).hex}
        found = sync_central.current_rows(conn, table, [patient_id.hex, *inserted])
    assert {row["record_no"] for row in found.values()} == {"D1", "D3"}
