"""Several workstation processes at once, each with its own SQLite file, against the real
PostgreSQL: some keep a SyncRunner going (NOTIFY, backoff), some sync by hand and now
and then die between the central commit and the local acknowledgement. At the end every
change has been judged exactly once, nothing is lost, no task was finished twice, and
every workstation holds the central state."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import random
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from agent_desk.db.models import FollowupAttempt, FollowupTask, Patient, SyncConflict, SyncOutbox
from agent_desk.db.open import open_local
from agent_desk.domain.enums import MutationOutcome, OutboxStatus, SyncOp, TaskStatus
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle import sync_once
from agent_desk.sync.errors import SyncError
from agent_desk.sync.runner import Backoff, SyncRunner
from tests.test_sync_support import (
    add_attempt,
    add_patient,
    add_task,
    applied_mutations,
    assert_converged,
    central_database,
    central_engine,
    rename_patient,
    settle,
    workstation,
)

pytestmark = pytest.mark.postgres

WORKERS = 4
OPERATIONS = 30


class Crash(Exception):
    pass


def _crash() -> None:
    raise Crash


def _drain(db: object, config: CentralConfig, deadline_s: float = 60.0) -> None:
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            report = sync_once(db, config)  # type: ignore[arg-type]
            if report.counts.pending == 0 and not report.pull.waiting:
                return
        except SyncError:
            pass  # contention on a busy shared server: try again
        if time.monotonic() > deadline:
            raise TimeoutError("could not drain the outbox")
        time.sleep(0.05)


def worker(path: str, url: str, seed: int, use_runner: bool, out: str) -> None:
    rng = random.Random(seed)
    db = open_local(Path(path))
    capture = install_capture(db)
    config = CentralConfig(url=url)
    _drain(db, config)
    with db.read() as session:
        patients = list(session.scalars(select(Patient.id).order_by(Patient.id)))
        tasks = list(session.scalars(select(FollowupTask.id).order_by(FollowupTask.id)))
    runner = None
    if use_runner:
        runner = SyncRunner(
            db, config, capture=capture, interval_s=0.3, backoff=Backoff(0.05, cap_s=0.3)
        )
        runner.start()
    attempts: list[str] = []
    for step in range(OPERATIONS):
        roll = rng.random()
        if roll < 0.4:
            task_id = rng.choice(tasks)
            with db.read() as session:
                task = session.get(FollowupTask, task_id)
                assert task is not None
                patient_id = task.patient_id
            attempts.append(str(add_attempt(db, task_id, patient_id)))
        elif roll < 0.8:
            rename_patient(db, rng.choice(patients), f"w{seed}-{step}")
        else:
            with db.write() as session:
                task = session.get(FollowupTask, rng.choice(tasks))
                if task is not None and task.status is TaskStatus.PENDING:
                    task.status = TaskStatus.DONE
        if not use_runner and rng.random() < 0.5:
            # A crash before the ack, or a busy server: either way the next sync resends.
            with contextlib.suppress(Crash, SyncError):
                sync_once(db, config, after_commit=_crash if rng.random() < 0.3 else None)
        time.sleep(rng.random() * 0.02)
    if runner is not None:
        runner.stop()
    _drain(db, config)
    Path(out).write_text(json.dumps({"attempts": attempts}))
    db.dispose()


def test_workstation_processes_converge_with_every_change_applied_once(tmp_path: Path) -> None:
    with central_database() as central:
        seed_ws = workstation(tmp_path, "seed")
        for n in range(4):
            patient_id = add_patient(seed_ws, f"D{n}", f"患者{n}")
            for _ in range(2):
                add_task(seed_ws, patient_id)
        settle(seed_ws, central)
        context = multiprocessing.get_context("spawn")
        processes = []
        for n in range(WORKERS):
            args = (
                str(tmp_path / f"w{n}.sqlite3"),
                central.url,
                n,
                n % 2 == 0,
                str(tmp_path / f"w{n}.json"),
            )
            processes.append(context.Process(target=worker, args=args))
        for process in processes:
            process.start()
        for process in processes:
            process.join(180)
            assert process.exitcode == 0
        stations = [seed_ws] + [workstation(tmp_path, f"w{n}") for n in range(WORKERS)]
        for _round in range(2):  # everyone hears of everyone's last changes
            for db in stations:
                settle(db, central)
        server = central_engine(central)
        try:
            _assert_invariants(server, stations, tmp_path)
        finally:
            server.dispose()


def _assert_invariants(server, stations, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    applied = applied_mutations(server)
    mutations: dict[uuid.UUID, tuple[str, SyncOp, dict[str, object] | None, OutboxStatus]] = {}
    issues = 0
    for db in stations:
        with db.read() as session:
            for row in session.scalars(select(SyncOutbox)):
                assert row.mutation_id not in mutations
                mutations[row.mutation_id] = (row.table_name, row.op, row.payload, row.status)
            issues += len(session.scalars(select(SyncConflict)).all())
    # Nothing waits, and every change was judged by the server exactly once (one row each).
    assert {status for *_rest, status in mutations.values()} <= {
        OutboxStatus.SENT,
        OutboxStatus.REJECTED,
        OutboxStatus.BLOCKED,
    }
    judged = {
        m
        for m, (*_r, status) in mutations.items()
        if status is not OutboxStatus.BLOCKED or m in applied
    }
    assert judged <= set(applied) and set(applied) <= set(mutations)
    for mutation_id, (_t, _op, _p, status) in mutations.items():
        verdict = applied.get(mutation_id)
        if status is OutboxStatus.SENT:
            assert verdict == MutationOutcome.APPLIED
        elif status is OutboxStatus.REJECTED:
            assert verdict in (MutationOutcome.CONFLICT, MutationOutcome.REJECTED)
    # Every applied edit moved its patient's version on by exactly one.
    edits = Counter(
        payload["id"]
        for m, (table, op, payload, _s) in mutations.items()
        if table == "patients" and op is SyncOp.UPDATE and applied.get(m) == "applied" and payload
    )
    with server.connect() as connection:
        versions = {
            str(pid): v for pid, v in connection.execute(select(Patient.id, Patient.version))
        }
        done_tasks = connection.execute(
            select(FollowupTask.id).where(FollowupTask.status == TaskStatus.DONE)
        ).all()
        server_attempts = {str(a) for a in connection.scalars(select(FollowupAttempt.id))}
    assert all(versions[pid] == 1 + edits.get(pid, 0) for pid in versions)
    # No task was finished twice: at most one applied change took each one to done.
    finishes = Counter(
        payload["id"]
        for m, (table, _op, payload, _s) in mutations.items()
        if table == "followup_tasks"
        and applied.get(m) == "applied"
        and payload
        and payload["status"] == "done"
    )
    assert all(count == 1 for count in finishes.values()) and len(finishes) == len(done_tasks)
    # Nothing lost: every attempt typed anywhere is on the server, once.
    typed = set()
    for n in range(WORKERS):
        typed |= set(json.loads((tmp_path / f"w{n}.json").read_text())["attempts"])
    assert typed == server_attempts
    # Refused changes are all on review lists, and every workstation holds the central state.
    assert issues == sum(1 for v in applied.values() if v in ("conflict", "rejected"))
    assert_converged(server, *stations)
