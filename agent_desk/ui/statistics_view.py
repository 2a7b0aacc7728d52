"""统计: the follow-up centre's figures for a period and a grouping — a table, charts, the
workload per staff member and recovery scores per disease. A click on a number lists the
tasks it counts.

The service (agent_desk.services.statistics) checks the role and keeps to the user's
departments; this screen gathers the choice and shows what comes back. Every read runs on
the background helper (a month of a large hospital takes seconds), and an answer for a
choice the user has since changed is dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.statistics import (
    EffectComparison,
    FiguresSource,
    FollowupFigures,
    Grouping,
    Period,
    PeriodKind,
    StatisticsReport,
)
from agent_desk.domain.views import StaffView, WorklistRow
from agent_desk.errors import UserError
from agent_desk.services.statistics import StatisticsService
from agent_desk.services.worklist import WorklistService
from agent_desk.ui.background import Background, LatestOnly
from agent_desk.ui.labels import label
from agent_desk.ui.statistics_charts import group_bars, lost_pie, trend_chart
from agent_desk.ui.statistics_model import (
    Behind,
    EffectModel,
    FiguresModel,
    RecoveryModel,
    WorkloadModel,
)
from agent_desk.ui.statistics_tasks import TasksBehindDialog
from agent_desk.ui.table_model import RowsModel

# A period of one month or less is drawn in the trend with the months before it.
TREND_MONTHS = 6
# Typing a date waits for a pause before the figures are read again.
DATE_PAUSE_MS = 400
_DATE_FORMATS = {
    PeriodKind.MONTH: "yyyy-MM",
    PeriodKind.QUARTER: "yyyy-MM",
    PeriodKind.YEAR: "yyyy",
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    day = value.toPython()
    assert isinstance(day, date)
    return day


def period_of(kind: PeriodKind, first: date, last: date) -> Period:
    """The period *kind* that holds *first* (from/to: *first* to *last*)."""
    match kind:
        case PeriodKind.DAY:
            return Period.day(first)
        case PeriodKind.WEEK:
            return Period.week(first)
        case PeriodKind.MONTH:
            return Period.month(first.year, first.month)
        case PeriodKind.QUARTER:
            return Period.quarter(first.year, (first.month + 2) // 3)
        case PeriodKind.YEAR:
            return Period.year(first.year)
    return Period.between(first, last)


def trend_months(period: Period) -> list[Period]:
    """The months the trend draws: the period's own when it spans several, else the
    TREND_MONTHS calendar months that end with its month."""
    months = list(period.months())
    if len(months) > 1:
        return months
    first = period.end.replace(day=1)
    found = []
    for _ in range(TREND_MONTHS):
        found.append(Period.month(first.year, first.month))
        first = (first - timedelta(days=1)).replace(day=1)
    return found[::-1]


def _table(model: RowsModel[Any]) -> QTableView:
    """A table of figures, sorted by a click on a column's header (the total stays last)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)  # numbers stay beside their names
    table.setSortingEnabled(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order at first
    return table


def _chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(300, 220)
    return view


@dataclass
class _Trend:
    """The trend being read: its months' labels, and its figures as they arrive."""

    labels: list[str]
    last_is_table: bool  # the last month's figures are the table's total
    read: list[FollowupFigures] | None = None
    table_total: FollowupFigures | None = None

    def figures(self) -> list[FollowupFigures] | None:
        if self.read is None:
            return None
        if not self.last_is_table:
            return self.read
        return None if self.table_total is None else [*self.read, self.table_total]


class StatisticsDialog(QDialog):
    def __init__(
        self,
        service: StatisticsService,
        worklist: WorklistService,
        user: StaffView,
        today: date,
        background: Background,
        open_patient: Callable[[uuid.UUID], None] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._worklist, self._background = service, worklist, background
        self._principal = user.principal
        self._today = today
        self._open_patient = open_patient
        self._reads = LatestOnly(background, self)  # an answer for an older choice is dropped
        self._effect_reads = LatestOnly(background, self)  # and one for an older disease
        self._tabs_read: set[QWidget] = set()  # the side tabs read for the current choice
        self._asked_prefix: str | None = None  # the ICD-10 prefix of the latest read
        self._shown_prefix: str | None = None  # the one of the report on screen
        self._trend = _Trend([], False)
        self.setWindowTitle(self.tr("Statistics"))
        self.resize(1280, 720)
        self._pickers = QHBoxLayout()
        self._build_pickers(today)
        self._build_tabs()
        self.note_label = QLabel()
        self.note_label.setStyleSheet("color: #b3261e")
        self.note_label.setWordWrap(True)  # a long server message must not widen the window
        self.note_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self._pickers)
        layout.addWidget(self.note_label)
        layout.addWidget(self.tabs, 1)
        self._date_pause = QTimer(self)
        self._date_pause.setSingleShot(True)
        self._date_pause.setInterval(DATE_PAUSE_MS)
        self._date_pause.timeout.connect(self.reload)
        self.reload()

    # --- layout ------------------------------------------------------------------------

    def _build_pickers(self, today: date) -> None:
        self.kind_combo = QComboBox()
        for kind in PeriodKind:
            self.kind_combo.addItem(label(kind), kind)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(PeriodKind.MONTH))
        last_month = today.replace(day=1) - timedelta(days=1)  # the last full month
        self.date_from = QDateEdit(_qdate(last_month.replace(day=1)))
        self.date_to = QDateEdit(_qdate(last_month))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(lambda _day: self._date_pause.start())
        self.to_label = QLabel("–")
        self.period_label = QLabel()
        self.grouping_combo = QComboBox()
        for grouping in Grouping:
            self.grouping_combo.addItem(label(grouping), grouping)
        self.grouping_combo.setCurrentIndex(self.grouping_combo.findData(Grouping.DEPARTMENT))
        self.icd_box = QLineEdit()
        self.icd_box.setPlaceholderText(self.tr("ICD-10, e.g. I63"))
        self.icd_box.setToolTip(self.tr("Only tasks whose principal diagnosis starts so"))
        self.icd_box.setMaximumWidth(140)
        self.icd_box.editingFinished.connect(self._icd_changed)
        self.status_label = QLabel()
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.grouping_combo.currentIndexChanged.connect(lambda _index: self.reload())
        self._pickers.addWidget(QLabel(self.tr("Period")))
        self._pickers.addWidget(self.kind_combo)
        self._pickers.addWidget(self.date_from)
        self._pickers.addWidget(self.to_label)
        self._pickers.addWidget(self.date_to)
        self._pickers.addWidget(self.period_label)
        self._pickers.addSpacing(16)
        self._pickers.addWidget(QLabel(self.tr("By")))
        self._pickers.addWidget(self.grouping_combo)
        self._pickers.addWidget(self.icd_box)
        self._pickers.addStretch(1)
        self._pickers.addWidget(self.status_label)
        self._show_kind()

    def _build_tabs(self) -> None:
        self.model = FiguresModel(self)
        self.table = _table(self.model)
        self.table.clicked.connect(self.list_tasks)
        self.trend_view, self.bars_view, self.pie_view = (_chart_view() for _ in range(3))
        charts = QWidget()
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.trend_view, 3)
        charts_layout.addWidget(self.bars_view, 3)
        charts_layout.addWidget(self.pie_view, 2)
        self.figures_tab = QSplitter(Qt.Orientation.Vertical)
        self.figures_tab.addWidget(self.table)
        self.figures_tab.addWidget(charts)
        self.figures_tab.setSizes([260, 400])
        self.workload_model = WorkloadModel(self)
        self.workload_table = _table(self.workload_model)
        self.recovery_model = RecoveryModel(self)
        self.recovery_table = _table(self.recovery_model)
        self._build_effect_tab()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.figures_tab, self.tr("Follow-up"))
        self.tabs.addTab(self.workload_table, self.tr("Workload"))
        self.tabs.addTab(self.recovery_table, self.tr("Recovery by disease"))
        self.tabs.addTab(self.effect_tab, self.tr("Effect"))
        self.tabs.currentChanged.connect(lambda _index: self._read_side_tab())

    def _build_effect_tab(self) -> None:
        """效果统计: one disease, its followed-up patients against those never reached."""
        self.effect_box = QLineEdit()
        self.effect_box.setPlaceholderText(self.tr("ICD-10, e.g. I63"))
        self.effect_box.setMaximumWidth(140)
        self.effect_box.returnPressed.connect(self.read_effect)
        compare = QPushButton(self.tr("Compare"))
        compare.clicked.connect(self.read_effect)
        self.effect_status = QLabel(self.tr("Enter a disease (ICD-10 code prefix) to compare."))
        self.effect_model = EffectModel(self)
        self.effect_table = _table(self.effect_model)
        self.effect_note = QLabel(
            self.tr(
                "Observational comparison: patients who were not reached may differ from those "
                "followed up; a difference does not prove that follow-up caused it."
            )
        )
        self.effect_note.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Disease")))
        bar.addWidget(self.effect_box)
        bar.addWidget(compare)
        bar.addWidget(self.effect_status, 1)
        self.effect_tab = QWidget()
        layout = QVBoxLayout(self.effect_tab)
        layout.addLayout(bar)
        layout.addWidget(self.effect_table, 1)
        layout.addWidget(self.effect_note)

    # --- the choice ----------------------------------------------------------------------

    def current_kind(self) -> PeriodKind:
        return PeriodKind(self.kind_combo.currentData())

    def current_period(self) -> Period:
        kind = self.current_kind()
        return period_of(kind, _pydate(self.date_from.date()), _pydate(self.date_to.date()))

    def current_grouping(self) -> Grouping:
        return Grouping(self.grouping_combo.currentData())  # Qt hands the value back as str

    def _icd_prefix(self) -> str | None:
        return self.icd_box.text().strip().upper() or None

    def _kind_changed(self) -> None:
        self._show_kind()
        self.reload()

    def _icd_changed(self) -> None:
        if self._icd_prefix() != self._asked_prefix:  # not merely the focus leaving the box
            self.reload()

    def _show_kind(self) -> None:
        kind = self.current_kind()
        ranged = kind is PeriodKind.RANGE
        self.to_label.setVisible(ranged)
        self.date_to.setVisible(ranged)
        self.date_from.setDisplayFormat(_DATE_FORMATS.get(kind, "yyyy-MM-dd"))
        self.date_to.setDisplayFormat("yyyy-MM-dd")

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the figures for the pickers' choice; what is on screen stays until they come."""
        self._date_pause.stop()
        self._reads.ask()
        self._effect_reads.ask()
        self._tabs_read.clear()
        try:
            period = self.current_period()
        except UserError as problem:  # a range that ends before it starts
            self.status_label.setText(str(problem))
            return
        grouping, prefix = self.current_grouping(), self._icd_prefix()
        self._asked_prefix = prefix
        if prefix and not self.effect_box.text().strip():
            self.effect_box.setText(prefix)  # the disease asked about, ready to compare
        self.period_label.setText(period.label)
        self.status_label.setText(self.tr("Loading…"))
        # The trend's last month is the table's period when that is a calendar month: its
        # figures are then the table's total, not read twice (a third of the trend's work).
        months = trend_months(period)
        self._trend = _Trend([f"{m.start:%Y-%m}" for m in months], months[-1] == period)
        service, principal, as_of = self._service, self._principal, self._today
        self._reads.run(
            lambda: service.report(principal, period, grouping, icd_prefix=prefix, as_of=as_of),
            lambda report: self._show_report(report, prefix),
            self._failed,
        )

        read = months[:-1] if self._trend.last_is_table else months
        self._reads.run(
            lambda: service.totals(principal, read, icd_prefix=prefix, as_of=as_of),
            self._show_trend,
            self._failed,
        )
        self._read_side_tab()

    def _read_side_tab(self) -> None:
        """Workload, recovery and effect are read when their tab is first shown for a choice."""
        tab = self.tabs.currentWidget()
        if tab is self.figures_tab or tab in self._tabs_read:
            return
        self._tabs_read.add(tab)
        if tab is self.effect_tab:
            self.read_effect()
            return
        try:
            period = self.current_period()
        except UserError:
            return
        service, principal, as_of = self._service, self._principal, self._today
        if tab is self.workload_table:
            self._reads.run(
                lambda: service.workload(principal, period, as_of=as_of),
                self.workload_model.set_rows,
                self._failed,
            )
        else:
            self._reads.run(
                lambda: service.recovery(principal, period, as_of=as_of),
                self.recovery_model.set_rows,
                self._failed,
            )

    def read_effect(self) -> None:
        """效果统计 of the disease in the effect tab's box, for the period chosen."""
        prefix = self.effect_box.text().strip().upper()
        self._effect_reads.ask()
        self.effect_model.set_comparison(None)
        if not prefix:
            self.effect_status.setText(self.tr("Enter a disease (ICD-10 code prefix) to compare."))
            return
        try:
            period = self.current_period()
        except UserError as problem:
            self.effect_status.setText(str(problem))
            return
        self.effect_status.setText(self.tr("Loading…"))
        service, principal, as_of = self._service, self._principal, self._today
        self._effect_reads.run(
            lambda: service.effect(principal, period, prefix, as_of=as_of),
            self._show_effect,
            self._effect_failed,
        )

    def _show_effect(self, comparison: EffectComparison) -> None:
        self.effect_model.set_comparison(comparison)
        self.effect_status.setText(
            self.tr("%1, %2")
            .replace("%1", comparison.icd_prefix)
            .replace("%2", comparison.period.label)
        )

    def _effect_failed(self, problem: Exception) -> None:
        if not isinstance(problem, UserError):
            raise problem  # a bug: the window's exception hook shows and logs it
        self.effect_status.setText(str(problem))

    def _show_report(self, report: StatisticsReport, prefix: str | None) -> None:
        self._shown_prefix = prefix
        self.model.set_report(report)
        self._trend.table_total = report.total
        self._draw_trend()
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.bars_view.setChart(group_bars(report.rows, self.model.name_of))
        self.pie_view.setChart(lost_pie(report.total.lost_reasons))
        source = (
            self.tr("Whole hospital (central server)")
            if report.source is FiguresSource.CENTRAL
            else self.tr("This workstation (offline)")
        )
        self.status_label.setText(
            self.tr("%1, as of %2").replace("%1", source).replace("%2", report.as_of.isoformat())
        )
        # Why these are not the central server's figures, in the server's own words.
        self.note_label.setText(
            self.tr(
                "The central server did not answer (%1): these are this workstation's figures."
            ).replace("%1", report.note)
            if report.note
            else ""
        )
        self.note_label.setVisible(bool(report.note))

    def _show_trend(self, totals: list[FollowupFigures]) -> None:
        self._trend.read = totals
        self._draw_trend()

    def _draw_trend(self) -> None:
        figures = self._trend.figures()
        if figures is not None:
            self.trend_view.setChart(
                trend_chart(list(zip(self._trend.labels, figures, strict=True)))
            )

    def _failed(self, problem: Exception) -> None:
        if not isinstance(problem, UserError):
            raise problem  # a bug: the window's exception hook shows and logs it
        self.status_label.setText(str(problem))

    # --- what a number counts ------------------------------------------------------------

    def list_tasks(self, index: QModelIndex) -> TasksBehindDialog | None:
        """The tasks behind the number at *index*, in a window of their own."""
        behind = self.model.behind(index)
        report = self.model.report
        if behind is None or report is None or not behind.count:
            return None
        title = " · ".join((label(behind.figure), behind.group_label, report.period.label))
        dialog = TasksBehindDialog(
            title,
            behind.count,
            self._tasks_of(behind, report),
            self._background,
            self._open_patient,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _tasks_of(
        self, behind: Behind, report: StatisticsReport
    ) -> Callable[[], list[WorklistRow]]:
        service, worklist, principal = self._service, self._worklist, self._principal
        prefix = self._shown_prefix

        def load() -> list[WorklistRow]:
            ids = service.tasks_behind(
                principal,
                report.period,
                behind.grouping,
                behind.figure,
                behind.key,
                icd_prefix=prefix,
                as_of=report.as_of,
            )
            return worklist.rows_of(ids)

        return load
