"""Logging to a rotating file in the data folder; the console gets warnings only."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "agent_desk.log"
_ours: list[logging.Handler] = []  # so that a second setup replaces, never duplicates


def setup_logging(log_dir: Path, verbose: bool = False) -> Path:
    path = log_dir / LOG_NAME
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    while _ours:
        old = _ours.pop()
        root.removeHandler(old)
        old.close()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    for handler in (file_handler, console):
        _ours.append(handler)
        root.addHandler(handler)
    return path
