"""The 统计 screen's charts (QtCharts): rates month by month, rates per group, 失访 reasons.

Each function builds a whole QChart from domain values, so the screen swaps a chart in
one step when its data arrives; rates are drawn in per cent (0-100).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt

from agent_desk.domain.enums import LostReason
from agent_desk.domain.statistics import FollowupFigures, Group, Ratio
from agent_desk.ui.labels import label
from agent_desk.ui.statistics_model import TABLE_DIMENSION

# More bars than this are unreadable at the screen's width: the largest groups are drawn.
MAX_BARS = 12


def _percent(ratio: Ratio) -> float:
    value = ratio.value
    return 0.0 if value is None else round(value * 100, 1)


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _percent_axis() -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, 100)
    axis.setLabelFormat("%d%%")
    axis.setTickCount(6)
    return axis


def _rates() -> list[tuple[str, Callable[[FollowupFigures], Ratio]]]:
    return [
        (
            QCoreApplication.translate("StatisticsCharts", "Follow-up rate"),
            lambda f: f.attempt_rate,
        ),
        (QCoreApplication.translate("StatisticsCharts", "Success rate"), lambda f: f.success_rate),
        (
            QCoreApplication.translate("StatisticsCharts", "Satisfaction (answered)"),
            lambda f: f.dimension(TABLE_DIMENSION).answered_rate,
        ),
    ]


def trend_chart(months: Sequence[tuple[str, FollowupFigures]]) -> QChart:
    """回访率, 成功率 and 满意率 (实访, overall) month by month: one line each."""
    chart = _chart(QCoreApplication.translate("StatisticsCharts", "By month"))
    x_axis = QBarCategoryAxis()
    x_axis.append([month for month, _ in months])
    x_axis.setLabelsAngle(-45)  # "2026-11" side by side does not fit a third of the screen
    y_axis = _percent_axis()
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for name, rate in _rates():
        series = QLineSeries()
        series.setName(name)
        series.setPointsVisible(True)
        for i, (_month, figures) in enumerate(months):
            if rate(figures).value is not None:  # a month without calls has no rate
                series.append(i, _percent(rate(figures)))
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    return chart


def group_bars(rows: Sequence[FollowupFigures], name_of: Callable[[Group], str]) -> QChart:
    """回访率 and 成功率 per group (department by default), the largest groups by due. The
    bars lie down, so that the groups' names are read whole beside them."""
    chart = _chart(QCoreApplication.translate("StatisticsCharts", "By group"))
    shown = sorted(rows, key=lambda row: -row.due)[:MAX_BARS][::-1]  # the largest on top
    series = QHorizontalBarSeries()
    for name, rate in _rates()[:2]:
        bars = QBarSet(name)
        bars.append([_percent(rate(row)) for row in shown])
        series.append(bars)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append([name_of(row.group) for row in shown])
    rates = _percent_axis()
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(rates, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(names)
    series.attachAxis(rates)
    return chart


def lost_pie(reasons: Sequence[tuple[LostReason | None, int]]) -> QChart:
    """失访 by reason: one slice per reason counted, labelled with its count."""
    chart = _chart(QCoreApplication.translate("StatisticsCharts", "Lost to follow-up, by reason"))
    series = QPieSeries()
    for reason, count in reasons:
        if count:
            name = (
                QCoreApplication.translate("StatisticsCharts", "No reason recorded")
                if reason is None
                else label(reason)
            )
            series.append(f"{name} {count}", count)
    series.setPieSize(0.7)
    chart.addSeries(series)
    # Names go in the legend: a label beside a slice is cut at the chart's narrow edges.
    for pie_slice in series.slices():
        pie_slice.setLabelVisible(True)
        pie_slice.setLabelPosition(QPieSlice.LabelPosition.LabelInsideHorizontal)
        pie_slice.setLabelColor(Qt.GlobalColor.white)
    series.setLabelsVisible(True)
    for pie_slice, marker in zip(series.slices(), chart.legend().markers(series), strict=True):
        marker.setLabel(pie_slice.label())
        pie_slice.setLabel(f"{pie_slice.percentage() * 100:.0f}%")
    return chart
