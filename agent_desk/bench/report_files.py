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
    own, kept like core's), the median of RUNS after one warm-up run:

    - report_figures_100k_s: gathering its figures (the statistics service's queries: the
      month by department, the trend's months, workload, recovery, effect, the quotes);
    - report_pdf_100k_s and report_xlsx_100k_s: rendering those figures to the file's bytes.

    A report written from the command line takes the figures and then the rendering."""
    _, db = prepare(options.folder, REPORT_PATIENTS, name="reports")
    try:
        service = StatisticsService(db)

        def content() -> ReportContent:
            return gather(
                service,
                BENCH_PRINCIPAL,
                ReportKind.MONTHLY,
                month,
                Scope("全院"),
                quotes=EXCEL_QUOTES,
            )

        gathered = content()  # warms the page cache, the templates and the font
        render_pdf(gathered)
        render_xlsx(gathered)
        figures = {
            "report_figures_100k_s": _median_s(content),
            "report_pdf_100k_s": _median_s(lambda: render_pdf(gathered)),
            "report_xlsx_100k_s": _median_s(lambda: render_xlsx(gathered)),
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
