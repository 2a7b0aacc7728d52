"""Statistics and reports goals: the month's figures of a million-patient hospital."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from agent_desk.bench.core import prepare
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.report_files import run_report_files
from agent_desk.bench.stats import rounded
from agent_desk.bench.stats_screen import measure_stats_screen
from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import Principal
from agent_desk.domain.statistics import Grouping, Period
from agent_desk.services.statistics import StatisticsService
from agent_desk.settings import Settings

RUNS = 3


def last_full_month(today: date) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return Period.month(last.year, last.month)


def run_report(options: BenchOptions) -> dict[str, float]:
    """stats_month_1m_ms: the statistics table of the last full month, hospital-wide,
    grouped by department, on the core benchmark's hospital (the median of RUNS, after one
    run that warms the page cache and the templates)."""
    _, db = prepare(options.folder, options.patients)
    try:
        service = StatisticsService(db)
        supervisor = Principal.of("bench", [Role.SUPERVISOR])
        month = last_full_month(date.today())
        report = service.report(supervisor, month, Grouping.DEPARTMENT)
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            service.report(supervisor, month, Grouping.DEPARTMENT)
            samples.append((time.perf_counter() - started) * 1000)
        screen = run_stats_screen(db, options.folder)
    finally:
        db.dispose()
    return {
        "stats_month_1m_ms": rounded(statistics.median(samples)),
        "stats_month_tasks": float(report.total.due),
        **screen,
        **run_report_files(options, month),
    }


def run_stats_screen(db: Database, folder: Path) -> dict[str, float]:
    """stats_screen_first_paint_ms: the 统计 screen opened on the last full month, from the
    click to its first paint (pickers and loading state; goal <= 300); with, separately,
    stats_screen_table_ms and stats_screen_trend_ms, until its figures arrive."""
    with tempfile.TemporaryDirectory(dir=folder) as settings_dir:
        return measure_stats_screen(db, Settings(Path(settings_dir) / "settings.json"))
