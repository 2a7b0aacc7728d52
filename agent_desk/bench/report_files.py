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
    """report_pdf_100k_s and report_xlsx_100k_s: from the database to the file's bytes
    (gathering the figures, then rendering), the median of RUNS after one warm-up run,
    hospital-wide, for *month* of a hospital of REPORT_PATIENTS (its own, kept like core's)."""
    _, db = prepare(options.folder, REPORT_PATIENTS, name="reports")
    try:
        service = StatisticsService(db)

        def content(quotes: int) -> ReportContent:
            return gather(
                service, BENCH_PRINCIPAL, ReportKind.MONTHLY, month, Scope("全院"), quotes=quotes
            )

        def pdf() -> bytes:
            return render_pdf(content(PDF_QUOTES))

        def xlsx() -> bytes:
            return render_xlsx(content(EXCEL_QUOTES))

        records = content(PDF_QUOTES).current.total.completed
        figures = {"report_pdf_100k_s": _median_s(pdf), "report_xlsx_100k_s": _median_s(xlsx)}
    finally:
        db.dispose()
    return {**figures, "report_month_records": float(records)}


def _median_s(make: Callable[[], bytes]) -> float:
    make()  # warms the page cache, the font and the templates
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        make()
        samples.append(time.perf_counter() - started)
    return rounded(statistics.median(samples))
