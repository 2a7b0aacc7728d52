"""Intake, attempts and rates on the real PostgreSQL server, not only on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from agent_desk.db.engine import Database, make_engine
from agent_desk.db.migrate import ensure_schema
from agent_desk.db.models import FollowupTask
from agent_desk.domain.enums import AttemptOutcome, Channel, Role, TaskStatus
from agent_desk.domain.permissions import Principal
from agent_desk.domain.statistics import Grouping, Period
from agent_desk.services.followup import FollowupService
from agent_desk.services.intake import open_intake
from agent_desk.services.statistics import StatisticsService
from tests.builders import AGENT, HIS
from tests.pg import scratch_database
from tests.test_intake_hl7 import adt

SAMPLE = Path(__file__).parent / "data" / "discharges.csv"

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> Iterator[Database]:
    with scratch_database() as url:
        engine = make_engine(url)
        ensure_schema(engine)
        try:
            yield Database(engine)
        finally:
            engine.dispose()


def test_csv_import_is_idempotent_on_postgresql(pg: Database, tmp_path: Path) -> None:
    service = open_intake(pg, tmp_path, HIS)
    first = service.import_discharges(SAMPLE, "default")
    second = service.import_discharges(SAMPLE, "default")
    assert (first.created, first.errors, first.tasks_created) == (3, [], 15)
    assert (second.created, second.updated, second.skipped, second.tasks_created) == (0, 0, 3, 0)


def test_a03_a13_attempts_and_rates_on_postgresql(pg: Database, tmp_path: Path) -> None:
    service = open_intake(pg, tmp_path, HIS)
    path = tmp_path / "adt.hl7"
    path.write_text(adt("A03", "M1") + adt("A03", "M2", visit="V2", record_no="H2"), "utf-8")
    assert service.import_hl7(path).created == 2
    with pg.read() as session:
        task_id = session.scalar(select(FollowupTask.id).order_by(FollowupTask.created_at))
    assert task_id is not None
    followup = FollowupService(pg)
    result = followup.record_attempt(task_id, Channel.PHONE, AttemptOutcome.REACHED, AGENT)
    assert result.status is TaskStatus.DONE
    path.write_text(adt("A13", "M3", visit="V2", record_no="H2"), "utf-8")
    assert service.import_hl7(path).tasks_cancelled == 1
    report = StatisticsService(pg).report(
        Principal.of("boss", [Role.SUPERVISOR]),
        Period.month(2026, 11),
        Grouping.DEPARTMENT,
        as_of=date(2026, 12, 1),
    )
    [cardiology] = report.rows  # the cancelled discharge is not due
    assert (cardiology.due, cardiology.attempted, cardiology.reached) == (1, 1, 1)
