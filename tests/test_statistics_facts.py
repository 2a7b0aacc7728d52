"""The per-task facts the statistics read (followup_task_facts) follow every change of the
attempts, records and tasks they sum up, not only inserts: on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import delete, update

from agent_desk.db.engine import Database, make_engine
from agent_desk.db.migrate import ensure_schema
from agent_desk.db.models import FollowupAttempt, FollowupRecord, FollowupTask
from agent_desk.db.open import open_local
from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import Principal
from agent_desk.domain.statistics import Grouping, Period
from agent_desk.services.statistics import StatisticsService
from tests.pg import scratch_database
from tests.statistics_data import AS_OF, Month, build_month

NOVEMBER = Period.month(2026, 11)
BOSS = Principal.of("boss", [Role.SUPERVISOR])


@pytest.fixture(params=["sqlite", "postgresql"])
def month(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Month]]:
    if request.param == "sqlite":
        db = open_local(tmp_path_factory.mktemp("facts") / "agent_desk.sqlite3")
        yield db, build_month(db)
        db.dispose()
        return
    with scratch_database() as url:
        engine = make_engine(url)
        ensure_schema(engine)
        db = Database(engine)
        try:
            yield db, build_month(db)
        finally:
            engine.dispose()


def _card(db: Database):
    report = StatisticsService(db).report(BOSS, NOVEMBER, Grouping.DEPARTMENT, as_of=AS_OF)
    return next(row for row in report.rows if row.group.label == "心血管内科")


def test_a_deleted_attempt_is_no_longer_counted(month) -> None:
    # t9's one attempt (no answer) made it attempted: CARD 4 of 5; without it, 3.
    db, m = month
    with db.write() as session:
        session.execute(delete(FollowupAttempt).where(FollowupAttempt.id == m["a9"]))
    assert _card(db).attempted == 3


def test_a_record_moved_to_another_task_takes_its_scores_along(month) -> None:
    # r1 (t1: doctors 5) given to t10 (December): CARD's doctors then only t2's 4.
    db, m = month
    with db.write() as session:
        session.execute(
            update(FollowupRecord).where(FollowupRecord.id == m["r1"]).values(task_id=m["t10"])
        )
    doctors = _card(db).satisfaction[0]
    assert (doctors.answered, doctors.satisfied) == (1, 1)


def test_a_task_without_a_plan_day_keeps_its_facts_when_its_due_day_moves(month) -> None:
    # t3 made by hand (no plan's day) and moved within November: still attempted.
    db, m = month
    with db.write() as session:
        session.execute(
            update(FollowupTask)
            .where(FollowupTask.id == m["t3"])
            .values(planned_due_date=None, due_date=date(2026, 11, 25))
        )
    assert _card(db).attempted == 4
