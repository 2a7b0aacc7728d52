"""Two workstations importing the same discharges offline end with the same rows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from agent_desk.db import sync_central
from agent_desk.db.engine import Database
from agent_desk.db.models import Encounter, FollowupTask, Patient
from agent_desk.db.patients import create_patient
from agent_desk.domain.enums import Sex
from agent_desk.services.intake import IntakeService, load_plan_set, mapping_store
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.conflicts import open_issues
from agent_desk.sync.pull import pull
from tests.builders import HIS
from tests.test_sync_support import assert_converged, pg_connect, settle, workstation

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).parent / "data" / "discharges.csv"


def _import(db: Database, lines: list[str], folder: Path, name: str) -> None:
    path = folder / f"{name}.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    service = IntakeService(db, load_plan_set(folder), HIS)
    report = service.import_discharges(path, mapping_store(folder).get("default"))
    assert report.errors == []


class Crash(Exception):
    """Stands for the workstation dying right after the server committed."""


def _crash() -> None:
    raise Crash


def _pull_only(db: Database, central: CentralConfig) -> None:
    """A download while this station's own imports still wait to go up."""
    with pg_connect(central) as conn:
        server = sync_central.server_info(conn)
        while pull(db, conn, server).waiting:  # behind another test's open transaction
            time.sleep(0.02)


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def _sync_a_b_a(central: CentralConfig, first: Database, second: Database) -> None:
    for db in (first, second, first):
        report = settle(db, central)
        assert (report.push.conflicts, report.push.rejected, report.pull.issues) == (0, 0, 0)


def test_the_same_new_departments_imported_on_two_stations_converge(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    for db, name in ((first, "a"), (second, "b")):
        _import(db, lines, tmp_path, name)
    _sync_a_b_a(central, first, second)
    assert_converged(server, first, second)
    assert (_count(server, Patient), _count(server, Encounter)) == (3, 3)
    assert _count(server, FollowupTask) == 15
    assert open_issues(first) == open_issues(second) == []


def test_a_visit_imported_with_other_values_on_the_second_station_keeps_the_first(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    _import(first, lines, tmp_path, "a")
    _import(second, [line.replace("低盐低脂饮食", "戒烟限酒") for line in lines], tmp_path, "b")
    _sync_a_b_a(central, first, second)
    assert_converged(server, first, second)
    with second.read() as session:
        orders = session.scalar(
            select(Encounter.discharge_orders).where(Encounter.visit_no == "Z001")
        )
    assert orders == "低盐低脂饮食"
    assert open_issues(first) == open_issues(second) == []


def test_a_later_import_after_the_first_one_won_reaches_every_station(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    changed = [line.replace("低盐低脂饮食", "戒烟限酒") for line in lines]
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    _import(first, lines, tmp_path, "a")
    _import(second, changed, tmp_path, "b")
    _sync_a_b_a(central, first, second)
    _import(second, changed, tmp_path, "b")  # the HIS's newer list, once more
    _sync_a_b_a(central, second, first)
    assert_converged(server, first, second)
    with first.read() as session:
        orders = session.scalar(
            select(Encounter.discharge_orders).where(Encounter.visit_no == "Z001")
        )
    assert orders == "戒烟限酒"
    assert open_issues(first) == open_issues(second) == []


def test_a_resend_after_a_crash_still_takes_the_rows_the_other_station_made(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    settle(second, central)
    _import(second, lines, tmp_path, "b")
    _import(first, lines, tmp_path, "a")
    settle(first, central)
    _pull_only(second, central)  # the feed moves past the first station's rows
    with pytest.raises(Crash):
        settle(second, central, after_commit=_crash)
    settle(second, central)
    settle(first, central)
    assert_converged(server, first, second)
    assert open_issues(first) == open_issues(second) == []


def test_the_same_two_imports_on_two_stations_converge(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    moved = [line.replace("13800138001", "13700137001") for line in lines]  # a new phone
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    for db, name in ((first, "a"), (second, "b")):
        _import(db, lines, tmp_path, name)
        _import(db, moved, tmp_path, name)
    _sync_a_b_a(central, first, second)
    assert_converged(server, first, second)
    assert open_issues(first) == open_issues(second) == []


def test_a_caller_registered_on_one_station_and_imported_on_another_is_one_patient(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    first, second = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    with first.write() as session:
        create_patient(session, record_no="D2026001", name="赵一", sex=Sex.MALE, birth_date=None)
    _import(second, SAMPLE.read_text(encoding="utf-8").splitlines(), tmp_path, "b")
    _sync_a_b_a(central, first, second)
    assert_converged(server, first, second)
    assert _count(server, Patient) == 3
    assert open_issues(first) == open_issues(second) == []
