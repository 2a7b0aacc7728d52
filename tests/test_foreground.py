"""The foreground gate: background work waits while a call pops, never longer than a mark's
bound; the call controller marks and clears it around a pop."""

from __future__ import annotations

import threading

from agent_desk.foreground import ForegroundGate

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
