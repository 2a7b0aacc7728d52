"""The workstation's WorkQueue against the real server, through a relay the test can cut.

Cutting the relay closes every connection and refuses new ones, as a pulled network
cable or a stopped server does: the queue sees real psycopg errors, not a mock.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from agent_desk.db import leases
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.models import Call, FollowupAttempt, FollowupTask, TaskLease
from agent_desk.domain.enums import AttemptOutcome, CallDirection, TaskStatus
from agent_desk.sync.queue import WorkQueue
from agent_desk.sync.queue_errors import CompletionRefused, Offline
from agent_desk.sync.queue_states import FinishState, RefusalReason, StartVerdict
from tests.test_work_queue import Pool, add_tasks, central_server, emptied, expire, make_pool

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    return emptied(central_engine)


class Relay:
    """A TCP relay to the PostgreSQL server that can be cut and restored."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._online = threading.Event()
        self._online.set()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        self._online.clear()
        with self._lock:
            for sock in self._open:
                _close(sock)
            self._open.clear()

    def restore(self) -> None:
        self._online.set()

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            if not self._online.is_set():
                _close(client)
                continue
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass  # the other side was cut: the pump's work is over
    _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already shut by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class Clock:
    """The workstation's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def relay(central: Database) -> Iterator[Relay]:
    url = central.engine.url
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    yield relay
    relay.close()


@pytest.fixture
def through_relay(central: Database, relay: Relay) -> Iterator[Database]:
    engine = make_engine(central.engine.url.set(host="127.0.0.1", port=relay.port))
    yield Database(engine)
    engine.dispose()


@pytest.fixture
def pool(central: Database) -> Pool:
    pool = make_pool(central)
    add_tasks(central, pool.department, [pool.today, pool.today])
    return pool


def workstation(db: Database, journal: Path, clock: Clock | None = None) -> WorkQueue:
    return WorkQueue(db, journal, holder="ward-7", staff_id=None, monotonic=clock or Clock())


def attempts(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(FollowupAttempt)) or 0


def test_claims_need_the_server(
    through_relay: Database, relay: Relay, pool: Pool, tmp_path: Path
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    relay.cut()
    with pytest.raises(Offline):
        queue.claim_next()
    with pytest.raises(Offline):
        queue.claim(uuid.uuid4())
    relay.restore()
    assert queue.claim_next() is not None


def test_online_finish_completes_the_task(
    through_relay: Database,
    central: Database,
    pool: Pool,
    tmp_path: Path,
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    held = queue.claim_next()
    assert held and queue.can_start_call(held)
    result = queue.finish(held.task_id, AttemptOutcome.REACHED)
    assert result.state is FinishState.COMPLETED and result.attempt
    assert result.attempt.status is TaskStatus.DONE
    assert (queue.held(), queue.pending(), attempts(central)) == ([], [], 1)


def test_a_held_task_finished_offline_is_queued_then_applied(
    through_relay: Database,
    central: Database,
    relay: Relay,
    pool: Pool,
    tmp_path: Path,
) -> None:
    journal = tmp_path / "queue.json"
    held = workstation(through_relay, journal).claim_next()
    assert held is not None
    relay.cut()
    queued = workstation(through_relay, journal).finish(held.task_id, AttemptOutcome.REACHED)
    assert queued.state is FinishState.QUEUED and attempts(central) == 0
    relay.restore()
    restarted = workstation(through_relay, journal)  # the journal outlives the process
    assert restarted.send_pending().applied == 1
    assert (restarted.pending(), attempts(central)) == ([], 1)
    with central.read() as session:
        assert session.get_one(FollowupTask, held.task_id).status is TaskStatus.DONE
        assert session.get(TaskLease, held.task_id) is None


def test_a_queued_completion_whose_task_was_taken_over_is_refused_and_kept(
    through_relay: Database,
    central: Database,
    relay: Relay,
    pool: Pool,
    tmp_path: Path,
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    held = queue.claim(add_tasks(central, pool.department, [pool.today - timedelta(9)])[0])
    relay.cut()
    assert queue.finish(held.task_id, AttemptOutcome.REACHED).state is FinishState.QUEUED
    expire(central, held.task_id)
    with central.write() as session:
        rival = leases.claim_next(session, "ward-8", None, timedelta(minutes=3))
    assert rival and rival.task_id == held.task_id
    relay.restore()
    report = queue.send_pending()
    assert [refused.reason for refused in report.refused] == [RefusalReason.TAKEN_OVER]
    assert queue.refused()[0].completion.task_id == held.task_id and attempts(central) == 0


def test_an_online_finish_on_a_stale_fence_is_refused(
    through_relay: Database,
    central: Database,
    pool: Pool,
    tmp_path: Path,
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    held = queue.claim_next()
    assert held is not None
    expire(central, held.task_id)
    with pytest.raises(CompletionRefused) as caught:
        queue.finish(held.task_id, AttemptOutcome.REACHED)
    assert caught.value.refused.reason is RefusalReason.EXPIRED and attempts(central) == 0


def test_a_call_starts_only_on_a_lease_known_to_be_live(
    through_relay: Database,
    central: Database,
    relay: Relay,
    pool: Pool,
    tmp_path: Path,
) -> None:
    clock = Clock()
    queue = workstation(through_relay, tmp_path / "queue.json", clock)
    held = queue.claim_next()
    assert held is not None
    assert queue.check_start(held) is StartVerdict.LIVE
    relay.cut()
    clock.now += 60  # a minute into a three-minute lease: certainly not lapsed yet
    assert queue.check_start(held) is StartVerdict.LIVE_BY_COUNTDOWN
    clock.now += 120
    assert queue.check_start(held) is StartVerdict.UNVERIFIABLE
    relay.restore()
    expire(central, held.task_id)
    assert queue.check_start(held) is StartVerdict.LAPSED
    assert queue.held() == []


def test_after_a_restart_offline_a_held_lease_cannot_be_verified(
    through_relay: Database, relay: Relay, pool: Pool, tmp_path: Path
) -> None:
    held = workstation(through_relay, tmp_path / "queue.json").claim_next()
    assert held is not None
    relay.cut()
    restarted = workstation(through_relay, tmp_path / "queue.json")
    assert [lease.task_id for lease in restarted.held()] == [held.task_id]
    assert not restarted.can_start_call(restarted.held()[0])


def test_renewal_drops_leases_taken_over(
    through_relay: Database,
    central: Database,
    pool: Pool,
    tmp_path: Path,
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    kept, lost = queue.claim_next(), queue.claim_next()
    assert kept and lost
    expire(central, lost.task_id)
    report = queue.renew()
    assert [lease.task_id for lease in report.renewed] == [kept.task_id]
    assert [lease.task_id for lease in report.lost] == [lost.task_id]
    assert [lease.task_id for lease in queue.held()] == [kept.task_id]


def test_a_completion_resent_after_a_crash_is_applied_once(
    through_relay: Database,
    central: Database,
    relay: Relay,
    pool: Pool,
    tmp_path: Path,
) -> None:
    journal = tmp_path / "queue.json"
    queue = workstation(through_relay, journal)
    held = queue.claim_next()
    assert held is not None
    relay.cut()
    queue.finish(held.task_id, AttemptOutcome.REACHED)
    shutil.copy(journal, tmp_path / "before-ack.json")
    relay.restore()
    queue.send_pending()
    # Killed after the server's commit, before the journal forgot the completion.
    shutil.copy(tmp_path / "before-ack.json", journal)
    report = workstation(through_relay, journal).heartbeat().sent
    assert (report.applied, report.already_applied, attempts(central)) == (0, 1, 1)


def test_release_offline_forgets_the_task_and_the_server_lets_it_lapse(
    through_relay: Database, relay: Relay, pool: Pool, tmp_path: Path
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    held = queue.claim_next()
    assert held is not None
    relay.cut()
    queue.release(held.task_id)
    assert queue.held() == []


def test_a_completion_naming_a_call_not_yet_pushed_waits_for_it(
    through_relay: Database, central: Database, pool: Pool, tmp_path: Path
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    held = queue.claim_next()
    assert held is not None
    call_id = uuid.uuid4()  # recorded locally; the outbox has not pushed the call yet
    result = queue.finish(held.task_id, AttemptOutcome.REACHED, call_id=call_id)
    assert result.state is FinishState.QUEUED and "foreign key" in (result.queued_because or "")
    assert len(queue.send_pending().deferred) == 1
    with central.write() as session:
        session.add(Call(id=call_id, direction=CallDirection.OUTBOUND, remote_number="13800138000"))
    assert queue.send_pending().applied == 1 and attempts(central) == 1


def test_the_heartbeat_keeps_a_queued_completions_lease_alive(
    through_relay: Database, central: Database, pool: Pool, tmp_path: Path
) -> None:
    queue = workstation(through_relay, tmp_path / "queue.json")
    held = queue.claim_next()
    assert held and held.expires_at
    queue.finish(held.task_id, AttemptOutcome.REACHED, call_id=uuid.uuid4())  # stays queued
    queue.renew()
    with central.read() as session:
        assert session.get_one(TaskLease, held.task_id).expires_at > held.expires_at
