"""SIGTERM, SIGINT and SIGHUP end the window's event loop, so that the code after it runs.

Without this, SIGTERM (a shutdown, a logoff, a service manager) kills the process outright:
no hang-up, no un-REGISTER, and the PBX routes calls to a dead workstation. Python runs
its signal handlers only when the interpreter gets control, which a waiting Qt event loop
never gives it; `signal.set_wakeup_fd` writes the signal's number to a socket that Qt
watches, and the slot reading it quits the loop.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)

QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


class QuitOnSignals(QObject):
    """Calls *quit* on the GUI thread when one of QUIT_SIGNALS arrives."""

    def __init__(self, quit: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit = quit
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        # A Python handler replaces the default action (terminate); the work is done in
        # _on_wakeup, on the GUI thread, where Qt may be touched.
        self._previous = {sig: signal.signal(sig, _note) for sig in QUIT_SIGNALS}

    def _on_wakeup(self) -> None:
        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return
        for number in numbers:
            log.info("%s received: closing the workstation", signal.Signals(number).name)
        self._quit()

    def uninstall(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


def _note(_signum: int, _frame: object) -> None:
    """The signal's number is already on the wake-up socket; nothing else to do here."""
