"""Downloads against the real PostgreSQL: the feed, tombstones, resync, first sync, disk full."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from agent_desk.db import sync_local
from agent_desk.db.engine import Database
from agent_desk.db.models import Department, EncounterDiagnosis, Patient, PatientContact
from agent_desk.db.sync_tables import synced_tables
from agent_desk.demo.writer import generate
from agent_desk.sync import pull as pull_module
from agent_desk.sync.central import CentralConfig, prune_change_log
from agent_desk.sync.cycle import CentralLink, client_id, sync_once
from agent_desk.sync.errors import FirstSyncRefused, LocalDiskFull
from agent_desk.sync.pull import pull
from agent_desk.sync.seed import seed_from_local
from tests.builders import build_small_hospital
from tests.test_sync_support import (
    TODAY,
    assert_converged,
    limit_size,
    patient_name,
    pg_connect,
    rename_patient,
    settle,
    workstation,
)

pytestmark = pytest.mark.postgres


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _department_codes(db: Database) -> set[str]:
    with db.read() as session:
        return set(session.scalars(select(Department.code)))


def test_two_workstations_converge_through_the_server(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    assert settle(b, central).pull.resynced
    assert_converged(server, a, b)
    rename_patient(b, hospital.patients["wang"], "王秀兰")
    with a.write() as session:  # a deletes: the others get a tombstone
        for diagnosis in session.scalars(select(EncounterDiagnosis)):
            session.delete(diagnosis)
    settle(a, central)
    settle(b, central)
    settle(a, central)
    assert _count(b, EncounterDiagnosis) == 0
    assert patient_name(a, hospital.patients["wang"]) == ("王秀兰", 2)
    assert_converged(server, a, b)


def _insert_department(connection: Any, code: str) -> None:
    connection.execute(
        "INSERT INTO departments (id, code, name, version, created_at, updated_at) "
        "VALUES (gen_random_uuid(), %s, %s, 1, now(), now())",
        (code, code),
    )


def test_the_feed_never_skips_a_row_committed_out_of_order(
    tmp_path: Path, central: CentralConfig
) -> None:
    ws = workstation(tmp_path, "ws")
    settle(ws, central)
    early, late, reader = pg_connect(central), pg_connect(central), pg_connect(central)
    naive_mark = 0

    def naive_read() -> set[str]:
        # The known-broken way: everything above the highest sequence number seen so far.
        nonlocal naive_mark
        rows = reader.execute(
            "SELECT seq, payload->>'code' FROM sync_change_log WHERE seq > %s ORDER BY seq",
            (naive_mark,),
        ).fetchall()
        naive_mark = max([naive_mark, *(seq for seq, _code in rows)])
        return {code for _seq, code in rows}

    early.execute("BEGIN")
    _insert_department(early, "EARLY")  # takes its sequence number first …
    _insert_department(late, "LATE")  # … but commits after this one
    assert naive_read() == {"LATE"}
    report = sync_once(ws, central)
    assert "LATE" not in _department_codes(ws) and report.pull.waiting
    early.execute("COMMIT")
    assert naive_read() == set()  # EARLY's row is behind the mark: lost for good
    settle(ws, central)
    assert {"EARLY", "LATE"} <= _department_codes(ws)
    for connection in (early, late, reader):
        connection.close()


@pytest.fixture(params=["by_id", "in_order"])
def comparison(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a resync finds the local rows the server no longer has: asking the server
    for the local ids (a few local rows), or reading all its ids in order (many)."""
    if request.param == "in_order":
        monkeypatch.setattr(pull_module, "ASK_BY_ID_UP_TO", 0)
    return str(request.param)


@pytest.mark.usefixtures("comparison")
def test_a_workstation_behind_the_retention_horizon_resyncs(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    settle(b, central)
    with a.write() as session:
        contact = session.scalars(select(PatientContact)).first()
        assert contact is not None
        session.delete(contact)
    rename_patient(a, hospital.patients["li_a"], "李建军")
    settle(a, central)
    deadline = time.monotonic() + 20
    while True:  # the newest rows may sit above the server's xmin for a moment
        prune_change_log(central, timedelta(0))
        with server.connect() as connection:
            left = connection.exec_driver_sql("SELECT count(*) FROM sync_change_log").scalar()
        if left == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert left == 0
    report = settle(b, central)
    assert report.pull.resynced and report.pull.removed == 1  # the tombstone was pruned
    assert patient_name(b, hospital.patients["li_a"]) == ("李建军", 2)
    assert_converged(server, a, b)


@pytest.mark.usefixtures("comparison")
def test_a_first_sync_never_deletes_rows_that_were_never_uploaded(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a = workstation(tmp_path, "a")
    generate(a, 20)  # raw SQL: not in the outbox
    with pytest.raises(FirstSyncRefused, match="never uploaded"):
        sync_once(a, central)
    patients = _count(a, Patient)
    assert patients >= 20  # untouched
    seeded = seed_from_local(a, central)
    assert seeded.rows["patients"] == patients
    assert settle(a, central).pull.removed == 0
    b = workstation(tmp_path, "b")
    settle(b, central)
    assert _count(b, Patient) == patients
    assert_converged(server, a, b)


def test_seeding_refuses_a_central_database_that_has_data(
    tmp_path: Path, central: CentralConfig
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    build_small_hospital(a, TODAY)
    settle(a, central)
    generate(b, 5)
    with pytest.raises(Exception, match="already holds data"):
        seed_from_local(b, central)


def test_a_pending_local_change_is_not_overwritten_by_a_download(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    settle(b, central)
    wang = hospital.patients["wang"]
    rename_patient(a, wang, "王秀兰")
    settle(a, central)
    rename_patient(b, wang, "王淑英")  # not uploaded yet
    link = CentralLink(central, client_id(b))
    conn, info = link.open()
    deadline = time.monotonic() + 20
    while pull(b, conn, info).waiting and time.monotonic() < deadline:
        time.sleep(0.02)
    link.close()
    assert patient_name(b, wang) == ("王淑英", 2)  # the typed change stays on screen
    report = settle(b, central)  # its upload decides: a conflict, the server's row back
    assert report.push.conflicts == 1
    assert patient_name(b, wang) == ("王秀兰", 2)
    assert_converged(server, a, b)


def test_a_full_local_disk_half_applies_nothing_and_sync_resumes(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    settle(a, central)
    settle(b, central)
    with b.read() as session:
        before = sync_local.read_state(session)
    with a.write() as session:
        for n in range(400):
            session.add(Patient(record_no=f"D{n:05}", name="王" * 30, address="北京" * 100))
    settle(a, central)
    with b.engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    limit_size(b, pages + 2)
    with pytest.raises(LocalDiskFull, match="is full"):
        sync_once(b, central, pull_batch=1000)
    with b.read() as session:
        assert sync_local.read_state(session) == before  # the cursor did not move …
    assert _count(b, Patient) == 0  # … and no row of the batch went in
    limit_size(b, 1_000_000)
    settle(b, central)
    assert _count(b, Patient) == 400
    assert_converged(server, a, b)


def test_every_synced_table_has_its_feed_triggers(central: CentralConfig) -> None:
    with pg_connect(central) as connection:
        rows = connection.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'sync_log_%' GROUP BY c.relname"
        ).fetchall()
    assert dict(rows) == {name: 3 for name in synced_tables()}


def test_a_first_download_gives_way_to_a_row_made_locally_meanwhile(
    tmp_path: Path, central: CentralConfig, server: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new workstation's first download writes plain inserts into its empty tables. A
    row made on the workstation after that check (an import of the same patient, keyed by
    the same record number) makes the batch go the careful way: the local change stays
    until its upload decides, and every other server row still comes down."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    wang = hospital.patients["wang"]
    with a.read() as session:
        record_no = session.get_one(Patient, wang).record_no
    with b.write() as session:  # queued, not uploaded: made after the emptiness check
        session.add(Patient(id=wang, record_no=record_no, name="王淑英"))
    monkeypatch.setattr(pull_module, "takes_plain_inserts", lambda _session, _table: True)
    link = CentralLink(central, client_id(b))
    conn, info = link.open()
    report = pull(b, conn, info)
    link.close()
    assert report.resynced and report.issues == 0
    assert patient_name(b, wang) == ("王淑英", 1)
    assert _count(b, Patient) == _count(a, Patient)
    assert _count(b, PatientContact) == _count(a, PatientContact)
