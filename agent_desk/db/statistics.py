"""The follow-up figures, defined once (README, section Statistics), as SQL.

A statistics row counts the tasks *planned* in the period (the plan's due day, which retries
do not move), due by the day asked about and not cancelled, grouped by department, ward,
staff member, plan or diagnosis. Each count is a flag on a task (TASK_FLAGS): the same
expression sums a figure and lists the tasks behind it (tasks_behind), so what a click shows
is exactly what was counted. A task counts once however many attempts it took.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from agent_desk.db.followup import satisfaction_column
from agent_desk.db.models import FeedbackEntry, FollowupRecord, FollowupTask
from agent_desk.db.statistics_sql import (
    StatisticsQuery,
    cohort,
    diagnosis_filter,
    group_key,
    group_labels,
    in_scope,
    key_matches,
    key_text,
    planned_due,
)
from agent_desk.db.task_facts import TaskFacts
from agent_desk.domain.enums import (
    FeedbackKind,
    FeedbackStatus,
    LostReason,
    SatisfactionDimension,
    TaskStatus,
)
from agent_desk.domain.statistics import (
    COMPLAINT_DEADLINE_DAYS,
    SATISFIED_AT,
    ComplaintFigures,
    DimensionFigures,
    FollowupFigures,
    Group,
    Grouping,
    Period,
    TaskFigure,
    total_of,
)
from agent_desk.plans.calendar import local_start_of

_Ts = TypeVarTuple("_Ts")


def with_facts(stmt: Select[*_Ts]) -> Select[*_Ts]:
    """*stmt* over followup_tasks, with each task's facts beside it (the flags read them)."""
    # By day too: a month's facts are then read side by side (ix_followup_task_facts_day).
    on = and_(TaskFacts.day == planned_due(), TaskFacts.task_id == FollowupTask.id)
    return stmt.outerjoin(TaskFacts, on)


def reached_flag(status: Any) -> ColumnElement[bool]:
    """Contact made: a task of *status* (its status column) and its facts beside it."""
    return or_(status == TaskStatus.DONE, TaskFacts.reached.is_(True))


def task_flags() -> dict[TaskFigure, ColumnElement[bool]]:
    """Each figure that is a set of tasks, as a condition on one cohort task and its facts
    (with_facts: the attempts, records and feedback, summed up per task as they are stored).

    A task closed as done counts as attempted and reached even without a stored attempt
    (closed on paper, or by a workstation whose attempt has not synced yet)."""
    task = FollowupTask
    done = task.status == TaskStatus.DONE
    reached = reached_flag(task.status)
    return {
        TaskFigure.DUE: task.id.is_not(None),
        TaskFigure.ATTEMPTED: or_(done, TaskFacts.attempted.is_(True)),
        TaskFigure.REACHED: reached,
        TaskFigure.COMPLETED: done,
        TaskFigure.LOST: task.status == TaskStatus.LOST,
        TaskFigure.PRAISED: and_(reached, TaskFacts.praised.is_(True)),
        TaskFigure.CRITICISED: and_(reached, TaskFacts.criticised.is_(True)),
    }


def _per_task(query: StatisticsQuery, key: Any = None) -> Any:
    """One row per cohort task: its group (or *key*), its flags as 0/1, and the satisfaction
    scores of its latest record (stored at submit, carried to the task's facts: no JSON is
    read)."""
    flags = task_flags()
    key = group_key(query.grouping) if key is None else key
    columns: list[Any] = [key.label("key")]
    columns += [case((flags[f], 1), else_=0).label(f.value) for f in TaskFigure]
    for dimension in SatisfactionDimension:
        score = getattr(TaskFacts, satisfaction_column(dimension))
        columns.append(score.label(f"score_{dimension.value}"))
    columns.append(FollowupTask.lost_code.label("lost_code"))
    return with_facts(select(*columns).select_from(FollowupTask)).where(cohort(query)).subquery()


_Counts = dict[
    str | None,
    tuple[dict[TaskFigure, int], list[DimensionFigures], dict[LostReason | None, int]],
]


_REASONS: tuple[LostReason | None, ...] = (*LostReason, None)


def _counts(
    session: Session, query: StatisticsQuery, key: Any = None, *, reasons_as_sums: bool = False
) -> _Counts:
    """Per group (or *key*): the task figures, the satisfaction of each dimension, and 失访
    per reason (None: lost before reasons were recorded), in one pass over the period's
    tasks. Rows come per group and reason (fewer sums per task than one per reason), added
    up here; or, *reasons_as_sums*, per group only with a sum per reason, for a *key* in
    the order of the tasks' index (the planned day): grouped as read, without a sort."""
    if reasons_as_sums:
        return _counts_by_key(session, query, key)
    per_task = _per_task(query, key)
    columns: list[Any] = [per_task.c.key, per_task.c.lost_code, *_sum_columns(per_task)]
    sums: _Sums = {}
    stmt = select(*columns).group_by(per_task.c.key, per_task.c.lost_code)
    for key, code, *values in session.execute(stmt):
        tallies, reasons = sums.setdefault(key_text(key), ([0.0] * len(values), {}))
        for i, value in enumerate(values):
            tallies[i] += value or 0
        lost = int(values[list(TaskFigure).index(TaskFigure.LOST)] or 0)
        if lost:
            reasons[code] = reasons.get(code, 0) + lost
    return _found(sums)


_Sums = dict[str | None, tuple[list[float], dict[LostReason | None, int]]]


def _sum_columns(per_task: Any) -> list[Any]:
    """The sums of a group: each task figure, and per dimension the answers, the satisfied
    and the scores' sum (of reached tasks only)."""
    reached = per_task.c[TaskFigure.REACHED.value]
    columns: list[Any] = [func.sum(per_task.c[f.value]) for f in TaskFigure]
    for dimension in SatisfactionDimension:
        score = case((reached == 1, per_task.c[f"score_{dimension.value}"]), else_=None)
        columns += [
            func.count(score),
            func.sum(case((score >= SATISFIED_AT, 1), else_=0)),
            func.sum(score),
        ]
    return columns


def _counts_by_key(session: Session, query: StatisticsQuery, key: Any) -> _Counts:
    per_task = _per_task(query, key)
    lost = per_task.c[TaskFigure.LOST.value] == 1
    code = per_task.c.lost_code
    columns = [per_task.c.key, *_sum_columns(per_task)]
    columns += [
        func.sum(case((and_(lost, code.is_(None) if r is None else code == r), 1), else_=0))
        for r in _REASONS
    ]
    sums: _Sums = {}
    width = len(columns) - 1 - len(_REASONS)
    for key, *values in session.execute(select(*columns).group_by(per_task.c.key)):
        figures, by_reason = values[:width], values[width:]
        sums[key_text(key)] = (
            [float(value or 0) for value in figures],
            {r: int(n) for r, n in zip(_REASONS, by_reason, strict=True) if n},
        )
    return _found(sums)


def _found(sums: _Sums) -> _Counts:
    found: _Counts = {}
    for key, (tallies, reasons) in sums.items():
        counts = {f: int(tallies[i]) for i, f in enumerate(TaskFigure)}
        at = len(TaskFigure)
        dims = [
            DimensionFigures(
                dimension,
                counts[TaskFigure.REACHED],
                int(tallies[at + 3 * i]),
                int(tallies[at + 3 * i + 1]),
                float(tallies[at + 3 * i + 2]),
            )
            for i, dimension in enumerate(SatisfactionDimension)
        ]
        found[key] = (counts, dims, reasons)
    return found


def complaints(
    session: Session, query: StatisticsQuery, key: Any = None
) -> dict[str | None, ComplaintFigures]:
    """Complaints opened in the period, per group of the department they were routed to
    (or their task's ward, plan, …; or *key*): how many, how many are closed, how many
    overdue."""
    item = FeedbackEntry
    start, end = query.utc_range
    deadline = local_start_of(query.as_of - timedelta(days=COMPLAINT_DEADLINE_DAYS))
    if key is None:
        key = group_key(query.grouping, department=item.department_id)
    items = (
        select(
            key.label("key"),
            case((item.status == FeedbackStatus.CLOSED, 1), else_=0).label("closed"),
            case(
                (and_(item.status != FeedbackStatus.CLOSED, item.created_at < deadline), 1),
                else_=0,
            ).label("overdue"),
        )
        .select_from(item)
        .where(
            item.kind == FeedbackKind.COMPLAINT,
            item.created_at >= start,
            item.created_at < end,
            in_scope(query, item.department_id),
            diagnosis_filter(query),
        )
    )
    if query.icd_prefix or query.grouping not in (Grouping.HOSPITAL, Grouping.DEPARTMENT):
        # The group or the disease is the task's: reach it through the record (outer joins
        # to one row each, so no complaint is counted twice or lost).
        items = items.outerjoin(FollowupRecord, FollowupRecord.id == item.record_id).outerjoin(
            FollowupTask, FollowupTask.id == FollowupRecord.task_id
        )
    per_item = items.subquery()
    stmt = select(
        per_item.c.key, func.count(), func.sum(per_item.c.overdue), func.sum(per_item.c.closed)
    ).group_by(per_item.c.key)
    return {
        key_text(key): ComplaintFigures(int(opened), int(overdue or 0), int(closed or 0))
        for key, opened, overdue, closed in session.execute(stmt)
    }


def followup_figures(session: Session, query: StatisticsQuery) -> list[FollowupFigures]:
    """Every row of the statistics table for *query*, ordered by the groups' names."""
    counts = _counts(session, query)
    complained = complaints(session, query)
    return [
        _figures(group, counts.get(group.key), complained.get(group.key))
        for group in group_labels(session, query.grouping, {*counts, *complained})
    ]


def period_totals(
    session: Session, query: StatisticsQuery, periods: Sequence[Period]
) -> list[FollowupFigures]:
    """The whole of *query*'s scope in each of *periods* (a trend's months or weeks), in one
    pass over their tasks and one over their complaints. The tasks are summed per planned
    day, in the order of the tasks' index (no sort of the tasks), and the days added up per
    period here: each period's total is what a report of that period would count."""
    if not periods:
        return []
    span = replace(
        query,
        period=Period.between(min(p.start for p in periods), max(p.end for p in periods)),
        grouping=Grouping.HOSPITAL,
    )
    by_day = _counts(session, span, planned_due(), reasons_as_sums=True)
    created = FeedbackEntry.created_at
    bucket = case(
        *(
            (
                and_(created >= local_start_of(p.start), created < _day_after(p.end)),
                literal(str(i)),
            )
            for i, p in enumerate(periods)
        ),
        else_=None,
    )
    complained = complaints(session, span, bucket)
    days = [
        (date.fromisoformat(day), _figures(Group(day, day), counted, None))
        for day, counted in by_day.items()
        if day is not None
    ]
    totals = []
    for i, p in enumerate(periods):
        total = total_of(
            (row for day, row in days if p.start <= day <= p.end), Group(str(i), p.label)
        )
        totals.append(replace(total, complaints=complained.get(str(i), ComplaintFigures())))
    return totals


def _day_after(day: date) -> datetime:
    return local_start_of(day + timedelta(days=1))


def _figures(
    group: Group,
    counted: tuple[dict[TaskFigure, int], list[DimensionFigures], dict[LostReason | None, int]]
    | None,
    complained: ComplaintFigures | None,
) -> FollowupFigures:
    tallies, dims, reasons = counted or ({f: 0 for f in TaskFigure}, [], {})
    return FollowupFigures(
        group=group,
        due=tallies[TaskFigure.DUE],
        attempted=tallies[TaskFigure.ATTEMPTED],
        reached=tallies[TaskFigure.REACHED],
        completed=tallies[TaskFigure.COMPLETED],
        lost=tallies[TaskFigure.LOST],
        praised=tallies[TaskFigure.PRAISED],
        criticised=tallies[TaskFigure.CRITICISED],
        lost_reasons=_ordered(reasons),
        satisfaction=tuple(dims),
        complaints=complained or ComplaintFigures(),
    )


def _ordered(
    reasons: Mapping[LostReason | None, int],
) -> tuple[tuple[LostReason | None, int], ...]:
    return tuple(sorted(reasons.items(), key=lambda item: (-item[1], str(item[0]))))


def tasks_behind(
    session: Session,
    query: StatisticsQuery,
    figure: TaskFigure,
    key: str | None,
    limit: int = 1000,
) -> list[uuid.UUID]:
    """The tasks counted in *figure* for the group *key*: what a click on the number lists."""
    stmt = (
        with_facts(select(FollowupTask.id).select_from(FollowupTask))
        .where(cohort(query), task_flags()[figure], key_matches(query.grouping, key))
        .order_by(planned_due(), FollowupTask.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))
