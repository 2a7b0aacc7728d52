"""Figures across the hospital: with a central server, the statistics are its (every
workstation's work); without one, or when it does not answer, this workstation's, labelled
so. Two workstations sync to a scratch database on the real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupAttempt, FollowupRecord
from agent_desk.db.task_facts import TaskFacts
from agent_desk.domain.enums import AttemptOutcome, Channel
from agent_desk.domain.statistics import FiguresSource, Grouping, Period
from agent_desk.reports.content import ReportKind, Scope, gather
from agent_desk.services.statistics import StatisticsService
from agent_desk.services.statistics_source import CentralFigures
from agent_desk.sync.central import CentralConfig
from tests.statistics_data import AS_OF, Month, at, synced_month
from tests.test_statistics import BOSS, NOVEMBER
from tests.test_sync_support import settle, workstation

NOWHERE = CentralConfig(url="postgresql://agent_desk@127.0.0.1:9/agent_desk", connect_timeout_s=2)


@dataclass
class Hospital:
    ward: Database  # made the month (tests/statistics_data.py), synced it up
    desk: Database  # pulled it, then reached t4's patient: not yet on the ward's copy
    central: CentralFigures
    month: Month


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hospital]:
    folder: Path = tmp_path_factory.mktemp("hospital")
    with synced_month(folder) as (ward, central, month):
        desk = workstation(folder, "desk")
        settle(desk, central.config)
        with desk.write() as session:
            attempt = FollowupAttempt(
                task_id=month["t4"],
                patient_id=month["P4"],
                channel=Channel.PHONE,
                staff_id=month["B"],
                outcome=AttemptOutcome.REACHED,
                attempted_at=at(11, 21),
            )
            session.add(attempt)
        settle(desk, central.config)
        try:
            yield Hospital(ward, desk, central, month)
        finally:
            desk.dispose()


def card(service: StatisticsService):
    report = service.report(BOSS, NOVEMBER, Grouping.DEPARTMENT, as_of=AS_OF)
    return report, next(row for row in report.rows if row.group.label == "心血管内科")


def test_central_figures_count_every_workstations_work(hospital: Hospital) -> None:
    # The ward's t1 t2 t3 t9 attempted, and the desk's call to t4: 回访率 5/5, 3 reached.
    report, row = card(StatisticsService(hospital.ward, central=hospital.central))
    assert report.source is FiguresSource.CENTRAL and report.note == ""
    assert (row.attempted, row.reached) == (5, 3)


def test_without_a_server_the_workstations_own_copy_is_counted(hospital: Hospital) -> None:
    # The ward has not pulled the desk's call: 4 attempted, 2 reached, and says so.
    report, row = card(StatisticsService(hospital.ward))
    assert report.source is FiguresSource.LOCAL and report.note == ""
    assert (row.attempted, row.reached) == (4, 2)


def test_an_unreachable_server_falls_back_to_local_with_a_note(hospital: Hospital) -> None:
    service = StatisticsService(hospital.ward, central=CentralFigures(NOWHERE))
    report, row = card(service)
    assert report.source is FiguresSource.LOCAL
    assert "127.0.0.1:9" in report.note and "\n" not in report.note
    assert (row.attempted, row.reached) == (4, 2)


def test_the_trend_reads_the_central_server_too(hospital: Hospital) -> None:
    # November of CARD and ORTH: 7 due; attempted 6 on the ward + the desk's call = 7.
    service = StatisticsService(hospital.ward, central=hospital.central)
    october, november = service.totals(BOSS, [Period.month(2026, 10), NOVEMBER], as_of=AS_OF)
    assert (october.due, november.due, november.attempted) == (1, 7, 7)


def test_the_facts_table_is_kept_by_the_servers_own_triggers(hospital: Hospital) -> None:
    # Facts on PostgreSQL: a row per task with an attempt or a record (t1 t2 t3 t4 t5 t6
    # t9 t10; r3 has no task), t4's made by the desk's attempt as sync applied it.
    central = hospital.central.database()
    with central.read() as session:
        facts = {row.task_id: row for row in session.scalars(select(TaskFacts))}
        records = session.scalar(select(func.count()).select_from(FollowupRecord))
    names = {hospital.month[k]: k for k in ("t1", "t2", "t3", "t4", "t5", "t6", "t9", "t10")}
    assert set(facts) == set(names) and records == 5
    t4 = facts[hospital.month["t4"]]
    assert (t4.day, t4.attempted, t4.reached) == (date(2026, 11, 20), True, True)


def test_the_monthly_report_says_where_its_figures_come_from(hospital: Hospital) -> None:
    central = StatisticsService(hospital.ward, central=hospital.central)
    content = gather(central, BOSS, ReportKind.MONTHLY, NOVEMBER, Scope("全院"), as_of=AS_OF)
    assert (content.source_label, content.source_note) == ("全院（中心库）", "")
    assert content.current.total.attempted == 7


def test_an_offline_report_is_labelled_with_the_reason(hospital: Hospital) -> None:
    offline = StatisticsService(hospital.ward, central=CentralFigures(NOWHERE))
    content = gather(offline, BOSS, ReportKind.MONTHLY, NOVEMBER, Scope("全院"), as_of=AS_OF)
    assert content.source_label == "本工作站（离线）"
    assert content.source_note.startswith("中心库无法连接")
    assert content.current.total.attempted == 6
