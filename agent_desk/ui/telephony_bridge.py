"""The one crossing from the telephony threads to the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from agent_desk.foreground import FOREGROUND, ForegroundGate
from agent_desk.telephony.events import CallRinging, TelephonyEvent


class TelephonyBridge(QObject):
    """Create on the GUI thread; hand `post` to the engines as their event sink.

    A signal emitted on another thread reaches slots of GUI-thread objects as a queued
    call, so every handler runs on the GUI thread, in the order the engine emitted.

    A ringing call marks the foreground busy here, on the engine's thread: the earliest
    moment the workstation knows a pop is coming, before the event has crossed to the GUI
    thread. The call controller clears the mark once the card is on screen.
    """

    arrived = Signal(object)

    def __init__(
        self, parent: QObject | None = None, foreground: ForegroundGate = FOREGROUND
    ) -> None:
        super().__init__(parent)
        self.foreground = foreground

    def post(self, event: TelephonyEvent) -> None:
        if isinstance(event, CallRinging):
            self.foreground.hold(event.call.call_id)
        self.arrived.emit(event)
