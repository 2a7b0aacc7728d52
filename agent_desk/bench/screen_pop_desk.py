"""The screen-pop as the benchmarks measure it: the workstation's own window and call
controller, wired as `agent-desk run` wires them, fed by the benchmark's engines.

An engine is given `ScreenPopDesk.post`, the bridge's own `post`, as its event sink (the
crossing every line uses), and the controller handles each event on this thread as in the
workstation: line state, ringer, notification, lookup and call log, card, form. A pop is
timed when the controller says the card (or the chooser of a shared number) is on screen.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from agent_desk.db.engine import Database
from agent_desk.domain.views import StaffView
from agent_desk.services.calls import PopKind, ScreenPop
from agent_desk.settings import Settings
from agent_desk.telephony.events import CallEnded, CallRinging, ModemStatus, TelephonyEvent
from agent_desk.telephony.phone import Phone
from agent_desk.ui.app import build_main_window
from agent_desk.ui.interpreter import settle_after_start
from agent_desk.ui.new_caller import NewCallerDialog
from agent_desk.ui.patient_chooser import PatientChooser
from agent_desk.ui.telephony_setup import wire_calls

# How often a wait looks at what it waits for when no event comes (sipp ending, a deadline).
_WAKE_MS = 20


@dataclass(frozen=True, slots=True)
class Pop:
    number: str  # as the line signalled it
    kind: PopKind
    rang_ns: int  # perf_counter_ns when the engine's first Python code saw the call
    shown_ns: int  # perf_counter_ns once the card (or chooser) was on screen
    shown_wall_ns: int  # the same moment by the wall clock, which sipp's trace uses

    @property
    def from_engine_ms(self) -> float:
        return (self.shown_ns - self.rang_ns) / 1e6


@dataclass(frozen=True, slots=True)
class _Shown:
    # What the figures need, not the pop: a kept card would count in the window's memory.
    call_id: str
    number: str
    kind: PopKind
    shown_ns: int
    shown_wall_ns: int


class ScreenPopDesk:
    """Create on the GUI thread; every wait handles the GUI's events, as `app.exec()` does."""

    def __init__(self, db: Database, user: StaffView, settings: Settings) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        self._app = QApplication.instance() or QApplication([])
        self.window = build_main_window(db, settings, user)
        self.window.show()
        # The workstation warms the lookup and the card after start: the steady state is timed.
        self.window.patients.warm_up()
        self._telephony = wire_calls(self.window, db, settings, user)
        self._telephony.controller.warm_up()  # the ring tone, as the workstation after start
        settle_after_start()  # as the workstation does before its first call
        self.post: Callable[[TelephonyEvent], None] = self._telephony.bridge.post
        self.ended = 0  # calls whose end the controller has handled
        # The process's resident memory as each call's end was handled (the window, the
        # engine and the database connections all live in this process, as at a desk).
        self.rss_after_call: list[int] = []
        self.anon_after_call: list[int] = []  # of which the process's own (not mapped files)
        self.modem_states: list[ModemStatus] = []
        self._shown: list[_Shown] = []
        self._rang_ns: dict[str, int] = {}  # call id → its first CallRinging's engine time
        # Set when a call has rung: a load that must overlap the calls starts on it.
        self.rang = threading.Event()
        self._check_done: Callable[[], None] | None = None  # run_until's, while it runs
        self._telephony.controller.popped.connect(self._popped)
        # Connected after the controller's own slot: an event counts once it is handled.
        self._telephony.bridge.arrived.connect(self._handled)

    @property
    def popped(self) -> int:
        return len(self._shown)

    def pops(self) -> list[Pop]:
        return [
            Pop(
                shown.number,
                shown.kind,
                self._rang_ns.get(shown.call_id, shown.shown_ns),
                shown.shown_ns,
                shown.shown_wall_ns,
            )
            for shown in self._shown
        ]

    def attach_phone(self, phone: Phone | None) -> None:
        """The line the controller commands (answer, recording consent); None for none."""
        self._telephony.controller.phone = phone

    def run_until(self, done: Callable[[], bool], timeout_s: float) -> bool:
        """Handle the GUI's events until *done*() or *timeout_s* has passed; returns done().

        In an event loop of its own, as `app.exec()` runs the workstation's: Qt deletes what
        was handed to deleteLater() only from inside a running loop, and processEvents()
        alone left every call's discarded widgets alive (1.5 MB a call, and slower pops).
        """
        deadline = time.monotonic() + timeout_s
        if done():
            return True
        loop = QEventLoop()
        # Checked after each event the controller handles, and by a timer between events.
        self._check_done = lambda: _stop_when(loop, done, deadline)
        wake = QTimer()
        wake.timeout.connect(self._check_done)
        wake.start(_WAKE_MS)
        try:
            loop.exec()
        finally:
            wake.stop()
            self._check_done = None
        return done()

    def close(self) -> None:
        """As the workstation quits: the lines' last events reach the call log, which closes."""
        self._telephony.stop()
        self.window.close()

    def _popped(self, pop: ScreenPop) -> None:
        shown_ns, shown_wall_ns = time.perf_counter_ns(), time.time_ns()
        call = pop.call
        self._shown.append(
            _Shown(call.call_id, call.remote_number, pop.kind, shown_ns, shown_wall_ns)
        )

    def _handled(self, event: TelephonyEvent) -> None:
        match event:
            case CallRinging(call=call):
                self._rang_ns.setdefault(call.call_id, event.monotonic_ns)
                self.rang.set()
            case CallEnded():
                _close_callers_dialogs()
                self.ended += 1
                self.rss_after_call.append(resident_bytes())
                self.anon_after_call.append(anonymous_bytes())
            case ModemStatus():
                self.modem_states.append(event)
        if self._check_done is not None:
            self._check_done()


def _close_callers_dialogs() -> None:
    """As the agent does once a call is over: the chooser of a shared number or the
    new-caller dialog it opened is answered or closed. Nobody closed them in the benchmark,
    and the ~8 % of calls from a shared number left ~80 choosers open over 1,000 calls:
    that, not the pop, was the window's growth over the shift."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PatientChooser | NewCallerDialog) and widget.isVisible():
            widget.reject()


def _stop_when(loop: QEventLoop, done: Callable[[], bool], deadline: float) -> None:
    if done() or time.monotonic() >= deadline:
        loop.quit()


def resident_bytes() -> int:
    """This process's resident set size now (Linux's /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource  # not on Windows, where the benchmarks do not run

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def anonymous_bytes() -> int:
    """The part of it that is the process's own (heap, stacks), without the file pages it
    maps: the phone lookup maps the database, and a random caller's index pages count in
    the resident set while the OS may take them back at will. 0 where /proc does not say."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
