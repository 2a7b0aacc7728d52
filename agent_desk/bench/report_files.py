"""The periodic report's files: the monthly PDF and workbook of a month of ~100,000 records."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from agent_desk.bench.core import BENCH_PRINCIPAL, prepare
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.stats import rounded
from agent_desk.domain.statistics import Period
from agent_desk.reports.content import (
    EXCEL_QUOTES,
    PDF_QUOTES,
    ReportContent,
    ReportKind,
    Scope,
    gather,
)
from agent_desk.reports.excel import render_xlsx
from agent_desk.reports.pdf import render_pdf
from agent_desk.services.statistics import StatisticsService

# The demo spreads discharges over 90 days and completes ~88% of the calls, so a full month
# holds the records of ~30% of its patients: 340,000 patients make ~100,000 in a month.
REPORT_PATIENTS = 340_000
RUNS = 3


def run_report_files(options: BenchOptions, month: Period) -> dict[str, float]:
    """The monthly report, hospital-wide, of *month* of a hospital of REPORT_PATIENTS (its
    own, kept like core's), end to end as `report monthly` writes it (the median of RUNS
    after one warm-up run):

    - report_pdf_100k_s: gathering its figures (the statistics service's reads: the month
      by department, the trend, workload, recovery, effect, the quotes) and the PDF's bytes;
    - report_xlsx_100k_s: the same for the workbook (which quotes more: EXCEL_QUOTES);
    - report_figures_100k_s: the gathering alone, of the PDF's figures."""
    _, db = prepare(options.folder, REPORT_PATIENTS, name="reports")
    try:
        service = StatisticsService(db)

        def content(quotes: int) -> ReportContent:
            return gather(
                service, BENCH_PRINCIPAL, ReportKind.MONTHLY, month, Scope("全院"), quotes=quotes
            )

        gathered = content(EXCEL_QUOTES)  # warms the page cache, the templates and the font
        render_pdf(gathered)
        render_xlsx(gathered)
        figures = {
            "report_pdf_100k_s": _median_s(lambda: render_pdf(content(PDF_QUOTES))),
            "report_xlsx_100k_s": _median_s(lambda: render_xlsx(content(EXCEL_QUOTES))),
            "report_figures_100k_s": _median_s(lambda: content(PDF_QUOTES)),
        }
    finally:
        db.dispose()
    return {**figures, "report_month_records": float(gathered.current.total.completed)}


def _median_s(make: Callable[[], object]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        make()
        samples.append(time.perf_counter() - started)
    return rounded(statistics.median(samples))
