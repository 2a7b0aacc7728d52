"""The report's charts as reportlab drawings: the trend of the main rates, a bar per
department, and the pie of 失访 reasons. Every label is in the embedded CJK font."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from agent_desk.domain.enums import SatisfactionDimension
from agent_desk.domain.statistics import Ratio
from agent_desk.reports.content import ReportContent
from agent_desk.reports.fonts import CJK
from agent_desk.reports.tables import LOST_LABELS

PALETTE = (
    colors.HexColor("#1f77b4"),
    colors.HexColor("#ff7f0e"),
    colors.HexColor("#2ca02c"),
    colors.HexColor("#d62728"),
    colors.HexColor("#9467bd"),
    colors.HexColor("#8c564b"),
    colors.HexColor("#7f7f7f"),
)


def _percent(ratio: Ratio) -> float | None:
    return None if ratio.value is None else round(ratio.value * 100, 2)


def _drawing(width: float, height: float) -> Drawing:
    # Without initialFontName the renderer sets Helvetica first, listed unembedded.
    return Drawing(width, height, initialFontName=CJK)


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=CJK, fontSize=10))


def _legend(x: int, y: int, names: Sequence[str], *, columns: int = 1) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = CJK, 8
    legend.alignment = "right"
    legend.columnMaximum = max(1, -(-len(names) // columns))
    legend.dx = legend.dy = 7
    legend.deltax = 90
    legend.colorNamePairs = list(zip(PALETTE, names, strict=False))
    return legend


def trend_chart(content: ReportContent, width: float, height: int = 190) -> Drawing:
    """回访率, 成功率, 实访满意率 period by period, in percent."""
    series = (
        ("回访率", [_percent(p.figures.attempt_rate) for p in content.trend]),
        ("成功率", [_percent(p.figures.success_rate) for p in content.trend]),
        (
            "实访满意率",
            [
                _percent(p.figures.dimension(SatisfactionDimension.OVERALL).answered_rate)
                for p in content.trend
            ],
        ),
    )
    drawing = _drawing(width, height)
    _title(drawing, "趋势（%）")
    chart = HorizontalLineChart()
    chart.x, chart.y = 35, 40
    chart.width, chart.height = int(width) - 45, height - 70
    chart.data = [tuple(value for value in values) for _, values in series]
    chart.categoryAxis.categoryNames = [point.label for point in content.trend]
    chart.categoryAxis.labels.fontName = CJK
    chart.categoryAxis.labels.fontSize = 7
    if len(content.trend) > 8:  # a year of months: slanted, or the labels run together
        labels = chart.categoryAxis.labels
        labels.angle, labels.boxAnchor, labels.dx, labels.dy = 30, "ne", 4, -2
        chart.y += 8
        chart.height -= 8
    chart.valueAxis.labels.fontName = CJK
    chart.valueAxis.labels.fontSize = 7
    known = [v for _, values in series for v in values if v is not None]
    low = min(known, default=0.0)
    chart.valueAxis.valueMin = max(0.0, (int(low) // 10) * 10 - 10) if known else 0.0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 10
    chart.joinedLines = 1
    for n in range(len(series)):
        chart.lines[n].strokeColor = PALETTE[n]
        chart.lines[n].strokeWidth = 1.5
    drawing.add(chart)
    drawing.add(_legend(40, 12, [name for name, _ in series], columns=3))
    if not known:
        _empty(drawing, "本期及之前各期均无数据")
    return drawing


def group_bars(content: ReportContent, width: float, height: int = 270) -> Drawing:
    """回访率 and 实访满意率 for each department (or ward), a pair of bars each."""
    rows = content.current.rows
    drawing = _drawing(width, height)
    per = "科室" if content.scope.department_id is None else "病区"
    _title(drawing, f"各{per}回访率与实访满意率（%）")
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 75
    # A few wards make wide bars: each group gets at most 60 points.
    chart.width, chart.height = min(int(width) - 40, 60 * max(4, len(rows))), height - 110
    chart.data = [
        [_percent(row.attempt_rate) or 0 for row in rows] or [0],
        [_percent(row.dimension(SatisfactionDimension.OVERALL).answered_rate) or 0 for row in rows]
        or [0],
    ]
    chart.categoryAxis.categoryNames = [row.group.label for row in rows] or [""]
    labels = chart.categoryAxis.labels
    labels.fontName, labels.fontSize = CJK, 7
    labels.angle, labels.boxAnchor, labels.dx, labels.dy = 45, "ne", 3, -2
    chart.valueAxis.labels.fontName = CJK
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.barSpacing = 0
    chart.groupSpacing = 4
    for n in range(2):
        chart.bars[n].fillColor = PALETTE[n]
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    right = chart.x + chart.width  # the legend ends over the last bars
    drawing.add(_legend(max(200, right - 180), height - 4, ["回访率", "实访满意率"], columns=2))
    if not rows:
        _empty(drawing, "本期无应访任务")
    return drawing


def lost_pie(content: ReportContent, width: float, height: int = 170) -> Drawing:
    reasons = [(LOST_LABELS[r], n) for r, n in content.current.total.lost_reasons if n]
    drawing = _drawing(width, height)
    _title(drawing, f"失访原因（共 {content.current.total.lost} 例）")
    if not reasons:
        _empty(drawing, "本期无失访")
        return drawing
    pie = Pie()
    size = int(height) - 40
    pie.x, pie.y, pie.width, pie.height = 20, 10, size, size
    pie.data = [n for _, n in reasons]
    pie.labels = None
    pie.sideLabels = 0
    pie.simpleLabels = 1
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.5
    for n in range(len(reasons)):
        pie.slices[n].fillColor = PALETTE[n % len(PALETTE)]
    drawing.add(pie)
    total = sum(n for _, n in reasons)
    names = [f"{label} {n} 例（{n / total:.1%}）" for label, n in reasons]
    legend = _legend(size + 50, height - 40, names)
    legend.deltay = 14
    legend.alignment = "right"
    drawing.add(legend)
    return drawing


def _empty(drawing: Drawing, text: str) -> None:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            text,
            fontName=CJK,
            fontSize=9,
            fillColor=colors.grey,
            textAnchor="middle",
        )
    )
