"""The 统计 screen as a supervisor opens it: how soon it is painted, and how soon its figures
arrive from the background helper.

First paint is timed from the menu's click (the screen's module imported on demand, as the
window does) to the first paint of the dialog, with its pickers and its loading state; the
figures are read off the GUI thread and arrive later, timed separately: the table (one
report), then the trend (one report per month drawn).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QEventLoop, QObject
from PySide6.QtWidgets import QApplication

from agent_desk.bench.core import bench_user
from agent_desk.db.engine import Database
from agent_desk.services.statistics import StatisticsService
from agent_desk.services.worklist import WorklistService
from agent_desk.ui.background import Background

SCREEN = (1366, 768)
# A month of a large hospital is read in seconds; longer than this is a failure, not a figure.
DATA_TIMEOUT_S = 900.0


class _FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted_ns: int | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_ns is None:
            self.painted_ns = time.perf_counter_ns()
        return False


def _wait(app: QApplication, done: Callable[[], bool], started: float) -> float:
    """Handle the GUI's events until *done()* holds; the seconds since *started*."""
    while not done():
        if time.perf_counter() - started > DATA_TIMEOUT_S:
            raise TimeoutError("the statistics screen's figures did not arrive")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return time.perf_counter() - started


def measure_stats_screen(db: Database, today: date) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    user, _ = bench_user(db)
    background = Background()
    watcher = _FirstPaint()
    started_ns = time.perf_counter_ns()
    started = time.perf_counter()
    from agent_desk.ui.statistics_view import StatisticsDialog  # on demand, as in the window

    dialog = StatisticsDialog(
        StatisticsService(db), WorklistService(db, user.principal), user, today, background
    )
    dialog.installEventFilter(watcher)
    dialog.resize(*SCREEN)
    dialog.show()
    try:
        _wait(app, lambda: watcher.painted_ns is not None, started)
        assert watcher.painted_ns is not None
        first_paint_ms = (watcher.painted_ns - started_ns) / 1e6
        table_s = _wait(app, lambda: dialog.model.report is not None, started)
        trend_s = _wait(app, lambda: bool(dialog.trend_view.chart().series()), started)
    finally:
        dialog.close()
        dialog.deleteLater()
        background.shutdown()
    return {
        "stats_screen_first_paint_ms": round(first_paint_ms, 1),
        "stats_screen_table_ms": round(table_s * 1000, 1),
        "stats_screen_trend_ms": round(trend_s * 1000, 1),
    }
