"""Workstations pushing while visible_p95_ms is measured (`agent-desk bench sync`).

Issue 18 asks for a change to be visible on another workstation within 50 ms while 8
workstations push. Each pusher is a process of its own with its own workstation file, as
a workstation is: it saves follow-up records (a nurse finishing calls) and uploads them,
a batch of BATCH every INTERVAL_S, until told to stop. Together, 8 of them upload
8 × 5 / 0.25 = 160 records a second, a hundred times what a hospital's call centre types
(a record every few seconds), and every one of them also reaches the measured
workstation through the change feed, so the measured pull applies them too. (At ten
times that, 1,600 a second, the measured workstation fell behind on the shared 2-core
test machine: a change was not visible within 30 s.)
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path

from agent_desk.bench.bench_files import bench_file
from agent_desk.db.models import FollowupRecord, Patient
from agent_desk.db.open import open_file
from agent_desk.domain.enums import Sex
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle import CentralLink, client_id, sync_once
from agent_desk.sync.push import push

PUSHERS = 8
BATCH = 5
INTERVAL_S = 0.25
_READY_TIMEOUT_S = 300


@contextmanager
def pushing(config: CentralConfig, folder: Path, count: int = PUSHERS) -> Iterator[PushLoad]:
    """*count* pusher processes running against *config* for the length of the block."""
    template = _template(folder)
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    pushed: Synchronized[int] = context.Value("q", 0)
    ready = context.Semaphore(0)
    processes = [
        context.Process(
            target=_push_loop,
            args=(config, template, folder / f"pusher{n}.sqlite3", n, stop, ready, pushed),
            daemon=True,
        )
        for n in range(count)
    ]
    for process in processes:
        process.start()
    load = PushLoad(pushed)
    try:
        deadline = time.monotonic() + _READY_TIMEOUT_S
        waiting = len(processes)
        while waiting:
            if ready.acquire(timeout=1):
                waiting -= 1
            elif any(not process.is_alive() for process in processes):
                raise RuntimeError("a pusher process failed (see its traceback above)")
            elif time.monotonic() > deadline:
                raise TimeoutError(f"a pusher was not ready within {_READY_TIMEOUT_S} s")
        load.start()
        yield load
        load.finish()
    finally:
        stop.set()
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
        for leftover in folder.glob("pusher*.sqlite3*"):
            leftover.unlink()
    if any(process.exitcode for process in processes):
        raise RuntimeError("a pusher process failed (see its traceback above)")


class PushLoad:
    """How many records the pushers uploaded while the block ran, and how fast."""

    def __init__(self, pushed: Synchronized[int]) -> None:
        self._pushed = pushed
        self._started = self._finished = 0.0
        self._first = self.records = 0

    def start(self) -> None:
        self._first, self._started = self._pushed.value, time.perf_counter()

    def finish(self) -> None:
        self.records = self._pushed.value - self._first
        self._finished = time.perf_counter()

    @property
    def per_s(self) -> float:
        elapsed = self._finished - self._started
        return self.records / elapsed if elapsed > 0 else 0.0


def _template(folder: Path) -> Path:
    """An empty workstation file, made once and copied for every pusher: eight processes
    each running the migrations at once take minutes on a busy 2-core machine."""
    path = folder / "pusher_template.sqlite3"
    for leftover in folder.glob(f"{path.name}*"):
        leftover.unlink()
    open_file(bench_file(path)).engine.dispose()  # the last connection checkpoints the log
    return path


def _push_loop(
    config: CentralConfig,
    template: Path,
    path: Path,
    n: int,
    stop: Event,
    ready: multiprocessing.synchronize.Semaphore,
    pushed: Synchronized[int],
) -> None:
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    shutil.copyfile(template, path)
    db = open_file(bench_file(path))
    install_capture(db)
    try:
        with db.write() as session:
            patient = Patient(record_no=f"P{n:09}", name="李建国", sex=Sex.MALE)
            session.add(patient)
        sync_once(db, config)
        link = CentralLink(config, client_id(db))
        ready.release()
        made = 0
        while not stop.is_set():
            started = time.monotonic()
            with db.write() as session:
                session.add_all(_record(patient.id, made + k) for k in range(BATCH))
            made += BATCH
            conn, _server = link.open()
            report = push(db, conn, link.client_id)
            with pushed.get_lock():
                pushed.value += report.sent
            stop.wait(max(0.0, INTERVAL_S - (time.monotonic() - started)))
        link.close()
    finally:
        db.dispose()


def _record(patient_id: object, k: int) -> FollowupRecord:
    return FollowupRecord(
        patient_id=patient_id,
        template_code="general_discharge",
        template_version="1",
        answers={"recovery": "good", "pain": k % 10, "note": "伤口愈合良好，按时服药"},
        scores={"total": k % 100},
        recovery_score=float(k % 100),
    )
