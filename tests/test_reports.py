"""The monthly report of the hand-built month (tests/statistics_data.py) as PDF and Excel:
the figures are test_statistics.py's, the PDF embeds its only font and gives its Chinese
back, and the workbook has one formatted sheet per table."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.domain.statistics import Period
from agent_desk.errors import UserError
from agent_desk.reports.content import ReportContent, ReportKind, Scope, gather, parse_period
from agent_desk.reports.excel import render_xlsx
from agent_desk.reports.pdf import render_pdf
from agent_desk.reports.tables import summary
from agent_desk.services.statistics import StatisticsService
from tests.statistics_data import AS_OF, Month, build_month

BOSS = Principal.of("boss", [Role.SUPERVISOR])
NOVEMBER = Period.month(2026, 11)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StatisticsService, Month]]:
    from agent_desk.db.open import open_local

    db = open_local(tmp_path_factory.mktemp("report") / "agent_desk.sqlite3")
    yield StatisticsService(db), build_month(db)
    db.dispose()


@pytest.fixture(scope="module")
def content(month: tuple[StatisticsService, Month]) -> ReportContent:
    return gather(
        month[0],
        BOSS,
        ReportKind.MONTHLY,
        NOVEMBER,
        Scope("全院"),
        hospital="某某医院",
        as_of=AS_OF,
    )


@pytest.fixture(scope="module")
def pdf(content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(content))
    return path


@pytest.fixture(scope="module")
def book(content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    path.write_bytes(render_xlsx(content))
    return openpyxl.load_workbook(path)


def poppler(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_every_font_of_the_pdf_is_embedded(pdf: Path) -> None:
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), rows  # the "emb" column


def test_the_pdf_gives_its_chinese_text_back(pdf: Path) -> None:
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    for words in ("某某医院全院出院患者随访月报", "心血管内科", "骨科", "回访率", "实访满意率"):
        assert words in text
    assert "观察性比较" in text  # the effect statistics say what they are


def test_every_page_renders(pdf: Path, tmp_path: Path) -> None:
    poppler("pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page"))
    pages = int(
        next(
            line for line in poppler("pdfinfo", str(pdf)).splitlines() if "Pages:" in line
        ).split()[1]
    )
    assert len(list(tmp_path.glob("page-*.png"))) == pages > 1


def test_the_summary_has_this_month_and_no_comparison_where_nothing_was_due(
    content: ReportContent,
) -> None:
    rows = {row[0]: row for row in summary(content).rows}
    # 7 due, 6 attempted (test_statistics.py); October holds only t7, a year ago nothing.
    assert rows["应访数"][1] == 7
    assert rows["回访率"][1].numerator == 6  # type: ignore[union-attr]
    assert rows["应访数"][2] == 1 and rows["应访数"][3].value == 6  # type: ignore[union-attr]
    assert rows["应访数"][4] is None and rows["应访数"][5] is None


def test_the_workbook_has_a_sheet_per_table_with_bold_frozen_headers(book) -> None:
    assert book.sheetnames[:3] == ["报告", "主要指标", "各科室"]
    sheet = book["各科室"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])


def test_the_workbook_keeps_counts_as_integers_and_rates_as_percentages(book) -> None:
    sheet = book["各科室"]
    header = [cell.value for cell in sheet[1]]
    card = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "心血管内科")
    due, rate = card[header.index("应访")], card[header.index("回访率")]
    assert (due.value, due.number_format) == (5, "#,##0")
    assert (rate.value, rate.number_format) == (0.8, "0.00%")  # CARD: 4 of 5 attempted


def test_the_workbook_columns_fit_their_chinese_text(book) -> None:
    sheet = book["表扬"]
    assert sheet.column_dimensions["B"].width >= 2 * len("心血管内科")


def test_a_department_report_keeps_to_the_department(month: tuple[StatisticsService, Month]):
    service = StatisticsService(month[0]._db, department=month[1]["ORTH"])
    content = gather(service, BOSS, ReportKind.MONTHLY, NOVEMBER, Scope("骨科", month[1]["ORTH"]))
    assert content.current.total.due == 2  # t5 and t6
    assert content.title == "骨科出院患者随访月报"


def test_a_supervisor_of_another_department_may_not_have_its_report(
    month: tuple[StatisticsService, Month],
) -> None:
    cardiology = Principal.of("card", [Role.SUPERVISOR], [month[1]["CARD"]])
    service = StatisticsService(month[0]._db, department=month[1]["ORTH"])
    with pytest.raises(PermissionDenied):
        gather(service, cardiology, ReportKind.MONTHLY, NOVEMBER, Scope("骨科", month[1]["ORTH"]))


@pytest.mark.parametrize(
    ("kind", "text", "start", "end"),
    [
        (ReportKind.WEEKLY, "2026-W47", "2026-11-16", "2026-11-22"),
        (ReportKind.MONTHLY, "2026-02", "2026-02-01", "2026-02-28"),
        (ReportKind.QUARTERLY, "2026-q4", "2026-10-01", "2026-12-31"),
    ],
)
def test_periods_are_read_as_written(kind: ReportKind, text: str, start: str, end: str) -> None:
    period = parse_period(kind, text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (ReportKind.MONTHLY, "2026-13"),
        (ReportKind.WEEKLY, "2026-W54"),
        (ReportKind.QUARTERLY, "Q4"),
    ],
)
def test_a_period_that_cannot_be_is_a_user_error(kind: ReportKind, text: str) -> None:
    with pytest.raises(UserError):
        parse_period(kind, text)
