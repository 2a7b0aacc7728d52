"""Qt's own messages (warnings, a missing sound server) in the workstation's log, and the
one moment they must not go there: while a Qt library loads.

The handler is Python. A library's initialisers run under the dynamic loader's lock, and
Qt Multimedia's log as it loads (the sound server it finds or not). Python running there
hands the interpreter lock to another thread at its switch interval, and if that thread
then needs the loader (a module's first import, or a compiled extension's first
thread-local, as the call log's writer does with its first id), it waits for the loader
while holding the interpreter lock, and the window waits for the interpreter: a hang for
good. Seen at the first ring of a run: the ring tone loaded Qt Multimedia while the call
log's writer made its first id. So the window's lazy loads of a Qt library go through
`loading_qt_library()`, and what Qt says meanwhile goes to standard error, as Qt's own
handler writes it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

# Qt's warnings are about Qt (no sound server, an offscreen plugin): the log is their place.
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.INFO,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger(f"qt.{context.category or 'default'}").log(
        _QT_LEVELS.get(kind, logging.WARNING), message
    )


def log_qt_messages() -> None:
    qInstallMessageHandler(_qt_message)


@contextmanager
def loading_qt_library() -> Iterator[None]:
    """Around the first import of a Qt module (Qt Multimedia): no Python runs inside the
    dynamic loader. Only on the GUI thread, as every Qt import is."""
    previous = qInstallMessageHandler(None)  # Qt's own handler: C++, to standard error
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
