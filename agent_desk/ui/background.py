"""Work that may wait (the network, the disk, a large query), off the GUI thread.

Background.run() hands the work to an executor and delivers its result, or the exception
it raised, to a callback on the GUI thread, so that no click waits on the network. The
callbacks belong to an owner (a window, a widget): once the owner is gone, nothing is
delivered, since a late answer about a closed window has nobody to tell.

The executor is injectable: a test passes one that runs the work at once on the calling
thread, so the result arrives before run() returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import shiboken6

from PySide6.QtCore import QObject, Signal, Slot

from agent_desk.errors import UserError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Enough for a claim and a report at the same time; the work waits, it does not compute.
WORKERS = 2


class _Delivery(QObject):
    """One job's way back: created on the GUI thread, signalled from the worker, so Qt
    queues the delivery to the GUI thread."""

    finished = Signal()

    def __init__(
        self,
        owner: QObject,
        on_result: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        forget: Callable[[_Delivery], None],
    ) -> None:
        super().__init__()  # no parent: kept alive by Background until delivered
        self._owner = owner
        self._on_result = on_result
        self._on_error = on_error
        self._forget = forget
        self.future: Future[Any] | None = None
        self.finished.connect(self._deliver)

    @Slot()
    def _deliver(self) -> None:
        self._forget(self)
        future = self.future
        assert future is not None and future.done()
        if future.cancelled():
            return  # dropped at closing time, never started
        if not shiboken6.isValid(self._owner):
            log.debug("background result dropped: its owner is gone")
            return
        error = future.exception()
        if error is None:
            self._on_result(future.result())
        elif isinstance(error, Exception):
            self._on_error(error)
        else:
            raise error  # KeyboardInterrupt, SystemExit: not the callbacks' to handle


class Background:
    """The workstation's one way to run work off the GUI thread."""

    def __init__(self, executor: Executor | None = None) -> None:
        self._executor = executor or ThreadPoolExecutor(WORKERS, thread_name_prefix="background")
        self._in_flight: set[_Delivery] = set()
        self._held: list[tuple[_Delivery, Callable[[], Any]]] | None = None
        self._holds = 0  # hold() calls not yet released

    def hold(self) -> None:
        """Keep the work asked for from now on, unstarted, until release(): while the
        workstation starts, the GUI thread's own steps come first (issue 18, `startup_s`),
        and no worker loads a module while the GUI thread loads Qt's plugins. Holds nest:
        the work starts at the release of the last one."""
        self._holds += 1
        if self._held is None:
            self._held = []

    def release(self) -> None:
        """Start the work kept since hold(), in the order it was asked for."""
        self._holds = max(0, self._holds - 1)
        if self._holds:
            return
        held, self._held = self._held or [], None
        for delivery, work in held:
            self._submit(delivery, work)

    @contextmanager
    def held(self) -> Iterator[None]:
        """The work asked for inside the block starts when it ends: a call's pop asks for
        the card's extras (the knowledge base's articles, the upcoming revisits), and a
        worker started while the card is still being filled takes the interpreter from it
        (BENCHMARKS.md, issue 18's fifth round)."""
        self.hold()
        try:
            yield
        finally:
            self.release()

    def run(
        self,
        owner: QObject,
        work: Callable[[], T],
        on_result: Callable[[T], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Run *work* on the executor; *on_result* or *on_error* then runs on the GUI thread,
        unless *owner* was destroyed meanwhile. Call on the GUI thread."""
        delivery = _Delivery(owner, on_result, on_error, self._in_flight.discard)
        self._in_flight.add(delivery)
        if self._held is not None:
            self._held.append((delivery, work))
            return
        self._submit(delivery, work)

    def _submit(self, delivery: _Delivery, work: Callable[[], Any]) -> None:
        delivery.future = self._executor.submit(work)
        delivery.future.add_done_callback(lambda _future: delivery.finished.emit())

    def shutdown(self) -> None:
        """At closing time: work not started is dropped; work under way is not waited for."""
        for delivery, _work in self._held or []:
            self._in_flight.discard(delivery)
        self._held = None
        self._holds = 0
        self._executor.shutdown(wait=False, cancel_futures=True)


class LatestOnly:
    """Background reads of which only the answer to the latest question counts.

    A screen asks again (ask()) whenever its filter changes; an answer to an earlier
    question that arrives later is dropped, as is its refusal (a UserError). Any other
    exception is a bug and is delivered whatever its age."""

    def __init__(self, background: Background, owner: QObject) -> None:
        self._background = background
        self._owner = owner
        self.question = 0

    def ask(self) -> None:
        """A new question: answers to the earlier ones are stale from now on."""
        self.question += 1

    def run(
        self,
        work: Callable[[], T],
        on_result: Callable[[T], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Background.run for the current question."""
        asked = self.question

        def result(value: T) -> None:
            if asked == self.question:
                on_result(value)

        def error(problem: Exception) -> None:
            if asked == self.question or not isinstance(problem, UserError):
                on_error(problem)

        self._background.run(self._owner, work, result, error)
