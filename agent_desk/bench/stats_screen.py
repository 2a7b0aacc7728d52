"""The 统计 screen as a supervisor opens it: how soon it is painted, and how soon its figures
arrive from the background helper.

The workstation's window is up first (a supervisor's); first paint is timed from the menu
entry's action (window.open_statistics, which imports the screen on demand) to the first
paint of a widget of the dialog, with its pickers and its loading state; the
figures are read off the GUI thread and arrive later, timed separately: the table (one
report), then the trend (the months drawn, in one read).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject
from PySide6.QtWidgets import QApplication, QWidget

from agent_desk.bench.core import bench_user
from agent_desk.db.engine import Database
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window

SCREEN = (1366, 768)
# A month of a large hospital is read in seconds; longer than this is a failure, not a figure.
DATA_TIMEOUT_S = 900.0


class _FirstPaint(QObject):
    """Notes the first paint of a widget inside the statistics dialog."""

    def __init__(self) -> None:
        super().__init__()
        self.painted_ns: int | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.painted_ns is None and event.type() == QEvent.Type.Paint:
            from agent_desk.ui.statistics_view import StatisticsDialog

            widget = watched if isinstance(watched, QWidget) else None
            if widget is not None and isinstance(widget.window(), StatisticsDialog):
                self.painted_ns = time.perf_counter_ns()
        return False


def _wait(app: QApplication, done: Callable[[], bool], started: float) -> float:
    """Handle the GUI's events until *done()* holds; the seconds since *started*."""
    while not done():
        if time.perf_counter() - started > DATA_TIMEOUT_S:
            raise TimeoutError("the statistics screen's figures did not arrive")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return time.perf_counter() - started


def measure_stats_screen(db: Database, settings: Settings) -> dict[str, float]:
    """Open the workstation's window as a supervisor, then its 统计 screen from the menu."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    user, _ = bench_user(db)
    window = build_main_window(db, settings, user)
    window.resize(*SCREEN)
    window.show()
    app.processEvents()  # the window is up and painted before the menu is used
    watcher = _FirstPaint()
    app.installEventFilter(watcher)  # the dialog's first paint, whichever widget gets it
    started_ns = time.perf_counter_ns()
    started = time.perf_counter()
    dialog = window.open_statistics()
    assert dialog is not None
    try:
        _wait(app, lambda: watcher.painted_ns is not None, started)
        assert watcher.painted_ns is not None
        first_paint_ms = (watcher.painted_ns - started_ns) / 1e6
        table_s = _wait(app, lambda: dialog.model.report is not None, started)
        trend_s = _wait(app, lambda: bool(dialog.trend_view.chart().series()), started)
    finally:
        app.removeEventFilter(watcher)
        dialog.close()
        window.close()
        window.background.shutdown()
        window.deleteLater()
        app.processEvents()
    return {
        "stats_screen_first_paint_ms": round(first_paint_ms, 1),
        "stats_screen_table_ms": round(table_s * 1000, 1),
        "stats_screen_trend_ms": round(trend_s * 1000, 1),
    }
