"""Background work: the result or the error comes back on the GUI thread, to a live owner."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import shiboken6

from PySide6.QtCore import QObject

from agent_desk.errors import UserError
from agent_desk.ui.background import Background, LatestOnly
from tests.executors import Held, Immediate

pytestmark = pytest.mark.usefixtures("qapp")


def test_the_result_arrives() -> None:
    owner, got = QObject(), []
    Background(Immediate()).run(owner, lambda: 6 * 7, got.append, pytest.fail)
    assert got == [42]


def test_the_error_arrives() -> None:
    owner, errors = QObject(), []

    def fail() -> int:
        raise ConnectionError("the server is gone")

    Background(Immediate()).run(owner, fail, pytest.fail, errors.append)
    assert [str(e) for e in errors] == ["the server is gone"]


def test_it_arrives_on_the_gui_thread(qtbot) -> None:
    owner, threads = QObject(), []
    pool = ThreadPoolExecutor(1)
    Background(pool).run(
        owner,
        threading.current_thread,
        lambda worker: threads.extend([worker, threading.current_thread()]),
        pytest.fail,
    )
    qtbot.waitUntil(lambda: len(threads) == 2)
    worker, receiver = threads
    assert worker is not threading.main_thread() and receiver is threading.main_thread()
    pool.shutdown()


def test_nothing_arrives_once_the_owner_is_gone(qtbot) -> None:
    owner, later, got, gate = QObject(), QObject(), [], threading.Event()
    pool = ThreadPoolExecutor(1)
    background = Background(pool)
    background.run(owner, lambda: gate.wait(10) and "late", got.append, got.append)
    shiboken6.delete(owner)  # the window closed while the server was being asked
    gate.set()
    # Delivered in order on one worker: once this one is here, the first was dropped.
    background.run(later, lambda: "next", got.append, got.append)
    qtbot.waitUntil(lambda: got != [])
    assert got == ["next"]
    pool.shutdown()


def _latest() -> tuple[LatestOnly, Held, QObject]:
    held, owner = Held(), QObject()
    return LatestOnly(Background(held), owner), held, owner


def test_work_asked_for_while_held_starts_at_release_in_order() -> None:
    # At start-up the window's first reads wait until it is up and its lines listen.
    owner, ran, got = QObject(), [], []
    background = Background(Immediate())
    background.hold()
    background.run(owner, lambda: ran.append("to-do") or "to-do", got.append, pytest.fail)
    background.run(owner, lambda: ran.append("tickets") or "tickets", got.append, pytest.fail)
    assert ran == []
    background.release()
    assert ran == got == ["to-do", "tickets"]
    background.run(owner, lambda: "later", got.append, pytest.fail)  # no longer held
    assert got[-1] == "later"


def test_work_still_held_at_closing_time_never_starts() -> None:
    owner, ran = QObject(), []
    background = Background(Immediate())
    background.hold()
    background.run(owner, lambda: ran.append("to-do"), pytest.fail, pytest.fail)
    background.shutdown()
    background.release()
    assert ran == []


def test_only_the_latest_questions_answer_arrives() -> None:
    reads, held, _owner = _latest()
    got: list[str] = []
    reads.ask()
    reads.run(lambda: "old", got.append, pytest.fail)
    reads.ask()
    reads.run(lambda: "new", got.append, pytest.fail)
    held.release(newest_first=True)  # the old answer comes last, and is dropped
    assert got == ["new"]


def test_a_stale_refusal_is_dropped_but_a_stale_bug_is_not() -> None:
    reads, held, _owner = _latest()
    errors: list[Exception] = []

    def refused() -> None:
        raise UserError("no longer asked")

    def bug() -> None:
        raise KeyError("a bug")

    reads.run(refused, pytest.fail, errors.append)
    reads.run(bug, pytest.fail, errors.append)
    reads.ask()
    held.release()
    assert [type(e) for e in errors] == [KeyError]


def test_work_asked_for_inside_nested_holds_starts_at_the_last_release() -> None:
    """The window's start holds its work, and so does each call's pop: neither's release
    starts the other's held work early."""
    owner, got = QObject(), []
    background = Background(Immediate())
    background.hold()  # the start
    with background.held():  # a pop
        background.run(owner, lambda: "articles", got.append, pytest.fail)
    assert got == []
    background.release()
    assert got == ["articles"]
    background.run(owner, lambda: "revisits", got.append, pytest.fail)
    assert got == ["articles", "revisits"]  # nothing held any more: at once
