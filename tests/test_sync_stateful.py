"""A Hypothesis state machine over two workstations and the real central PostgreSQL:
random edits, attempts, outages, syncs, crashes before the local acknowledgement, and
the shared work queue (claims, calls finished on leased tasks, completions sent late).
Whatever the order, once both are back online and synced they hold the central state,
every change was judged exactly once, no typed attempt is lost, and no task is
completed twice."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select

from agent_desk.db.engine import Database, make_engine
from agent_desk.db.followup import TaskNotOpen
from agent_desk.db.leases import TaskUnavailable
from agent_desk.db.models import (
    FollowupAttempt,
    FollowupTask,
    Patient,
    SyncAppliedMutation,
    SyncConflict,
    SyncOutbox,
)
from agent_desk.db.open import open_local
from agent_desk.domain.enums import AttemptOutcome, Channel, OutboxStatus, SyncOp, TaskStatus
from agent_desk.services.followup import FollowupService
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle import sync_once
from agent_desk.sync.errors import CentralUnavailable
from agent_desk.sync.queue import WorkQueue
from agent_desk.sync.queue_errors import Offline
from tests.builders import AGENT
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
)

pytestmark = pytest.mark.postgres

STATIONS = ("a", "b")
NOWHERE = CentralConfig(url="postgresql://postgres@127.0.0.1:9/agent_desk", connect_timeout_s=1)


class Crash(Exception):
    pass


def _crash() -> None:
    raise Crash


class TwoWorkstations(RuleBasedStateMachine):
    central: CentralConfig
    server: Engine
    nowhere: Engine  # a port nobody listens on: the network is down
    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="agent_desk_stateful_"))
        self.ws: dict[str, Database] = {}
        # The copies are encrypted under the template folder's data key: its id goes along.
        shutil.copy(self.template.with_name("key.id"), self.folder / "key.id")
        for name in STATIONS:
            shutil.copy(self.template, self.folder / f"{name}.sqlite3")
            self.ws[name] = open_local(self.folder / f"{name}.sqlite3")
            install_capture(self.ws[name])
        self.online = dict.fromkeys(STATIONS, True)
        self.patients: list[uuid.UUID] = []
        self.tasks: list[tuple[uuid.UUID, uuid.UUID]] = []
        self.typed_attempts: set[uuid.UUID] = set()
        self.queues = {name: self._queue(name) for name in STATIONS}
        # completion id -> (task, outcome), for every call finished on a leased task
        self.completions: dict[uuid.UUID, tuple[uuid.UUID, AttemptOutcome]] = {}

    def _queue(self, station: str) -> WorkQueue:
        """The station's queue as the network now allows; its state is the journal, so a
        new object after a change of network is the same queue (as after a restart)."""
        central = Database(self.server if self.online[station] else self.nowhere)
        return WorkQueue(
            central, self.folder / f"{station}-queue.json", holder=station, staff_id=None
        )

    @initialize()
    def two_patients_with_a_task_each(self) -> None:
        a = self.ws["a"]
        for n in range(2):
            patient_id = add_patient(a, f"H{uuid.uuid4().hex[:12]}", f"患者{n}")
            self.patients.append(patient_id)
            self.tasks.append((add_task(a, patient_id), patient_id))
        settle(a, self.central)
        settle(self.ws["b"], self.central)

    @rule(
        station=st.sampled_from(STATIONS),
        which=st.integers(0, 1),
        name=st.text("王李张秀英", min_size=1, max_size=4),
    )
    def edit_patient(self, station: str, which: int, name: str) -> None:
        rename_patient(self.ws[station], self.patients[which], name)

    @rule(station=st.sampled_from(STATIONS), which=st.integers(0, 1))
    def add_attempt(self, station: str, which: int) -> None:
        task_id, patient_id = self.tasks[which]
        self.typed_attempts.add(add_attempt(self.ws[station], task_id, patient_id))

    @rule(station=st.sampled_from(STATIONS))
    def toggle_network(self, station: str) -> None:
        self.online[station] = not self.online[station]
        self.queues[station] = self._queue(station)

    @rule(station=st.sampled_from(STATIONS), which=st.integers(0, 1))
    def claim(self, station: str, which: int) -> None:
        task_id, _patient = self.tasks[which]
        queue = self.queues[station]
        if queue.holds(task_id):
            return
        try:
            queue.claim(task_id)
        except Offline:
            assert not self.online[station]  # only the server grants a lease
        except TaskUnavailable:
            pass  # the other station holds it, or it is finished

    @rule(
        station=st.sampled_from(STATIONS),
        which=st.integers(0, 1),
        outcome=st.sampled_from([AttemptOutcome.REACHED, AttemptOutcome.NO_ANSWER]),
    )
    def finish_call(self, station: str, which: int, outcome: AttemptOutcome) -> None:
        task_id, _patient = self.tasks[which]
        queue = self.queues[station]
        if not queue.holds(task_id):
            return
        service = FollowupService(self.ws[station], held=queue)
        try:
            result = service.record_attempt(task_id, Channel.PHONE, outcome, AGENT)
        except TaskNotOpen:
            return  # closed here already (pulled): nothing to finish
        self.typed_attempts.add(result.attempt_id)
        completion = queue.pending()[-1]
        assert completion.attempt_id == result.attempt_id
        self.completions[completion.completion_id] = (task_id, outcome)

    @rule(station=st.sampled_from(STATIONS))
    def send_completions(self, station: str) -> None:
        try:
            self.queues[station].send_pending()
        except Offline:
            assert not self.online[station]

    @rule(station=st.sampled_from(STATIONS))
    def sync(self, station: str) -> None:
        if self.online[station]:
            settle(self.ws[station], self.central)
        else:
            with pytest.raises(CentralUnavailable):
                sync_once(self.ws[station], NOWHERE)

    @rule(station=st.sampled_from(STATIONS))
    def crash_before_the_local_ack(self, station: str) -> None:
        if self.online[station]:
            # The server committed; this workstation never heard.
            with contextlib.suppress(Crash):
                sync_once(self.ws[station], self.central, after_commit=_crash)

    @invariant()
    def what_is_marked_sent_is_on_the_server(self) -> None:
        if not self.ws:
            return
        applied = applied_mutations(self.server)
        for db in self.ws.values():
            for mutation_id, status in _outbox(db):
                if status is OutboxStatus.SENT:
                    assert applied.get(mutation_id) == "applied"

    def teardown(self) -> None:
        try:
            self.online = dict.fromkeys(STATIONS, True)
            for _round in range(2):
                for name, db in self.ws.items():
                    self._queue(name).send_pending()
                    settle(db, self.central)
            self._check_the_end()
            self._check_the_queue()
        finally:
            for db in self.ws.values():
                db.dispose()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _check_the_queue(self) -> None:
        queues = [self._queue(name) for name in STATIONS]
        assert all(q.pending() == [] and q.refused() == [] for q in queues)
        with self.server.connect() as connection:
            applied = set(connection.scalars(select(SyncAppliedMutation.mutation_id)))
            status = dict(connection.execute(select(FollowupTask.id, FollowupTask.status)).all())
        reached: Counter[uuid.UUID] = Counter()
        for completion_id, (task_id, outcome) in self.completions.items():
            assert completion_id in applied  # every finished call reached the server
            if outcome is AttemptOutcome.REACHED:
                reached[task_id] += 1
        for task_id, _patient in self.tasks:
            assert reached[task_id] <= 1  # no task is completed twice
            if reached[task_id]:
                assert status[task_id] is TaskStatus.DONE

    def _check_the_end(self) -> None:
        assert_converged(self.server, *self.ws.values())
        applied = applied_mutations(self.server)
        edits: Counter[str] = Counter()
        names: dict[str, set[object]] = {}
        issues = 0
        for db in self.ws.values():
            with db.read() as session:
                rows = session.scalars(select(SyncOutbox)).all()
                issues += len(session.scalars(select(SyncConflict)).all())
            for row in rows:
                assert row.status is not OutboxStatus.PENDING
                verdict = applied.get(row.mutation_id)
                if row.status is OutboxStatus.SENT:
                    assert verdict == "applied"
                if (
                    verdict == "applied"
                    and row.table_name == "patients"
                    and row.op is SyncOp.UPDATE
                ):
                    edits[str(row.row_id)] += 1
                    names.setdefault(str(row.row_id), set()).add((row.payload or {}).get("name"))
                if verdict in ("conflict", "rejected"):
                    issues -= 1
        assert issues == 0  # every refused change is on a review list, once
        with self.server.connect() as connection:
            versions = {
                pid: v for pid, v in connection.execute(select(Patient.id, Patient.version))
            }
            on_server = set(connection.scalars(select(FollowupAttempt.id)))
        for n, patient_id in enumerate(self.patients):
            # No edit applied twice: each applied edit moved the version once at most (an
            # edit that found the server's row already as it would make it, made on the other
            # station, is applied without a move).
            assert versions[patient_id] <= 1 + edits[str(patient_id)]
            # None lost: every name an applied edit wrote was a change of its own.
            written = names.get(str(patient_id), set()) - {f"患者{n}"}
            assert versions[patient_id] >= 1 + len(written)
        assert self.typed_attempts <= on_server  # nothing typed is lost


def _outbox(db: Database) -> list[tuple[uuid.UUID, OutboxStatus]]:
    with db.read() as session:
        return [
            (m, s) for m, s in session.execute(select(SyncOutbox.mutation_id, SyncOutbox.status))
        ]


def test_two_workstations_converge_whatever_happens(tmp_path: Path) -> None:
    template = tmp_path / "template.sqlite3"
    open_local(template).dispose()  # migrated once, copied for every example
    with central_database() as central:
        server = central_engine(central)
        TwoWorkstations.central, TwoWorkstations.server = central, server
        TwoWorkstations.nowhere = make_engine(
            NOWHERE.parsed_url, connect_args={"connect_timeout": 1}
        )
        TwoWorkstations.template = template
        try:
            run_state_machine_as_test(
                TwoWorkstations,
                settings=settings(
                    max_examples=15,
                    stateful_step_count=12,
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow],
                ),
            )
        finally:
            server.dispose()
