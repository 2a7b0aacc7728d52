"""The one crossing from the telephony threads to the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from agent_desk.telephony.events import TelephonyEvent


class TelephonyBridge(QObject):
    """Create on the GUI thread; hand `post` to the engines as their event sink.

    A signal emitted on another thread reaches slots of GUI-thread objects as a queued
    call, so every handler runs on the GUI thread, in the order the engine emitted.
    """

    arrived = Signal(object)

    def post(self, event: TelephonyEvent) -> None:
        self.arrived.emit(event)
