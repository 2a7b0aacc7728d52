"""Test helpers for the modem: a socat PTY pair, a modem played on it, and an event recorder.

The pair and the player live in agent_desk.bench.modem_pop, because the benchmark plays
the same modem; this module adds what only tests need.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from agent_desk.bench.modem_pop import ModemPlayer, SocatPair
from agent_desk.telephony.events import TelephonyEvent

__all__ = ["EventLog", "ModemPlayer", "SocatPair", "requires_socat"]

requires_socat = pytest.mark.skipif(
    shutil.which("socat") is None, reason="socat is not installed (apt-get install socat)"
)

E = TypeVar("E", bound=TelephonyEvent)


class EventLog:
    """An EventSink that keeps every event and lets a test wait for one, from any thread."""

    def __init__(self) -> None:
        self._events: list[TelephonyEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: TelephonyEvent) -> None:
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    def of(self, kind: type[E]) -> list[E]:
        with self._changed:
            return [event for event in self._events if isinstance(event, kind)]

    def wait_for(
        self, kind: type[E], where: Callable[[E], bool] = lambda _: True, timeout_s: float = 5.0
    ) -> E:
        """The first event of *kind* that matches *where*, waiting for it if need be."""

        def first() -> E | None:
            return next((event for event in self.of(kind) if where(event)), None)

        with self._changed:
            found = self._changed.wait_for(first, timeout=timeout_s)
        if found is None:
            raise AssertionError(f"no matching {kind.__name__} in {timeout_s} s: {self._events}")
        return found
