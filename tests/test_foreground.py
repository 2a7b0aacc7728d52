"""The foreground gate: background work waits while a call pops, never longer than a mark's
bound; the call controller marks and clears it around a pop."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from agent_desk import foreground
from agent_desk.db.engine import Database
from agent_desk.domain.enums import CallDirection
from agent_desk.foreground import BACKGROUND_NICE, ForegroundGate, lower_this_thread, one_by_one
from agent_desk.telephony.events import CallRinging, CallSnapshot, CallSource
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.telephony_bridge import TelephonyBridge
from tests.builders import Hospital
from tests.test_ui import controller_for, window  # noqa: F401 (the shared window fixture)

WAIT_S = 30  # generous: only a broken gate takes it


def _background(gate: ForegroundGate) -> threading.Event:
    """A background chunk on its own thread: it waits for its turn, then is done."""
    done = threading.Event()

    def chunk() -> None:
        gate.wait_turn()
        done.set()

    threading.Thread(target=chunk, daemon=True).start()
    return done


def _until(condition: object, what: str) -> None:
    waited = threading.Event()
    for _ in range(WAIT_S * 100):
        if condition():  # type: ignore[operator]
            return
        waited.wait(0.01)
    raise AssertionError(f"never: {what}")


def test_a_clear_gate_lets_background_work_through() -> None:
    assert _background(ForegroundGate()).wait(WAIT_S)


def test_a_busy_foreground_holds_background_work_until_released() -> None:
    gate = ForegroundGate(hold_s=3600)
    gate.hold("call-1")
    done = _background(gate)
    _until(lambda: gate.waiting == 1, "the background chunk waits at the gate")
    assert not done.is_set()
    gate.release("call-1")
    assert done.wait(WAIT_S)


def test_two_ringing_calls_hold_the_gate_until_both_are_done() -> None:
    gate = ForegroundGate(hold_s=3600)
    gate.hold("call-1")
    gate.hold("call-2")
    gate.release("call-1")
    done = _background(gate)
    _until(lambda: gate.waiting == 1, "the background chunk waits at the gate")
    assert not done.is_set()
    gate.release("call-2")
    assert done.wait(WAIT_S)


def test_a_mark_never_cleared_expires_by_itself() -> None:
    gate = ForegroundGate(hold_s=0.05)
    gate.hold("call-lost")
    assert _background(gate).wait(WAIT_S)
    assert not gate.busy


def _ringing(number: str, ring_count: int = 1) -> CallRinging:
    call = CallSnapshot("c1", CallSource.SIP, CallDirection.INBOUND, number)
    return CallRinging(call=call, ring_count=ring_count)


@pytest.mark.usefixtures("qapp")
def test_a_ringing_call_holds_the_gate_from_the_line_until_the_card_is_shown(
    qtbot,
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
) -> None:
    gate = ForegroundGate(hold_s=3600)
    bridge = TelephonyBridge(window, gate)
    controller = controller_for(window, db, gate)
    busy_at_pop: list[bool] = []
    controller.popped.connect(lambda _pop: busy_at_pop.append(gate.busy))
    bridge.arrived.connect(controller.handle)
    engine = threading.Thread(target=bridge.post, args=(_ringing("13800138000"),))
    engine.start()  # the engine's own thread posts it, as a line does
    engine.join()
    assert gate.busy  # before the GUI thread has even seen the call
    qtbot.waitUntil(lambda: window.card.card is not None, timeout=WAIT_S * 1000)
    assert window.card.card.id == hospital.patients["wang"]
    assert busy_at_pop == [True]  # held through the pop itself
    assert not gate.busy


@pytest.mark.usefixtures("qapp")
def test_a_later_ring_that_pops_nothing_releases_the_gate(
    window: MainWindow,  # noqa: F811
    db: Database,
) -> None:
    gate = ForegroundGate(hold_s=3600)
    controller = controller_for(window, db, gate)
    controller.handle(_ringing("13800138000"))
    popped: list[object] = []
    controller.popped.connect(popped.append)
    gate.hold("c1")  # the bridge marks every ring, the second too
    controller.handle(_ringing("13800138000", ring_count=2))
    assert popped == [] and not gate.busy


@pytest.mark.usefixtures("qapp")
def test_the_windows_work_asked_for_during_a_pop_starts_once_the_card_is_shown(
    qtbot,
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
) -> None:
    """The card's extras (articles, revisits) are asked for while the card is filled; their
    workers would take the interpreter from the pop's own remaining work."""
    controller = controller_for(window, db, ForegroundGate(hold_s=3600))
    ran = threading.Event()
    ran_before_shown: list[bool] = []
    window.card.card_shown.connect(
        lambda _card: window.background.run(window, ran.set, lambda _r: None, pytest.fail)
    )
    # Long enough for a worker to have run it, had it been started at once.
    controller.popped.connect(lambda _pop: ran_before_shown.append(ran.wait(0.5)))
    controller.handle(_ringing("13800138000"))
    assert window.card.card is not None and window.card.card.id == hospital.patients["wang"]
    assert ran_before_shown == [False]
    assert ran.wait(WAIT_S)  # and then it does start


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_a_background_thread_and_its_helpers_are_nicer_than_the_window() -> None:
    window_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    found: dict[str, int] = {}

    def helper() -> None:
        found["helper"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def sync() -> None:
        lower_this_thread()
        found["sync"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        started = threading.Thread(target=helper)  # as the pull's read-ahead is started
        started.start()
        started.join(WAIT_S)

    thread = threading.Thread(target=sync)
    thread.start()
    thread.join(WAIT_S)
    nicer = max(window_nice, BACKGROUND_NICE)
    assert found == {"sync": nicer, "helper": nicer}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == window_nice


def test_a_stream_read_in_the_background_stops_at_the_gate_every_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ids of a full resync come as one stream (a COPY, a cursor): it waits too."""
    gate = ForegroundGate(hold_s=3600)
    monkeypatch.setattr(foreground, "FOREGROUND", gate)
    monkeypatch.setattr(foreground, "TURN_ROWS", 2)
    read: list[int] = []
    gate.hold("call")
    reader = threading.Thread(target=lambda: read.extend(one_by_one(range(5))), daemon=True)
    reader.start()
    _until(lambda: gate.waiting == 1, "the reader waiting at the gate")
    assert read == [0, 1] and reader.is_alive()  # one turn's rows, then it waits
    gate.release("call")
    reader.join(WAIT_S)
    assert read == [0, 1, 2, 3, 4]
