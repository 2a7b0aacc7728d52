"""Logging to a rotating file in the data folder; the console gets warnings only, one line each.

The file keeps the detail (tracebacks included); the console never shows a traceback, so that
whatever goes wrong, the person at the terminal reads one line and where the detail is.
"""

from __future__ import annotations

import logging
import logging.handlers
from io import TextIOWrapper
from pathlib import Path

from agent_desk.paths import private_file

LOG_NAME = "agent_desk.log"
# `log.exception(..., extra=FILE_ONLY)`: the detail goes to the file, and the caller says the
# one line the person at the console needs.
FILE_ONLY = {"file_only": True}
_ours: list[logging.Handler] = []  # so that a second setup replaces, never duplicates


class OneLineFormatter(logging.Formatter):
    """`LEVEL: message` on one line: no traceback, no stack, no embedded line breaks."""

    def format(self, record: logging.LogRecord) -> str:
        message = " ".join(record.getMessage().split("\n"))
        return f"{record.levelname}: {message}"


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log holds patient data (names in messages, numbers in tracebacks): owner only."""

    def _open(self) -> TextIOWrapper:
        private_file(Path(self.baseFilename))
        return super()._open()


def setup_logging(log_dir: Path, verbose: bool = False) -> Path:
    path = log_dir / LOG_NAME
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    while _ours:
        old = _ours.pop()
        root.removeHandler(old)
        old.close()
    file_handler = PrivateRotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(OneLineFormatter())
    console.addFilter(_not_file_only)
    for handler in (file_handler, console):
        _ours.append(handler)
        root.addHandler(handler)
    return path
