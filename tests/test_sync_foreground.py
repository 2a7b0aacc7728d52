"""The sync gives way to a call's pop (agent_desk.foreground) and, in chunks of a couple of
rows, still uploads and downloads exactly what it did in whole batches."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from agent_desk import foreground
from agent_desk.db.engine import Database
from agent_desk.db.models import Patient
from agent_desk.domain.enums import OutboxStatus
from agent_desk.foreground import ForegroundGate
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle import SyncReport
from tests.builders import build_small_hospital
from tests.test_sync_support import (
    TODAY,
    assert_converged,
    outbox,
    rename_patient,
    settle,
    workstation,
)

pytestmark = pytest.mark.postgres

WAIT_S = 60  # generous: only a sync that never resumes takes it


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> ForegroundGate:
    """The process's gate, with marks that never expire, and chunks of two rows."""
    gate = ForegroundGate(hold_s=3600)
    monkeypatch.setattr(foreground, "FOREGROUND", gate)
    monkeypatch.setattr(foreground, "TURN_ROWS", 2)
    return gate


def _sync_during_a_pop(
    gate: ForegroundGate, db: Database, central: CentralConfig, ready: Callable[[], bool]
) -> SyncReport:
    """A sync started while a call pops: it stops at the gate (*ready* tells what it has
    done by then) and finishes once the card is shown."""
    reports: list[SyncReport] = []
    gate.hold("call")
    sync = threading.Thread(target=lambda: reports.append(settle(db, central)), daemon=True)
    sync.start()
    try:
        waited = threading.Event()
        for _ in range(WAIT_S * 100):
            if gate.waiting:
                break
            waited.wait(0.01)
        assert gate.waiting, "the sync never reached the gate"
        assert sync.is_alive() and ready()
    finally:
        gate.release("call")
    sync.join(WAIT_S)
    assert not sync.is_alive()
    [report] = reports
    return report


def _patients(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Patient)) or 0)


def _unsent(db: Database) -> int:
    return sum(status is OutboxStatus.PENDING for _, status in outbox(db))


def test_a_first_download_waits_for_the_pop_and_arrives_whole(
    tmp_path: Path, central: CentralConfig, server: Engine, gate: ForegroundGate
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    build_small_hospital(a, TODAY)
    settle(a, central)
    report = _sync_during_a_pop(gate, b, central, lambda: _patients(b) < _patients(a))
    assert report.pull.resynced
    assert_converged(server, a, b)


def test_an_upload_waits_for_the_pop_and_goes_up_whole(
    tmp_path: Path, central: CentralConfig, server: Engine, gate: ForegroundGate
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    settle(b, central)
    for number, patient_id in enumerate(hospital.patients.values()):
        rename_patient(a, patient_id, f"王秀{number}")
    report = _sync_during_a_pop(gate, a, central, lambda: _unsent(a) == len(hospital.patients))
    assert report.push.sent == len(hospital.patients) > 2
    settle(b, central)  # the feed, applied in chunks of two rows
    assert_converged(server, a, b)
