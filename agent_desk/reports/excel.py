"""The periodic report's tables as an Excel workbook (openpyxl), one sheet per table.

Headers bold with a fill and frozen; counts as integers, rates as percentages, means with two
decimals; columns wide enough for their Chinese text (a CJK character takes two widths).
Written in openpyxl's write-only mode: a hundred thousand records make a few thousand rows
at most, but write-only keeps the time and memory flat whatever the quotes' count.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from agent_desk.domain.statistics import Ratio
from agent_desk.reports.content import ReportContent
from agent_desk.reports.tables import Cell, Change, Table, all_tables, cell_text

PERCENT = "0.00%"
CHANGE_PERCENT = "+0.00%;-0.00%;0.00%"
COUNT = "#,##0"
CHANGE_COUNT = "+#,##0;-#,##0;0"
MEAN = "0.00"
MAX_WIDTH = 80
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _width(text: str) -> int:
    """Columns *text* takes, counted no further than MAX_WIDTH needs: a quote of thousands
    of characters is as wide as any beyond it (every character takes at least one)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[: MAX_WIDTH + 1])


def _value(cell: Cell) -> tuple[Any, str | None]:
    """What the spreadsheet cell holds, and its number format."""
    if isinstance(cell, Ratio):
        return cell.value, PERCENT
    if isinstance(cell, Change):
        if cell.value is None:
            return None, None
        return (cell.value, CHANGE_PERCENT) if cell.rate else (int(cell.value), CHANGE_COUNT)
    if isinstance(cell, bool):
        return str(cell), None
    if isinstance(cell, int):
        return cell, COUNT
    if isinstance(cell, float):
        return cell, MEAN
    return cell, None


def _sheet(sheet: Any, table: Table) -> None:
    # Any: openpyxl's stubs give a write-only sheet no column_dimensions, which it has.
    widths = [_width(column) + 4 for column in table.columns]
    for row in table.rows:
        for n, cell in enumerate(row):
            widths[n] = max(widths[n], _width(cell_text(cell)) + 2)
    for n, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(n)].width = min(width, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    header = []
    for column in table.columns:
        title = WriteOnlyCell(sheet, column)
        title.font, title.fill = _BOLD, _HEADER_FILL
        header.append(title)
    sheet.append(header)
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        cells = []
        for cell in row:
            value, number_format = _value(cell)
            out = WriteOnlyCell(sheet, value)
            if number_format:
                out.number_format = number_format
            elif isinstance(value, str) and _width(value) > MAX_WIDTH:
                out.alignment = _WRAP
            if table.total_row and index == last:
                out.font = _BOLD
            cells.append(out)
        sheet.append(cells)
    if table.note:
        sheet.append([])
        sheet.append([table.note])


def render_xlsx(content: ReportContent) -> bytes:
    """The workbook as bytes, for the caller to write atomically."""
    book = Workbook(write_only=True)
    about = book.create_sheet("报告")
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 60
    for name, text in (
        ("报告", content.title),
        ("期间", f"{content.period.label}（{content.period.start} 至 {content.period.end}）"),
        ("数据来源", content.source_label),
        *([("说明", content.source_note)] if content.source_note else []),
        ("统计截至", content.as_of.isoformat()),
    ):
        label = WriteOnlyCell(about, name)
        label.font = _BOLD
        about.append([label, text])
    for table in all_tables(content):
        _sheet(book.create_sheet(table.key[:31]), table)  # Excel's sheet names: ≤ 31
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
