"""The figures that count work done in the period rather than tasks planned in it:
workload per staff member, recovery scores by disease, and the effect comparison.

The definitions are README's (section Statistics); the date arithmetic is seconds_between,
the one function the two databases spell differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from agent_desk.db.models import (
    Call,
    Encounter,
    EncounterDiagnosis,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    StaffUser,
)
from agent_desk.db.statistics import reached_flag
from agent_desk.db.statistics_sql import (
    StatisticsQuery,
    cohort,
    group_key,
    group_labels,
    in_scope,
    key_text,
    planned_due,
    seconds_between,
)
from agent_desk.db.task_facts import TaskFacts
from agent_desk.domain.enums import EncounterKind
from agent_desk.domain.statistics import (
    OUTCOME_WINDOW_DAYS,
    WRAP_UP_LIMIT_SECONDS,
    EffectArm,
    EffectComparison,
    Grouping,
    MonthlyMean,
    Ratio,
    RecoveryRow,
    WorkloadRow,
)
from agent_desk.plans.calendar import local_start_of


def _staff_in_scope(query: StatisticsQuery, staff_id: Any) -> Any:
    """Staff of the principal's departments (the whole hospital: everyone)."""
    if query.departments is None:
        return staff_id.is_not(None)
    return staff_id.in_(
        select(StaffUser.id).where(StaffUser.department_id.in_(list(query.departments)))
    )


def workload(session: Session, query: StatisticsQuery) -> list[WorkloadRow]:
    """工作量 per staff member: calls started in the period (answered or not), their talk
    time, the records they submitted, and the after-call work on the calls that made one."""
    start, end = query.utc_range
    answered = Call.answered_at.is_not(None)
    finished = and_(answered, Call.ended_at.is_not(None))
    talk = case((finished, seconds_between(Call.ended_at, Call.answered_at)), else_=0)
    # The after-call work of one call: its records (through its attempts) submitted by the
    # same person within the limit after the hang-up; read for the finished calls only, in
    # the same pass over the period's calls.
    wrap = seconds_between(FollowupRecord.completed_at, Call.ended_at)
    wrap_of_call = (
        select(func.sum(wrap))
        .select_from(FollowupAttempt)
        .join(FollowupRecord, FollowupRecord.attempt_id == FollowupAttempt.id)
        .where(
            FollowupAttempt.call_id == Call.id,
            FollowupRecord.staff_id == Call.staff_id,
            # Made after the hang-up, so after the start too: the period's records only.
            FollowupRecord.completed_at >= start,
            wrap >= 0,
            wrap <= WRAP_UP_LIMIT_SECONDS,
        )
        .scalar_subquery()
    )
    calls = select(
        Call.staff_id,
        func.count(),
        func.sum(case((answered, 1), else_=0)),
        func.sum(talk),
        func.sum(case((finished, wrap_of_call), else_=None)),
    ).where(Call.started_at >= start, Call.started_at < end, _staff_in_scope(query, Call.staff_id))
    records = select(FollowupRecord.staff_id, func.count()).where(
        FollowupRecord.completed_at >= start,
        FollowupRecord.completed_at < end,
        _staff_in_scope(query, FollowupRecord.staff_id),
    )
    tally: dict[str | None, dict[str, float]] = {}
    for staff, count, picked_up, seconds, wrapped in session.execute(calls.group_by(Call.staff_id)):
        tally.setdefault(key_text(staff), {}).update(
            calls=count,
            answered=picked_up or 0,
            talk_seconds=float(seconds or 0),
            wrap_seconds=float(wrapped or 0),
        )
    for staff, count in session.execute(records.group_by(FollowupRecord.staff_id)):
        tally.setdefault(key_text(staff), {})["records"] = count
    return [
        WorkloadRow(
            group,
            calls=int(tally[group.key].get("calls", 0)),
            answered=int(tally[group.key].get("answered", 0)),
            talk_seconds=tally[group.key].get("talk_seconds", 0.0),
            records=int(tally[group.key].get("records", 0)),
            wrap_seconds=tally[group.key].get("wrap_seconds", 0.0),
        )
        for group in group_labels(session, Grouping.STAFF, tally)
    ]


def recovery(session: Session, query: StatisticsQuery) -> list[RecoveryRow]:
    """康复评分 per group (by disease: DISEASE or CHAPTER) of the records submitted in the
    period, with the mean of each calendar month the period touches: one read, by group
    and month, the period's mean made of the months' sums."""
    months = list(query.period.months())
    completed = FollowupRecord.completed_at
    month_of = case(
        *(
            (
                and_(
                    completed >= local_start_of(month.start),
                    completed < local_start_of(month.end + timedelta(days=1)),
                ),
                literal(str(i)),
            )
            for i, month in enumerate(months)
        ),
        else_=None,
    )
    start, end = query.utc_range
    per_record = (
        select(
            group_key(query.grouping).label("key"),
            month_of.label("month"),
            FollowupRecord.recovery_score.label("score"),
        )
        .select_from(FollowupRecord)
        .outerjoin(FollowupTask, FollowupTask.id == FollowupRecord.task_id)
        .where(
            completed >= start,
            completed < end,
            FollowupRecord.recovery_score.is_not(None),
            in_scope(query, FollowupTask.department_id),
        )
        .subquery()
    )
    stmt = select(
        per_record.c.key,
        per_record.c.month,
        func.count(per_record.c.score),
        func.sum(per_record.c.score),
    ).group_by(per_record.c.key, per_record.c.month)
    sums: dict[str | None, dict[int, tuple[int, float]]] = {}
    for key, month, count, total in session.execute(stmt):
        sums.setdefault(key_text(key), {})[int(month)] = (int(count), float(total or 0))
    rows = []
    for group in group_labels(session, query.grouping, sums):
        by_month = sums[group.key]
        count = sum(n for n, _ in by_month.values())
        total = sum(t for _, t in by_month.values())
        trend = tuple(
            MonthlyMean(f"{month.start:%Y-%m}", *_mean(*by_month.get(i, (0, 0.0))))
            for i, month in enumerate(months)
        )
        rows.append(RecoveryRow(group, count, total / count if count else None, trend))
    return rows


def _mean(count: int, total: float) -> tuple[int, float | None]:
    return count, (total / count if count else None)


def _within(later: Any, earlier: Any) -> ColumnElement[bool]:
    gap = seconds_between(later, earlier)
    return and_(later > earlier, gap <= timedelta(days=OUTCOME_WINDOW_DAYS).total_seconds())


def _effect_tasks(query: StatisticsQuery, prefixes: Sequence[str]) -> Any:
    """The cohort's tasks of the diseases *prefixes* (by principal diagnosis; a task in the
    first prefix it matches), one row each: which disease, whether the patient was reached,
    and the stay it follows up (its discharge, its patient). One pass over the period's
    tasks for every disease, where one query per disease and side read them each time."""
    code = aliased(EncounterDiagnosis)  # the principal diagnosis of the task's stay
    upper = func.upper(code.icd10)
    disease = case(
        *((upper.like(prefix.upper() + "%"), literal(str(i))) for i, prefix in enumerate(prefixes)),
        else_=None,
    )
    # First the tasks of these diseases (a few in a hundred of the period's), from the
    # tasks' and the diagnoses' covering indexes; only their stays and facts are then read.
    # Materialised: else the planner reads every task's stay before its diagnosis.
    picked = (
        select(
            disease.label("disease"),
            FollowupTask.id.label("task_id"),
            FollowupTask.patient_id.label("patient_id"),
            FollowupTask.encounter_id.label("stay_id"),
            FollowupTask.status.label("status"),
            planned_due().label("day"),
        )
        .join(code, and_(code.encounter_id == FollowupTask.encounter_id, code.seq == 0))
        .where(
            cohort(replace(query, icd_prefix=None)),
            or_(*(upper.like(prefix.upper() + "%") for prefix in prefixes)),
        )
        .cte("effect_tasks")
        .prefix_with("MATERIALIZED")
    )
    reached = reached_flag(picked.c.status)
    return (
        select(
            picked.c.disease,
            case((reached, 1), else_=0).label("reached"),
            picked.c.task_id,
            picked.c.patient_id,
            picked.c.stay_id,
            Encounter.discharged_at.label("discharged_at"),
        )
        .select_from(picked)
        .join(Encounter, Encounter.id == picked.c.stay_id)
        .outerjoin(
            TaskFacts,
            and_(TaskFacts.day == picked.c.day, TaskFacts.task_id == picked.c.task_id),
        )
        .where(Encounter.discharged_at.is_not(None))
        .subquery()
    )


def effects(
    session: Session, query: StatisticsQuery, prefixes: Sequence[str]
) -> list[EffectComparison]:
    """效果统计 of each disease of *prefixes* (ICD-10 code prefixes): the tasks planned in
    the period, those followed up (reached) against those never reached, in one read."""
    if not prefixes:
        return []
    tasks = _effect_tasks(query, prefixes)
    later = aliased(Encounter)

    def came_back(kind: EncounterKind) -> Any:
        found = exists().where(
            later.patient_id == tasks.c.patient_id,
            later.kind == kind,
            later.id != tasks.c.stay_id,
            _within(later.admitted_at, tasks.c.discharged_at),
        )
        return func.sum(case((found, 1), else_=0))

    score = aliased(FollowupRecord)
    later_scores = and_(
        score.patient_id == tasks.c.patient_id,
        or_(score.task_id.is_(None), score.task_id != tasks.c.task_id),
        score.completed_at > tasks.c.discharged_at,
        score.recovery_score.is_not(None),
    )

    def of_later_scores(aggregate: Any) -> Any:
        return select(aggregate).where(later_scores).scalar_subquery()

    # The later scores summed per task, then per side: their mean is the sum over the count,
    # as if every later record of the side's patients were averaged at once.
    outcomes = select(
        tasks.c.disease,
        tasks.c.reached,
        func.count(),
        came_back(EncounterKind.INPATIENT),
        came_back(EncounterKind.OUTPATIENT),
        func.sum(of_later_scores(func.count(score.recovery_score))),
        func.sum(of_later_scores(func.sum(score.recovery_score))),
    ).group_by(tasks.c.disease, tasks.c.reached)
    counted = {
        (disease, bool(reached)): figures
        for disease, reached, *figures in session.execute(outcomes)
    }

    def arm(disease: str, reached: bool) -> EffectArm:
        found = counted.get((disease, reached), [0, 0, 0, 0, None])
        tasks_n, readmitted, revisited, later_n = (int(value or 0) for value in found[:4])
        later_sum = found[4]
        return EffectArm(
            tasks_n,
            Ratio(readmitted, tasks_n),
            Ratio(revisited, tasks_n),
            later_n,
            float(later_sum) / later_n if later_n and later_sum is not None else None,
        )

    return [
        EffectComparison(prefix.upper(), query.period, arm(str(i), True), arm(str(i), False))
        for i, prefix in enumerate(prefixes)
    ]


def effect(session: Session, query: StatisticsQuery) -> EffectComparison:
    """效果统计: the tasks of one disease (query.icd_prefix) planned in the period, those
    followed up (reached) against those never reached."""
    if not query.icd_prefix:
        raise ValueError("effect statistics are for one disease: give an ICD-10 prefix")
    return effects(session, query, [query.icd_prefix])[0]
