"""The background sync: NOTIFY-driven, status for the window, offline with backoff."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_desk.domain.enums import SyncConnection
from agent_desk.sync.capture import capture_of
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.runner import Backoff, SyncRunner
from agent_desk.sync.state import SyncStatus
from tests.test_sync_support import (
    add_patient,
    patient_name,
    rename_patient,
    settle,
    workstation,
)


def _until(condition: Callable[[], bool], timeout_s: float = 10.0) -> float:
    """Seconds until *condition* held (fails the test after *timeout_s*)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            pytest.fail(f"not within {timeout_s} s")
        time.sleep(0.005)
    return time.monotonic() - started


def test_backoff_grows_to_its_cap_with_jitter_and_resets() -> None:
    backoff = Backoff(first_s=1, factor=2, cap_s=8, jitter=0.5, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(6)]
    for delay, base in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert base / 2 <= delay <= base
    assert len(set(delays)) == 6  # jittered: a hundred workstations do not knock at once
    backoff.reset()
    assert backoff.next_delay() <= 1


@pytest.mark.postgres
def test_a_change_shows_on_the_other_workstation_within_a_second(
    tmp_path: Path, central: CentralConfig
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    patient_id = add_patient(a, "D1", "王秀英")
    settle(a, central)
    settle(b, central)
    runners = [SyncRunner(db, central, capture=capture_of(db), interval_s=60) for db in (a, b)]
    for runner in runners:
        runner.start()
    try:
        _until(lambda: all(r.status.online for r in runners))
        latencies = []
        for n in range(5):
            rename_patient(a, patient_id, f"王秀英{n}")
            latencies.append(
                _until(lambda n=n: patient_name(b, patient_id) == (f"王秀英{n}", n + 2))
            )
        # The interval is a minute: only the commit hook and NOTIFY can explain this.
        assert sorted(latencies)[2] < 1.0, latencies
    finally:
        for runner in runners:
            runner.stop()


@pytest.mark.postgres
def test_offline_work_goes_on_and_the_status_says_so(tmp_path: Path) -> None:
    ws = workstation(tmp_path, "a")
    seen: list[SyncStatus] = []
    config = CentralConfig(url="postgresql://postgres@127.0.0.1:9/agent_desk", connect_timeout_s=1)
    runner = SyncRunner(
        ws,
        config,
        capture=capture_of(ws),
        listen=False,
        on_status=seen.append,
        backoff=Backoff(first_s=0.05, cap_s=0.2),
    )
    runner.start()
    try:
        _until(lambda: runner.status.connection is SyncConnection.OFFLINE)
        for n in range(3):
            add_patient(ws, f"D{n}")
        _until(lambda: runner.status.pending == 3)
        status = runner.status
        assert status.last_error is not None and "cannot be reached" in status.last_error
        assert status.next_attempt_at is not None and status.last_sync_at is None
    finally:
        runner.stop()
    assert seen and all(s.connection is SyncConnection.OFFLINE for s in seen)
