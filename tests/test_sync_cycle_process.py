"""The workstation's sync cycles in a process of their own, against the real PostgreSQL:
the same upload and download as on a thread, at the sync's low priority, errors and log
lines back in the window's process, a dead child replaced, a stop that ends a cycle."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.enums import SyncConnection, SyncProblem
from agent_desk.foreground import BACKGROUND_NICE
from agent_desk.sync.capture import capture_of
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle_process import CycleProcess, SyncProcessStopped
from agent_desk.sync.errors import CentralUnavailable
from agent_desk.sync.runner import SyncRunner
from tests.test_sync_support import (
    add_patient,
    central_engine,
    patient_name,
    settle,
    table_rows,
    until,
)
from tests.test_sync_support import workstation as _workstation

pytestmark = pytest.mark.postgres


def workstation(folder: Path, name: str) -> Database:
    db = _workstation(folder, name)
    assert db.local is not None
    return db


def test_a_cycle_in_its_own_process_uploads_and_downloads(
    tmp_path: Path, central: CentralConfig
) -> None:
    other = workstation(tmp_path, "other")
    theirs = add_patient(other, "D1", "李建国")
    settle(other, central)
    ward = workstation(tmp_path, "ward")
    ours = add_patient(ward, "D2", "王秀英")
    assert ward.local is not None
    cycles = CycleProcess(ward.local, central)
    try:
        report = cycles.run()
        child = cycles.pid
        assert child is not None and child != os.getpid()
        if sys.platform == "linux":  # the window keeps the cores first
            assert os.getpriority(os.PRIO_PROCESS, child) >= BACKGROUND_NICE
        assert report.push.sent == 1
        assert patient_name(ward, theirs) == ("李建国", 1)
        engine = central_engine(central)
        try:
            assert ours in table_rows(engine, "patients")
        finally:
            engine.dispose()
        again = cycles.run()  # the same process, its connection kept
        assert cycles.pid == child
        assert again.push.sent == 0 and again.counts.pending == 0
    finally:
        cycles.close()
    assert cycles.pid is None


def test_the_childs_errors_arrive_as_what_they_are(tmp_path: Path) -> None:
    ward = workstation(tmp_path, "ward")
    assert ward.local is not None
    nowhere = CentralConfig(url="postgresql://postgres@127.0.0.1:9/agent_desk", connect_timeout_s=1)
    cycles = CycleProcess(ward.local, nowhere)
    try:
        with pytest.raises(CentralUnavailable, match="cannot be reached") as raised:
            cycles.run()
        assert raised.value.problem is SyncProblem.UNREACHABLE
        assert cycles.pid is not None  # a failed cycle does not end the process
    finally:
        cycles.close()


def test_the_childs_log_lines_reach_the_windows_log(
    tmp_path: Path, central: CentralConfig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    ward = workstation(tmp_path, "ward")
    assert ward.local is not None
    cycles = CycleProcess(ward.local, central)
    try:
        cycles.run()
    finally:
        cycles.close()
    ready = [r for r in caplog.records if r.getMessage() == "sync process ready for ward.sqlite3"]
    assert ready and ready[0].processName == "agent-desk-sync"


def test_a_killed_sync_process_is_replaced_and_its_cycle_is_a_failure(
    tmp_path: Path, central: CentralConfig
) -> None:
    ward = workstation(tmp_path, "ward")
    assert ward.local is not None
    cycles = CycleProcess(ward.local, central)
    try:
        cycles.run()
        first = cycles.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)  # between two cycles: replaced, nobody notices
        until(lambda: cycles.pid is None)
        add_patient(ward, "D3")
        assert cycles.run().push.sent == 1
        second = cycles.pid
        assert second not in (None, first)
        # During a cycle: the server holds the patients' table, so the upload waits.
        add_patient(ward, "D4")
        with psycopg.connect(central.url, autocommit=False) as blocker:
            blocker.execute("LOCK TABLE patients IN ACCESS EXCLUSIVE MODE")
            failure: list[BaseException] = []
            worker = threading.Thread(target=lambda: _run_into(cycles, failure))
            worker.start()
            time.sleep(1.0)
            assert worker.is_alive()
            assert second is not None
            os.kill(second, signal.SIGKILL)
            worker.join(10)
            blocker.rollback()
        assert len(failure) == 1 and isinstance(failure[0], SyncProcessStopped)
        assert failure[0].problem is SyncProblem.OTHER
        assert cycles.run().push.sent == 1  # nothing was half-sent: D4 goes up now
    finally:
        cycles.close()


def _run_into(cycles: CycleProcess, failure: list[BaseException]) -> None:
    try:
        cycles.run()
    except BaseException as exc:
        failure.append(exc)


def test_stopping_the_sync_ends_a_cycle_in_progress(tmp_path: Path, central: CentralConfig) -> None:
    ward = workstation(tmp_path, "ward")
    assert ward.local is not None
    settle(ward, central)
    runner = SyncRunner(
        ward,
        central,
        capture=capture_of(ward),
        listen=False,
        cycles=CycleProcess(ward.local, central),
        interval_s=0.2,
    )
    runner.start()
    try:
        until(lambda: runner.status.connection is SyncConnection.ONLINE)
        child = runner.cycles
        assert isinstance(child, CycleProcess) and child.pid is not None
        pid = child.pid
        add_patient(ward, "D5")
        until(lambda: runner.status.pending == 0 and runner.status.online)
        with psycopg.connect(central.url, autocommit=False) as blocker:
            blocker.execute("LOCK TABLE patients IN ACCESS EXCLUSIVE MODE")
            add_patient(ward, "D6")  # its cycle now waits on the server
            time.sleep(1.0)
            sync_thread = next(t for t in threading.enumerate() if t.name == "sync")
            runner.stop()
            # The server still holds the table: only ending the child ended the cycle.
            assert not sync_thread.is_alive()
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
            blocker.rollback()
    finally:
        runner.stop()
