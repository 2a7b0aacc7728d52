"""The figures that count work done in the period rather than tasks planned in it:
workload per staff member, recovery scores by disease, and the effect comparison.

The definitions are README's (section Statistics); the date arithmetic is seconds_between,
the one function the two databases spell differently.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from agent_desk.db.models import (
    Call,
    Encounter,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    StaffUser,
)
from agent_desk.db.statistics import task_flags, with_facts
from agent_desk.db.statistics_sql import (
    StatisticsQuery,
    cohort,
    group_key,
    group_labels,
    in_scope,
    key_text,
    seconds_between,
)
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
    TaskFigure,
    WorkloadRow,
)


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
    talk = case(
        (
            and_(answered, Call.ended_at.is_not(None)),
            seconds_between(Call.ended_at, Call.answered_at),
        ),
        else_=0,
    )
    calls = select(
        Call.staff_id, func.count(), func.sum(case((answered, 1), else_=0)), func.sum(talk)
    ).where(Call.started_at >= start, Call.started_at < end, _staff_in_scope(query, Call.staff_id))
    records = select(FollowupRecord.staff_id, func.count()).where(
        FollowupRecord.completed_at >= start,
        FollowupRecord.completed_at < end,
        _staff_in_scope(query, FollowupRecord.staff_id),
    )
    wrap = seconds_between(FollowupRecord.completed_at, Call.ended_at)
    wraps = (
        select(Call.staff_id, func.sum(wrap))
        .select_from(FollowupRecord)
        .join(FollowupAttempt, FollowupAttempt.id == FollowupRecord.attempt_id)
        .join(Call, Call.id == FollowupAttempt.call_id)
        .where(
            Call.started_at >= start,
            Call.started_at < end,
            answered,
            Call.ended_at.is_not(None),
            Call.staff_id == FollowupRecord.staff_id,
            wrap >= 0,
            wrap <= WRAP_UP_LIMIT_SECONDS,
            _staff_in_scope(query, Call.staff_id),
        )
    )
    tally: dict[str | None, dict[str, float]] = {}
    for staff, count, picked_up, seconds in session.execute(calls.group_by(Call.staff_id)):
        row = tally.setdefault(key_text(staff), {})
        row.update(calls=count, answered=picked_up or 0, talk_seconds=float(seconds or 0))
    for staff, count in session.execute(records.group_by(FollowupRecord.staff_id)):
        tally.setdefault(key_text(staff), {})["records"] = count
    for staff, seconds in session.execute(wraps.group_by(Call.staff_id)):
        tally.setdefault(key_text(staff), {})["wrap_seconds"] = float(seconds or 0)
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


def _recovery_means(
    session: Session, query: StatisticsQuery, start: Any, end: Any
) -> dict[str | None, tuple[int, float | None]]:
    per_record = (
        select(group_key(query.grouping).label("key"), FollowupRecord.recovery_score.label("score"))
        .select_from(FollowupRecord)
        .outerjoin(FollowupTask, FollowupTask.id == FollowupRecord.task_id)
        .where(
            FollowupRecord.completed_at >= start,
            FollowupRecord.completed_at < end,
            FollowupRecord.recovery_score.is_not(None),
            in_scope(query, FollowupTask.department_id),
        )
        .subquery()
    )
    stmt = select(
        per_record.c.key, func.count(per_record.c.score), func.avg(per_record.c.score)
    ).group_by(per_record.c.key)
    return {
        key_text(key): (int(count), None if mean is None else float(mean))
        for key, count, mean in session.execute(stmt)
    }


def recovery(session: Session, query: StatisticsQuery) -> list[RecoveryRow]:
    """康复评分 per group (by disease: DISEASE or CHAPTER) of the records submitted in the
    period, with the mean of each calendar month the period touches."""
    whole = _recovery_means(session, query, *query.utc_range)
    months = []
    for month in query.period.months():
        part = StatisticsQuery(month, query.grouping, query.as_of, query.departments)
        months.append((month.start, _recovery_means(session, part, *part.utc_range)))
    rows = []
    for group in group_labels(session, query.grouping, whole):
        count, mean = whole[group.key]
        trend = tuple(
            MonthlyMean(f"{first:%Y-%m}", *found.get(group.key, (0, None)))
            for first, found in months
        )
        rows.append(RecoveryRow(group, count, mean, trend))
    return rows


def _within(later: Any, earlier: Any) -> ColumnElement[bool]:
    gap = seconds_between(later, earlier)
    return and_(later > earlier, gap <= timedelta(days=OUTCOME_WINDOW_DAYS).total_seconds())


def _effect_arm(session: Session, query: StatisticsQuery, followed_up: bool) -> EffectArm:
    index = aliased(Encounter)  # the stay the task follows up
    later = aliased(Encounter)
    score = aliased(FollowupRecord)
    reached = task_flags()[TaskFigure.REACHED]

    def came_back(kind: EncounterKind) -> ColumnElement[bool]:
        return exists().where(
            later.patient_id == FollowupTask.patient_id,
            later.kind == kind,
            later.id != index.id,
            _within(later.admitted_at, index.discharged_at),
        )

    in_arm = and_(
        cohort(query),
        index.discharged_at.is_not(None),
        reached if followed_up else not_(reached),
    )
    counts = (
        with_facts(
            select(
                func.count(),
                func.sum(case((came_back(EncounterKind.INPATIENT), 1), else_=0)),
                func.sum(case((came_back(EncounterKind.OUTPATIENT), 1), else_=0)),
            ).select_from(FollowupTask)
        )
        .join(index, index.id == FollowupTask.encounter_id)
        .where(in_arm)
    )
    tasks, readmitted, revisited = session.execute(counts).one()
    scores = (
        with_facts(
            select(func.count(score.recovery_score), func.avg(score.recovery_score)).select_from(
                FollowupTask
            )
        )
        .join(index, index.id == FollowupTask.encounter_id)
        .join(
            score,
            and_(
                score.patient_id == FollowupTask.patient_id,
                or_(score.task_id.is_(None), score.task_id != FollowupTask.id),
                score.completed_at > index.discharged_at,
            ),
        )
        .where(in_arm)
    )
    later_count, later_mean = session.execute(scores).one()
    tasks, readmitted, revisited = int(tasks), int(readmitted or 0), int(revisited or 0)
    return EffectArm(
        tasks,
        Ratio(readmitted, tasks),
        Ratio(revisited, tasks),
        int(later_count or 0),
        None if later_mean is None else float(later_mean),
    )


def effect(session: Session, query: StatisticsQuery) -> EffectComparison:
    """效果统计: the tasks of one disease (query.icd_prefix) planned in the period, those
    followed up (reached) against those never reached."""
    if not query.icd_prefix:
        raise ValueError("effect statistics are for one disease: give an ICD-10 prefix")
    return EffectComparison(
        query.icd_prefix.upper(),
        query.period,
        _effect_arm(session, query, followed_up=True),
        _effect_arm(session, query, followed_up=False),
    )
