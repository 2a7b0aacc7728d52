"""An uncaught exception is logged and shown to the user: never a silent exit."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox

log = logging.getLogger("agent_desk.crash")


class _Reporter(QObject):
    """Lives on the GUI thread; a signal emitted from any thread opens the dialog there."""

    report = Signal(str, str)

    def __init__(self, log_path: Path) -> None:
        super().__init__()
        self._log_path = log_path
        self.report.connect(self._show)

    def _show(self, message: str, details: str) -> None:
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("Crash", "Unexpected error"))
        box.setText(
            QCoreApplication.translate(
                "Crash", "Something went wrong: %1\nYour saved work is safe. The details are in %2"
            )
            .replace("%1", message)
            .replace("%2", str(self._log_path))
        )
        box.setDetailedText(details)
        box.exec()


_reporter: _Reporter | None = None


def install(log_path: Path) -> None:
    """Call once on the GUI thread, after the QApplication exists."""
    global _reporter
    _reporter = _Reporter(log_path)
    reporter = _reporter

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("uncaught exception", exc_info=(kind, error, tb))
        details = "".join(traceback.format_exception(kind, error, tb))
        reporter.report.emit(str(error) or kind.__name__, details)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
