"""What a periodic report holds, gathered once from the statistics service.

S4's centre reports 周汇总、月分析、季度回头看: the week's, the month's and the quarter's
figures, compared across departments (横向) and with the period before and the same period a
year earlier (纵向), with the praise and criticism heard. The PDF and the Excel writers
render the same ReportContent, so both say the same thing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from agent_desk.domain.enums import FeedbackKind
from agent_desk.domain.permissions import Principal
from agent_desk.domain.statistics import (
    EffectComparison,
    FeedbackQuote,
    FiguresSource,
    FollowupFigures,
    Grouping,
    Period,
    PeriodKind,
    RecoveryRow,
    StatisticsReport,
    WorkloadRow,
    offline_note,
)
from agent_desk.errors import UserError
from agent_desk.services.statistics import StatisticsService

# The PDF quotes this many praises and complaints (newest first); the Excel file more.
PDF_QUOTES = 60
EXCEL_QUOTES = 5000
RECOVERY_DISEASES = 15  # the diseases with the most records
EFFECT_DISEASES = 3  # the effect comparison for the most frequent diseases


class ReportKind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def label(self) -> str:
        return {"weekly": "周报", "monthly": "月报", "quarterly": "季报"}[self.value]


@dataclass(frozen=True, slots=True)
class Scope:
    """The whole hospital, or one department's report."""

    label: str  # 全院, or the department's name
    department_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str  # "2026-11", or "W47" for weeks
    figures: FollowupFigures


@dataclass(frozen=True)
class ReportContent:
    kind: ReportKind
    hospital: str  # the hospital's name (setting hospital.name), may be empty
    scope: Scope
    period: Period
    previous: Period
    last_year: Period
    as_of: date
    source: FiguresSource
    current: StatisticsReport  # by department (hospital report) or by ward (department)
    previous_total: FollowupFigures
    last_year_total: FollowupFigures
    trend: tuple[TrendPoint, ...]
    workload: tuple[WorkloadRow, ...]
    recovery: tuple[RecoveryRow, ...]
    effects: tuple[EffectComparison, ...]
    praise: tuple[int, tuple[FeedbackQuote, ...]]  # how many in all, and the latest
    complaints: tuple[int, tuple[FeedbackQuote, ...]]
    source_note: str = ""  # why not the central server's figures, when one is configured

    @property
    def title(self) -> str:
        return f"{self.hospital}{self.scope.label}出院患者随访{self.kind.label}"

    @property
    def source_label(self) -> str:
        return self.source.label


def parse_period(kind: ReportKind, text: str) -> Period:
    """2026-11 (monthly), 2026-W47 (weekly, ISO week), 2026-Q4 (quarterly)."""
    try:
        if kind is ReportKind.MONTHLY:
            year, month = text.split("-")
            return Period.month(int(year), int(month))
        if kind is ReportKind.QUARTERLY:
            year, quarter = text.upper().split("-Q")
            return Period.quarter(int(year), int(quarter))
        year, week = text.upper().split("-W")
        return Period.week(date.fromisocalendar(int(year), int(week), 1))
    except ValueError:
        shape = {"monthly": "YYYY-MM", "weekly": "YYYY-Www", "quarterly": "YYYY-Qn"}[kind]
        raise UserError(f"{text!r} is not a {kind.value} period ({shape})") from None


def previous_of(kind: ReportKind, period: Period) -> Period:
    if kind is ReportKind.WEEKLY:
        return Period.week(period.start - timedelta(days=7))
    before = period.start - timedelta(days=1)
    if kind is ReportKind.MONTHLY:
        return Period.month(before.year, before.month)
    return Period.quarter(before.year, (before.month + 2) // 3)


def last_year_of(kind: ReportKind, period: Period) -> Period:
    if kind is ReportKind.WEEKLY:
        return Period.week(period.start - timedelta(days=364))  # the same weekday a year back
    if kind is ReportKind.MONTHLY:
        return Period.month(period.start.year - 1, period.start.month)
    return Period.quarter(period.start.year - 1, (period.start.month + 2) // 3)


def trend_periods(kind: ReportKind, period: Period) -> list[tuple[str, Period]]:
    """Eight weeks up to a week; six months up to a month; twelve up to a quarter's end."""
    if kind is ReportKind.WEEKLY:
        weeks = [Period.week(period.start - timedelta(days=7 * n)) for n in range(7, -1, -1)]
        return [(f"W{p.start.isocalendar().week:02d}", p) for p in weeks]
    count = 6 if kind is ReportKind.MONTHLY else 12
    months = []
    year, month = period.end.year, period.end.month
    for _ in range(count):
        months.append(Period.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [(p.label, p) for p in reversed(months)]


def gather(
    service: StatisticsService,
    principal: Principal,
    kind: ReportKind,
    period: Period,
    scope: Scope,
    *,
    hospital: str = "",
    as_of: date | None = None,
    quotes: int = PDF_QUOTES,
) -> ReportContent:
    """Everything the report shows; *service* keeps to *scope*'s department when it has one."""
    if period.kind not in (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER):
        raise UserError("a report is for a week, a month or a quarter")
    service = service.settled()  # every part from the same place: the server, or this copy
    grouping = Grouping.DEPARTMENT if scope.department_id is None else Grouping.WARD
    previous, last_year = previous_of(kind, period), last_year_of(kind, period)
    labelled = trend_periods(kind, period)
    # The trend in one pass over its periods (the period itself is the report's own); the
    # period before (when the trend's periods do not hold it: a quarter's are months) and a
    # year back each on their own, as one pass over a year would read the months between.
    trend_of = [p for _, p in labelled if p != period]
    alone = [p for p in dict.fromkeys((previous, last_year)) if p not in trend_of]

    def by_disease() -> tuple[list[RecoveryRow], list[EffectComparison]]:
        recovery = sorted(
            service.recovery(principal, period, as_of=as_of), key=lambda row: -row.records
        )[:RECOVERY_DISEASES]
        diseases = _frequent_diseases(recovery)
        effects = service.effects(principal, period, diseases, as_of=as_of) if diseases else []
        return recovery, effects

    # The reads by disease beside the others, each on a connection of its own: the driver
    # lets go of the GIL while the database works, so a desktop's second core takes half.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as beside:
        diseases_read = beside.submit(by_disease)
        report = service.report(principal, period, grouping, as_of=as_of)
        totals = dict(zip(trend_of, service.totals(principal, trend_of, as_of=as_of), strict=True))
        totals.update(zip(alone, service.totals(principal, alone, as_of=as_of), strict=True))
        totals[period] = report.total
        workload = service.workload(principal, period, as_of=as_of)
        heard = service.feedback(principal, period, FeedbackKind.PRAISE, limit=quotes, as_of=as_of)
        blamed = service.feedback(
            principal, period, FeedbackKind.COMPLAINT, limit=quotes, as_of=as_of
        )
        recovery, effects = diseases_read.result()
    return ReportContent(
        kind=kind,
        hospital=hospital,
        scope=scope,
        period=period,
        previous=previous,
        last_year=last_year,
        as_of=report.as_of,
        source=report.source,
        source_note=offline_note(report.note) if report.note else "",
        current=report,
        previous_total=totals[previous],
        last_year_total=totals[last_year],
        trend=tuple(TrendPoint(label, totals[p]) for label, p in labelled),
        workload=tuple(sorted(workload, key=lambda row: -row.records)),
        recovery=tuple(recovery),
        effects=tuple(effects),
        praise=(heard[0], tuple(heard[1])),
        complaints=(blamed[0], tuple(blamed[1])),
    )


def _frequent_diseases(recovery: list[RecoveryRow]) -> list[str]:
    counted = Counter({row.group.key: row.records for row in recovery if row.group.key})
    return [key for key, _ in counted.most_common(EFFECT_DISEASES)]
