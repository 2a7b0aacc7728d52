"""Statistics for supervisors: the figures of README's Statistics section, for a period and a
grouping, kept to the principal's departments.

The same service serves the workstation's own copy of the data and, given a Database on the
central PostgreSQL, the whole hospital's (*source* says which, for the report's label): the
SQL is one set of expressions that compiles for both (agent_desk/db/statistics*.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from agent_desk.db import audit, statistics_activity, statistics_feedback
from agent_desk.db import statistics as statistics_db
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.statistics_sql import StatisticsQuery
from agent_desk.domain.enums import AuditAction, FeedbackKind
from agent_desk.domain.permissions import Permission, PermissionDenied, Principal
from agent_desk.domain.statistics import (
    EffectComparison,
    FeedbackQuote,
    Grouping,
    Period,
    RecoveryRow,
    StatisticsReport,
    TaskFigure,
    WorkloadRow,
    total_of,
)
from agent_desk.errors import UserError
from agent_desk.plans.calendar import local_date

LOCAL = "local"
CENTRAL = "central"


class StatisticsService:
    def __init__(
        self,
        db: Database,
        *,
        source: str = LOCAL,
        clock: Callable[[], datetime] = utcnow,
        department: uuid.UUID | None = None,
    ) -> None:
        self._db = db
        self.source = source
        # One department's figures (its monthly report): within the principal's scope only.
        self.department = department
        self._clock = clock

    def _query(
        self,
        principal: Principal,
        period: Period,
        grouping: Grouping,
        as_of: date | None,
        icd_prefix: str | None = None,
    ) -> StatisticsQuery:
        principal.require(Permission.VIEW_STATISTICS)
        today = as_of or local_date(self._clock())
        scope = principal.department_filter()
        if self.department is not None:
            if not principal.sees_department(self.department):
                raise PermissionDenied(principal.username, Permission.VIEW_STATISTICS)
            scope = frozenset({self.department})
        return StatisticsQuery(period, grouping, today, scope, icd_prefix or None)

    def report(
        self,
        principal: Principal,
        period: Period,
        grouping: Grouping,
        *,
        icd_prefix: str | None = None,
        as_of: date | None = None,
    ) -> StatisticsReport:
        """The statistics table: one row per group, and the total."""
        query = self._query(principal, period, grouping, as_of, icd_prefix)
        with self._db.read() as session:
            rows = statistics_db.followup_figures(session, query)
        return StatisticsReport(
            period, grouping, query.as_of, self.source, tuple(rows), total_of(rows)
        )

    def tasks_behind(
        self,
        principal: Principal,
        period: Period,
        grouping: Grouping,
        figure: TaskFigure,
        key: str | None,
        *,
        icd_prefix: str | None = None,
        as_of: date | None = None,
    ) -> list[uuid.UUID]:
        """The tasks one number of report() counts (group *key*, as the row's Group has it)."""
        query = self._query(principal, period, grouping, as_of, icd_prefix)
        with self._db.read() as session:
            return statistics_db.tasks_behind(session, query, figure, key)

    def workload(
        self, principal: Principal, period: Period, *, as_of: date | None = None
    ) -> list[WorkloadRow]:
        query = self._query(principal, period, Grouping.STAFF, as_of)
        with self._db.read() as session:
            return statistics_activity.workload(session, query)

    def recovery(
        self,
        principal: Principal,
        period: Period,
        grouping: Grouping = Grouping.DISEASE,
        *,
        as_of: date | None = None,
    ) -> list[RecoveryRow]:
        """Recovery scores by disease (DISEASE: ICD-10 category; CHAPTER), or any grouping."""
        query = self._query(principal, period, grouping, as_of)
        with self._db.read() as session:
            return statistics_activity.recovery(session, query)

    def feedback(
        self,
        principal: Principal,
        period: Period,
        kind: FeedbackKind,
        *,
        limit: int = 100,
        as_of: date | None = None,
    ) -> tuple[int, list[FeedbackQuote]]:
        """How many praises (or complaints, suggestions) were heard, and the latest *limit*."""
        query = self._query(principal, period, Grouping.DEPARTMENT, as_of)
        with self._db.read() as session:
            return statistics_feedback.feedback_quotes(session, query, kind, limit)

    def audit_report(
        self, principal: Principal, name: str, period: Period, files: list[str]
    ) -> None:
        """A report written to files leaves the workstation like an export: logged, first."""
        principal.require(Permission.VIEW_STATISTICS)
        with self._db.write() as session:
            audit.record(
                session,
                principal.username,
                AuditAction.EXPORT,
                "report",
                None,
                report=name,
                period=period.label,
                files=files,
                **({} if self.department is None else {"department": str(self.department)}),
            )

    def effect(
        self, principal: Principal, period: Period, icd_prefix: str, *, as_of: date | None = None
    ) -> EffectComparison:
        """效果统计 of one disease (an ICD-10 code prefix such as I63)."""
        if not icd_prefix.strip():
            raise UserError("effect statistics are for one disease: give an ICD-10 code prefix")
        query = self._query(principal, period, Grouping.HOSPITAL, as_of, icd_prefix.strip())
        with self._db.read() as session:
            return statistics_activity.effect(session, query)
