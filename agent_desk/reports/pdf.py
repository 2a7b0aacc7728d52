"""The periodic report as a PDF (reportlab platypus), A4 landscape, in Chinese.

Only the embedded CJK font appears in the file: the canvas starts in it (a plain Canvas
would list Helvetica, not embedded, even unused) and every style and drawing names it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from agent_desk.domain.enums import FeedbackKind
from agent_desk.reports import charts, tables
from agent_desk.reports.content import PDF_QUOTES, ReportContent
from agent_desk.reports.fonts import register
from agent_desk.reports.tables import Table as ReportTable
from agent_desk.reports.tables import cell_text

PAGE = landscape(A4)
MARGIN = 15 * mm
WIDTH = PAGE[0] - 2 * MARGIN - 12  # the frame pads its content by 6 points a side
HEADER_FILL = colors.HexColor("#dde6f0")
TOTAL_FILL = colors.HexColor("#f2f2f2")
GRID = colors.HexColor("#9aa5b1")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontSize=18, leading=24, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", base, fontSize=12, leading=18, spaceBefore=8),
        "note": ParagraphStyle("note", base, fontSize=8, leading=11, textColor=colors.grey),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "quote": ParagraphStyle("quote", base, fontSize=8.5, leading=11),
    }


def _column_widths(table: ReportTable) -> list[float]:
    if table.columns == ("日期", "科室", "内容"):
        return [24 * mm, 30 * mm, WIDTH - 54 * mm]
    first = 34 * mm if len(table.columns) > 8 else 40 * mm
    rest = (WIDTH - first) / max(1, len(table.columns) - 1)
    return [first] + [min(rest, 30 * mm)] * (len(table.columns) - 1)


def _table(table: ReportTable, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    quote = table.columns == ("日期", "科室", "内容")
    header = [Paragraph(column, styles["cell"]) for column in table.columns]
    body: list[list[Any]] = []
    for row in table.rows:
        cells: list[Any] = [cell_text(cell) for cell in row]
        # Text that may be long wraps in a Paragraph; numbers stay plain strings (faster).
        cells[0] = Paragraph(cells[0], styles["cell"])
        if quote:
            cells[1] = Paragraph(cells[1], styles["cell"])
            cells[2] = Paragraph(cells[2], styles["quote"])
        body.append(cells)
    if not body:
        body = [["本期无数据", *[""] * (len(table.columns) - 1)]]
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), styles["cell"].fontName, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for n in range(1, len(table.columns)):
        if table.rows and all(isinstance(row[n], str) for row in table.rows):
            style.append(("ALIGN", (n, 1), (n, -1), "LEFT"))  # words, not figures
    if table.total_row and table.rows:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
    drawn = Table([header, *body], colWidths=_column_widths(table), repeatRows=1, hAlign="LEFT")
    drawn.setStyle(TableStyle(style))
    parts: list[Flowable] = [Paragraph(table.title, styles["heading"]), drawn]
    if table.note:
        note = styles["body" if table.key == "效果统计" else "note"]  # that one must be read
        parts += [Spacer(1, 2 * mm), Paragraph(table.note, note)]
    return parts


def _page(content: ReportContent, font: str, canvas: Canvas, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(font, 8)
    canvas.setFillColor(colors.grey)
    canvas.drawString(MARGIN, 8 * mm, f"{content.title}  {content.period.label}")
    canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def _cover(content: ReportContent, styles: dict[str, ParagraphStyle], today: date) -> list[Any]:
    period = content.period
    return [
        Paragraph(content.title, styles["title"]),
        Paragraph(
            f"{period.label}（{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}）",
            styles["subtitle"],
        ),
        Paragraph(
            f"数据来源：{content.source_label}；统计截至 {content.as_of.isoformat()}；"
            f"生成于 {today.isoformat()}",
            styles["subtitle"],
        ),
        *(
            [Paragraph(escape(content.source_note), styles["subtitle"])]
            if content.source_note
            else []
        ),
        Spacer(1, 4 * mm),
    ]


def render_pdf(content: ReportContent, *, today: date | None = None) -> bytes:
    """The report as PDF bytes, for the caller to write atomically."""
    font = register()
    styles = _styles(font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        title=content.title,
        author=content.hospital or "agent_desk",
        subject=content.period.label,
        initialFontName=font,  # passed on to the Canvas: no Helvetica listed (see the top)
    )
    story: list[Any] = _cover(content, styles, today or date.today())
    half = (WIDTH - 8 * mm) / 2
    story += _table(tables.summary(content), styles)
    story.append(
        KeepTogether(
            [
                Spacer(1, 3 * mm),
                Table(
                    [[charts.trend_chart(content, half, 150), charts.lost_pie(content, half, 150)]],
                    colWidths=[half + 4 * mm, half + 4 * mm],
                    hAlign="LEFT",
                    # A table cell starts in Helvetica, listed even when it holds a drawing.
                    style=[("FONT", (0, 0), (-1, -1), font, 8)],
                ),
            ]
        )
    )
    story.append(PageBreak())
    story += _table(tables.by_group(content), styles)
    bars = charts.group_bars(content, WIDTH, 330)
    story += [CondPageBreak(bars.height + 8 * mm), Spacer(1, 6 * mm), bars]
    story.append(PageBreak())
    for table in (
        tables.satisfaction(content),
        tables.lost_reasons(content),
        tables.trend(content),
    ):
        story += _keep(_table(table, styles))
    story.append(PageBreak())
    story += _table(tables.satisfaction_by_group(content), styles)
    story.append(PageBreak())
    for table in (tables.workload(content), tables.recovery(content)):
        story += _table(table, styles)
    story += _keep(_table(tables.effects(content), styles))
    story.append(PageBreak())
    for kind, counted in (
        (FeedbackKind.PRAISE, content.praise),
        (FeedbackKind.COMPLAINT, content.complaints),
    ):
        story += _table(tables.quotes(kind, counted, PDF_QUOTES), styles)
    on_page = partial(_page, content, font)
    doc.build(
        story,
        onFirstPage=on_page,
        onLaterPages=on_page,
    )
    return out.getvalue()


def _keep(parts: Sequence[Flowable]) -> list[Flowable]:
    # A short table stays with its heading; a long one may break (its header repeats).
    return [KeepTogether(list(parts))]
