"""The words behind 表扬率 and 批评率: the praise and complaints heard in a period, for the
reports that quote them (S4's centre reads them out to the departments every month)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db.models import Department, FeedbackEntry
from agent_desk.db.statistics_sql import StatisticsQuery, in_scope
from agent_desk.domain.enums import FeedbackKind
from agent_desk.domain.statistics import UNASSIGNED_LABEL, FeedbackQuote
from agent_desk.plans.calendar import local_date


def feedback_quotes(
    session: Session, query: StatisticsQuery, kind: FeedbackKind, limit: int
) -> tuple[int, list[FeedbackQuote]]:
    """How many items of *kind* were heard in the period (in scope), and the latest *limit*."""
    start, end = query.utc_range
    item = FeedbackEntry
    where = (
        item.kind == kind,
        item.created_at >= start,
        item.created_at < end,
        in_scope(query, item.department_id),
    )
    total = session.scalar(select(func.count()).select_from(item).where(*where)) or 0
    stmt = (
        select(item.created_at, Department.name, item.text)
        .outerjoin(Department, Department.id == item.department_id)
        .where(*where)
        .order_by(item.created_at.desc(), item.id)
        .limit(limit)
    )
    quotes = [
        FeedbackQuote(local_date(at), department or UNASSIGNED_LABEL, kind, text)
        for at, department, text in session.execute(stmt)
    ]
    return int(total), quotes
