"""Each figure of README's Statistics section on the hand-built month of
tests/statistics_data.py, on SQLite and on the real PostgreSQL (the same expressions)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from agent_desk.db.engine import Database, make_engine
from agent_desk.db.migrate import ensure_schema
from agent_desk.db.open import open_local
from agent_desk.domain.enums import LostReason, Role
from agent_desk.domain.enums import SatisfactionDimension as Dim
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.domain.statistics import FollowupFigures, Grouping, Period, Ratio, TaskFigure
from agent_desk.services.statistics import StatisticsService
from tests.pg import scratch_database
from tests.statistics_data import AS_OF, Month, build_month, synced_month

NOVEMBER = Period.month(2026, 11)
BOSS = Principal.of("boss", [Role.SUPERVISOR])


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "central"])
def month(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[StatisticsService, Month]]:
    if request.param == "sqlite":
        db = open_local(tmp_path_factory.mktemp("stats") / "agent_desk.sqlite3")
        yield StatisticsService(db), build_month(db)
        db.dispose()
        return
    if request.param == "central":
        # Made on a workstation, synced up, counted on the central server as configured.
        with synced_month(tmp_path_factory.mktemp("central")) as (workstation, central, ids):
            yield StatisticsService(workstation, central=central), ids
        return
    with scratch_database() as url:
        engine = make_engine(url)
        ensure_schema(engine)
        db = Database(engine)
        try:
            yield StatisticsService(db, source="central"), build_month(db)
        finally:
            engine.dispose()


def rows(month: tuple[StatisticsService, Month], by: Grouping) -> dict[str, FollowupFigures]:
    report = month[0].report(BOSS, NOVEMBER, by, as_of=AS_OF)
    return {row.group.label: row for row in report.rows}


def test_due_counts_tasks_planned_in_the_period_not_cancelled(month) -> None:
    # CARD: t1 t2 t3 t4 t9 (t9's due day moved to December, its plan said November;
    # t7 is October's, t8 cancelled) = 5; ORTH: t5 t6 = 2.
    by_dept = rows(month, Grouping.DEPARTMENT)
    assert (by_dept["心血管内科"].due, by_dept["骨科"].due) == (5, 2)


def test_attempt_rate_is_attempted_over_due(month) -> None:
    # CARD attempted t1 t2 t3 t9 (t4 never called): 回访率 4/5.
    assert rows(month, Grouping.DEPARTMENT)["心血管内科"].attempt_rate == Ratio(4, 5)


def test_success_rate_is_reached_over_attempted(month) -> None:
    # CARD reached t1, t2 (t2 on its second try, counted once): 成功率 2/4.
    assert rows(month, Grouping.DEPARTMENT)["心血管内科"].success_rate == Ratio(2, 4)


def test_completed_and_lost(month) -> None:
    # CARD done t1 t2, lost t3; ORTH done t5, lost t6.
    card, orth = rows(month, Grouping.DEPARTMENT).values()
    assert (card.completed, card.lost, orth.completed, orth.lost) == (2, 1, 1, 1)


def test_lost_reasons_are_counted_per_reason(month) -> None:
    total = month[0].report(BOSS, NOVEMBER, Grouping.DEPARTMENT, as_of=AS_OF).total
    assert dict(total.lost_reasons) == {LostReason.UNREACHABLE: 1, LostReason.REFUSED: 1}


def test_total_adds_the_rows(month) -> None:
    # 5 + 2 due; 4 + 2 attempted; 2 + 1 reached.
    total = month[0].report(BOSS, NOVEMBER, Grouping.DEPARTMENT, as_of=AS_OF).total
    assert (total.due, total.attempted, total.reached) == (7, 6, 3)


def test_visit_satisfaction_counts_every_reached_patient(month) -> None:
    # Environment: t1 rated 5, t2 "no opinion": 回访满意率 1 satisfied / 2 reached.
    card = rows(month, Grouping.DEPARTMENT)["心血管内科"]
    assert card.dimension(Dim.ENVIRONMENT).visit_rate == Ratio(1, 2)


def test_answered_satisfaction_counts_those_who_answered(month) -> None:
    # Environment: only t1 answered, satisfied: 实访满意率 1/1.
    card = rows(month, Grouping.DEPARTMENT)["心血管内科"]
    assert card.dimension(Dim.ENVIRONMENT).answered_rate == Ratio(1, 1)


def test_satisfied_means_four_or_five(month) -> None:
    # Nurses 5 and 2 → 1 satisfied; cost 3 (一般) and 4 → 1; doctors 5 and 4 → 2.
    card = rows(month, Grouping.DEPARTMENT)["心血管内科"]
    satisfied = [card.dimension(d).satisfied for d in (Dim.NURSES, Dim.COST, Dim.DOCTORS)]
    assert satisfied == [1, 1, 2]


def test_mean_satisfaction_score_per_dimension(month) -> None:
    # Doctors (5 + 4) / 2 = 4.5; overall (5 + 2) / 2 = 3.5.
    card = rows(month, Grouping.DEPARTMENT)["心血管内科"]
    assert (card.dimension(Dim.DOCTORS).mean_score, card.dimension(Dim.OVERALL).mean_score) == (
        4.5,
        3.5,
    )


def test_a_form_without_satisfaction_questions_answers_none(month) -> None:
    # ORTH's only record is an NRS form: 0 answered, 回访满意率 0/1.
    orth = rows(month, Grouping.DEPARTMENT)["骨科"]
    assert orth.dimension(Dim.OVERALL).visit_rate == Ratio(0, 1)


def test_praise_rate_is_praised_records_over_reached(month) -> None:
    # CARD: t1's record holds praise; reached 2 → 表扬率 1/2.
    assert rows(month, Grouping.DEPARTMENT)["心血管内科"].praise_rate == Ratio(1, 2)


def test_criticism_rate_is_complaints_over_reached(month) -> None:
    # t2's complaint (its suggestion is no criticism) → CARD 1/2; t5's → ORTH 1/1.
    by_dept = rows(month, Grouping.DEPARTMENT)
    assert (by_dept["心血管内科"].criticism_rate, by_dept["骨科"].criticism_rate) == (
        Ratio(1, 2),
        Ratio(1, 1),
    )


def test_complaints_opened_overdue_closed(month) -> None:
    # CARD: opened 10 Nov, open on 10 Dec, past its 7 days → overdue; ORTH: closed.
    card, orth = rows(month, Grouping.DEPARTMENT).values()
    assert (card.complaints.opened, card.complaints.overdue, card.complaints.closed) == (1, 1, 0)
    assert (orth.complaints.opened, orth.complaints.overdue, orth.complaints.closed) == (1, 0, 1)


def test_by_ward_tasks_without_a_ward_are_unassigned(month) -> None:
    # W1: t1, t2; no ward: t3 t4 t9 t5 t6.
    by_ward = rows(month, Grouping.WARD)
    assert (by_ward["心内一病区"].due, by_ward["(未分配)"].due) == (2, 5)


def test_by_staff_the_assignee_else_the_last_caller(month) -> None:
    # A: t1 t2 t3 (called) + t4 (assigned) = 4; B: t9 t5 t6 = 3.
    by_staff = rows(month, Grouping.STAFF)
    assert (by_staff["护士甲"].due, by_staff["护士乙"].due) == (4, 3)


def test_by_plan(month) -> None:
    by_plan = rows(month, Grouping.PLAN)
    assert (by_plan["discharge_7d"].due, by_plan["surgery"].due) == (5, 2)


def test_by_disease_category_and_chapter(month) -> None:
    # I21.9 → I21 (t1); I10 (t2, t3); S72.0 → S72 (t5); chapters IX: 3, XIX: 1.
    by_disease = rows(month, Grouping.DISEASE)
    assert {k: r.due for k, r in by_disease.items()} == {
        "I10": 2,
        "I21": 1,
        "S72": 1,
        "(未分配)": 3,
    }
    chapters = {k.split()[0]: r.due for k, r in rows(month, Grouping.CHAPTER).items()}
    assert chapters == {"IX": 3, "XIX": 1, "(未分配)": 3}


def test_icd_prefix_keeps_to_one_disease(month) -> None:
    report = month[0].report(BOSS, NOVEMBER, Grouping.HOSPITAL, icd_prefix="i10", as_of=AS_OF)
    assert report.total.due == 2  # t2, t3


def test_tasks_behind_a_number_are_those_counted(month) -> None:
    service, ids = month
    card = str(ids["CARD"])
    found = service.tasks_behind(
        BOSS, NOVEMBER, Grouping.DEPARTMENT, TaskFigure.REACHED, card, as_of=AS_OF
    )
    assert set(found) == {ids["t1"], ids["t2"]}


def test_a_department_supervisor_sees_only_their_departments(month) -> None:
    service, ids = month
    supervisor = Principal.of("card_boss", [Role.SUPERVISOR], [ids["ORTH"]])
    report = service.report(supervisor, NOVEMBER, Grouping.DEPARTMENT, as_of=AS_OF)
    assert [row.group.label for row in report.rows] == ["骨科"]


def test_a_nurse_may_not_read_statistics(month) -> None:
    with pytest.raises(PermissionDenied):
        month[0].report(Principal.of("n", [Role.NURSE]), NOVEMBER, Grouping.HOSPITAL)


def test_a_trend_is_each_periods_total_in_one_read(month) -> None:
    # October: t7; November: the 7 above (t9 planned in November, due in December);
    # December: t10. Complaints: both of November's (10 Nov, 28 Nov).
    service = month[0]
    periods = [Period.month(2026, m) for m in (10, 11, 12)]
    october, november, december = service.totals(BOSS, periods, as_of=AS_OF)
    assert (october.due, november.due, december.due) == (1, 7, 1)
    assert (november.attempted, november.reached, november.lost) == (6, 3, 2)
    assert (november.complaints.opened, october.complaints.opened) == (2, 0)
    assert november == replace(
        service.report(BOSS, NOVEMBER, Grouping.HOSPITAL, as_of=AS_OF).total,
        group=november.group,
    )
