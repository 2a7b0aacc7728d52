"""Executors a test injects where the code under test hands work to a background thread:
Immediate runs it at once, Held when the test says, both on the calling thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")


class Immediate(Executor):
    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        _settle(future, partial(fn, *args, **kwargs))
        return future


class Held(Executor):
    """Keeps the work until release(): a server that answers exactly when the test says."""

    def __init__(self) -> None:
        self._waiting: list[tuple[Future[Any], Callable[[], Any]]] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        self._waiting.append((future, partial(fn, *args, **kwargs)))
        return future

    def release(self, newest_first: bool = False) -> None:
        """Run what waits; *newest_first* as a server answering a later query sooner."""
        waiting, self._waiting = self._waiting, []
        for future, work in reversed(waiting) if newest_first else waiting:
            _settle(future, work)


def _settle(future: Future[Any], work: Callable[[], Any]) -> None:
    try:
        future.set_result(work())
    except Exception as exc:
        future.set_exception(exc)
