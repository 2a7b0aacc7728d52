"""Statistics for supervisors: the figures of README's Statistics section, for a period and a
grouping, kept to the principal's departments.

The same service serves the workstation's own copy of the data and, with a central server
configured (CentralFigures), the whole hospital's: the SQL is one set of expressions that
compiles for both (agent_desk/db/statistics*.py). A report says which it is; when the
server does not answer, the figures are this workstation's, with a note saying why.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

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
    FiguresSource,
    FollowupFigures,
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

if TYPE_CHECKING:
    from agent_desk.services.statistics_source import CentralFigures


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a set of figures was computed, and why not on the central server if not."""

    source: FiguresSource
    note: str = ""  # why not the central server: its error, one line


class StatisticsService:
    def __init__(
        self,
        db: Database,
        *,
        central: CentralFigures | None = None,
        source: FiguresSource = FiguresSource.LOCAL,
        clock: Callable[[], datetime] = utcnow,
        department: uuid.UUID | None = None,
    ) -> None:
        """*db* is this workstation's: the audit log's, and the figures' without *central*
        (or when it does not answer); *source* says what *db* holds."""
        self._db = db
        self._central = central
        self.source = FiguresSource(source)
        # Set by settled(): where every read goes, whatever the server does meanwhile.
        self._pinned: tuple[Database, Provenance] | None = None
        # One department's figures (its monthly report): within the principal's scope only.
        self.department = department
        self._clock = clock

    def _where(self) -> tuple[Database, Provenance]:
        if self._pinned is not None:
            return self._pinned
        if self._central is None:
            return self._db, Provenance(self.source)
        from agent_desk.sync.errors import SyncError

        try:
            return self._central.database(), Provenance(FiguresSource.CENTRAL)
        except SyncError as error:
            return self._db, Provenance(FiguresSource.LOCAL, str(error))

    @contextmanager
    def _read(self) -> Iterator[tuple[Session, Provenance]]:
        """A read on the central server when one is configured and answers, else on this
        workstation's copy, with where it was. A server lost during the read is a one-line
        error (the next read falls back), never figures from two places at once."""
        database, provenance = self._where()
        try:
            with database.read() as session:
                yield session, provenance
        except DBAPIError as error:
            from agent_desk.sync.errors import explain_central
            from agent_desk.sync.queue_errors import is_unreachable

            central = self._central
            if provenance.source is not FiguresSource.CENTRAL or central is None:
                raise
            if not is_unreachable(error):
                raise
            lost = explain_central(error.orig or error, central.config.where)
            central.failed(lost)
            raise lost from error

    def settled(self) -> StatisticsService:
        """This service bound to where the figures come from now, so that the parts of one
        report are all from the same place (or the report fails as a whole)."""
        if self._central is None or self._pinned is not None:
            return self
        bound = StatisticsService(
            self._db,
            central=self._central,
            source=self.source,
            clock=self._clock,
            department=self.department,
        )
        bound._pinned = self._where()
        return bound

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
        with self._read() as (session, where):
            rows = statistics_db.followup_figures(session, query)
        return StatisticsReport(
            period, grouping, query.as_of, where.source, tuple(rows), total_of(rows), where.note
        )

    def totals(
        self,
        principal: Principal,
        periods: Sequence[Period],
        *,
        icd_prefix: str | None = None,
        as_of: date | None = None,
    ) -> list[FollowupFigures]:
        """The whole scope's figures in each of *periods* (a trend), in one read: each the
        total a report of that period would give."""
        if not periods:
            return []
        span = Period.between(min(p.start for p in periods), max(p.end for p in periods))
        query = self._query(principal, span, Grouping.HOSPITAL, as_of, icd_prefix)
        with self._read() as (session, _where):
            return statistics_db.period_totals(session, query, periods)

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
        with self._read() as (session, _where):
            return statistics_db.tasks_behind(session, query, figure, key)

    def workload(
        self, principal: Principal, period: Period, *, as_of: date | None = None
    ) -> list[WorkloadRow]:
        query = self._query(principal, period, Grouping.STAFF, as_of)
        with self._read() as (session, _where):
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
        with self._read() as (session, _where):
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
        with self._read() as (session, _where):
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
        return self.effects(principal, period, [icd_prefix], as_of=as_of)[0]

    def effects(
        self,
        principal: Principal,
        period: Period,
        icd_prefixes: Sequence[str],
        *,
        as_of: date | None = None,
    ) -> list[EffectComparison]:
        """效果统计 of several diseases at once (one read of the period's tasks)."""
        prefixes = [prefix.strip() for prefix in icd_prefixes]
        if not prefixes or not all(prefixes):
            raise UserError("effect statistics are for one disease: give an ICD-10 code prefix")
        query = self._query(principal, period, Grouping.HOSPITAL, as_of)
        with self._read() as (session, _where):
            return statistics_activity.effects(session, query, prefixes)
