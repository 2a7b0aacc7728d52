"""Background work gives way while a call pops (issue 18: "background work at low priority").

The sync thread shares the interpreter with the window. While it decodes and writes rows,
every time the GUI thread lets go of the interpreter lock (each SQLite step, many Qt calls)
it waits up to a switch interval to get it back, dozens of times in one pop; and the two
cores are shared with SQLite's own work and the PostgreSQL server. Measured at a million
patients: a pop took 10 ms quiet, and 90 ms (p95) during a full download.

So the line marks the foreground busy the moment it signals a ringing call (on the
engine's thread, before the GUI thread has even seen it) and the call controller clears
the mark once the card is on screen. Background loops call `yield_to_foreground()` between
small chunks of work (`TURN_ROWS` rows): while the foreground is busy, they sleep on an
event (without the interpreter lock) until it is clear. A mark expires by itself after
`HOLD_S`, so a mark never cleared (a bug, an exception in the pop) costs the sync a quarter
of a second, never a stall.

One gate per process, as the lock it arbitrates is one per process: the engines, the
controller and the sync loops all meet here without being wired to each other. The
window's sync cycles have since moved to a process of their own
(agent_desk.sync.cycle_process), where no call marks the gate: they no longer hold this
lock, and their low priority alone gives a pop the cores first (that measured better than
the gate on a thread). The gate still orders the window's own background work and a sync
run on a thread (the command line's).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# A pop takes about 10 ms on a quiet machine; a pop that has not cleared its mark in 25
# times that has gone wrong, and the sync goes on.
HOLD_S = 0.25
# Rows a background loop handles between two looks at the gate: a few milliseconds of work
# (500 rows of a first download's inserts took about 5 ms on the shared 2-core test
# machine), the most a pop that starts in the middle of a chunk waits for the sync to step
# aside. Splitting SQLite's executemany that finely cost no measurable time, and 200 rows
# gave no better pops than 500 at a million patients.
TURN_ROWS = 500
# How much nicer than the window the sync's threads are to the OS scheduler (Linux's nice
# scale: 0 to 19; each step is about a quarter less CPU against a busy neighbour).
BACKGROUND_NICE = 10


class ForegroundGate:
    """Marks from the foreground (any thread), waits in the background (other threads)."""

    def __init__(self, hold_s: float = HOLD_S) -> None:
        self._hold_s = hold_s
        self._lock = threading.Lock()
        self._until: dict[Hashable, float] = {}  # mark → when it expires (monotonic)
        self._clear = threading.Event()
        self._clear.set()
        self.waiting = 0  # background threads waiting now (for tests and diagnostics)

    @property
    def busy(self) -> bool:
        return not self._clear.is_set()

    def hold(self, key: Hashable) -> None:
        """The foreground is busy with *key* (a call) until release(key), or HOLD_S."""
        with self._lock:
            self._until[key] = time.monotonic() + self._hold_s
            self._clear.clear()

    def release(self, key: Hashable) -> None:
        """*key* is done; releasing a key never held (a call that did not ring) is no-op."""
        with self._lock:
            self._until.pop(key, None)
            if not self._until:
                self._clear.set()

    def wait_turn(self) -> None:
        """Return at once when the foreground is clear; otherwise block until it is, or
        until its marks have expired. Never call it on the GUI thread: it would wait for
        itself."""
        if self._clear.is_set():  # the common case: one attribute read
            return
        with self._lock:
            self.waiting += 1
        try:
            while not self._clear.wait(self._expire()):
                pass
        finally:
            with self._lock:
                self.waiting -= 1

    def _expire(self) -> float:
        """Forget the marks past their time; the seconds until the last one left expires
        (0 when none is left: the gate is then clear)."""
        with self._lock:
            now = time.monotonic()
            self._until = {key: until for key, until in self._until.items() if until > now}
            if not self._until:
                self._clear.set()
                return 0.0
            return max(self._until.values()) - now


FOREGROUND = ForegroundGate()


def yield_to_foreground() -> None:
    """Between two chunks of background work: wait while a call pops."""
    FOREGROUND.wait_turn()


def turn_rows() -> int:
    """TURN_ROWS as it is now (the tests make it tiny)."""
    return TURN_ROWS


def one_by_one(items: Iterable[T]) -> Iterator[T]:
    """*items* (a stream: rows of a COPY, of a cursor), waiting for the foreground's turn
    after every TURN_ROWS of them."""
    size = turn_rows()
    for n, item in enumerate(items, 1):
        yield item
        if not n % size:
            yield_to_foreground()


def in_turns(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """*items* in chunks of TURN_ROWS, each after waiting for the foreground's turn."""
    size = turn_rows()
    for start in range(0, len(items), size):
        yield_to_foreground()
        yield items[start : start + size]


def lower_this_thread() -> None:
    """Make the calling thread, and the threads it starts later, nicer to the scheduler:
    the window, SQLite's work and the PostgreSQL server share two cores, and a pop's
    thread then gets a core first. Linux only (a thread's own nice value); elsewhere the
    gate alone does it."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    nice = os.getpriority(os.PRIO_PROCESS, thread)
    os.setpriority(os.PRIO_PROCESS, thread, min(19, max(nice, BACKGROUND_NICE)))
