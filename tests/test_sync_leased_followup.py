"""A form or attempt on a leased task travels once: the attempt and record by the outbox,
the task's new state by the queue's fenced completion, in whichever order they arrive.

Before this, the workstation's own task update went up through the outbox as well as the
completion, which made a second attempt on the server and a false conflict for review.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from agent_desk.db import leases
from agent_desk.db.engine import Database
from agent_desk.db.models import (
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    PatientContact,
    SyncConflict,
    TaskLease,
)
from agent_desk.domain.enums import AttemptOutcome, Channel, ContactRelation, TaskStatus
from agent_desk.forms import FormState, load_template
from agent_desk.services.followup import FollowupService, FormSubmission
from agent_desk.sync.capture import capture_of
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.queue import WorkQueue
from agent_desk.sync.queue_states import FinishState
from tests.builders import AGENT
from tests.test_sync_support import (
    add_patient,
    add_task,
    assert_converged,
    settle,
    workstation,
)


@pytest.fixture
def central_db(server: Engine) -> Database:
    return Database(server)


def _station(folder: Path, name: str, central_db: Database) -> tuple[Database, WorkQueue]:
    db = workstation(folder, name)
    queue = WorkQueue(central_db, folder / f"{name}-queue.json", holder=name, staff_id=None)
    return db, queue


def _task_on_server(db: Database, config: CentralConfig) -> uuid.UUID:
    patient = add_patient(db, f"R{uuid.uuid4().hex[:8]}")
    with db.write() as session:
        session.add(
            PatientContact(
                patient_id=patient,
                relation=ContactRelation.SELF,
                raw_number="13800138000",
                e164="+8613800138000",
                is_primary=True,
            )
        )
    task = add_task(db, patient)
    settle(db, config)
    return task


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def _task_status(engine: Engine, task_id: uuid.UUID) -> TaskStatus:
    with engine.connect() as connection:
        return connection.execute(
            select(FollowupTask.status).where(FollowupTask.id == task_id)
        ).scalar_one()


def _conflicts(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(SyncConflict)) or 0)


@pytest.fixture
def stations(
    tmp_path: Path, central: CentralConfig, central_db: Database
) -> Iterator[tuple[Database, WorkQueue]]:
    yield _station(tmp_path, "ward3", central_db)


@pytest.mark.parametrize("completion_first", [True, False], ids=["completion", "outbox"])
def test_an_attempt_on_a_leased_task_reaches_the_server_once(
    stations: tuple[Database, WorkQueue],
    central: CentralConfig,
    server: Engine,
    completion_first: bool,
) -> None:
    db, queue = stations
    task = _task_on_server(db, central)
    queue.claim(task)
    service = FollowupService(db, held=queue)

    result = service.record_attempt(task, Channel.PHONE, AttemptOutcome.REACHED, AGENT)

    assert result.status is TaskStatus.DONE  # the window shows it done at once
    assert [c.attempt_id for c in queue.pending()] == [result.attempt_id]
    if completion_first:
        assert queue.send_pending().applied == 1
        settle(db, central)
    else:
        settle(db, central)  # the attempt arrives as a fact; the task is still open there
        assert _task_status(server, task) is TaskStatus.PENDING
        assert queue.send_pending().applied == 1
    settle(db, central)
    assert _count(server, FollowupAttempt) == 1
    assert _task_status(server, task) is TaskStatus.DONE
    assert _conflicts(db) == 0
    assert queue.pending() == [] and queue.held() == []
    assert_converged(server, db)


def test_a_form_on_a_leased_task_sent_while_offline_arrives_whole(
    stations: tuple[Database, WorkQueue], central: CentralConfig, server: Engine
) -> None:
    db, queue = stations
    task = _task_on_server(db, central)
    queue.claim(task)
    with db.read() as session:
        patient = session.get_one(FollowupTask, task).patient_id
    state = FormState(load_template("phq9"), {f"phq9_{n}": "not_at_all" for n in range(1, 10)})

    submitted = FollowupService(db, held=queue).submit(
        FormSubmission(state, patient, task, None), AGENT
    )

    # Nothing has been sent yet (as when the server is away): the record is safe locally
    # and the completion waits in the journal.
    assert queue.pending()[0].attempt_id == submitted.attempt.attempt_id  # type: ignore[union-attr]
    settle(db, central)  # the record goes up, its attempt with it
    assert _count(server, FollowupRecord) == 1
    queue.send_pending()
    settle(db, central)
    assert (_count(server, FollowupAttempt), _task_status(server, task)) == (1, TaskStatus.DONE)
    assert _conflicts(db) == 0
    assert_converged(server, db)


def test_without_a_lease_the_outbox_carries_the_task_as_before(
    stations: tuple[Database, WorkQueue], central: CentralConfig, server: Engine
) -> None:
    db, queue = stations
    task = _task_on_server(db, central)

    FollowupService(db, held=queue).record_attempt(
        task, Channel.PHONE, AttemptOutcome.REACHED, AGENT
    )

    assert queue.pending() == []
    settle(db, central)
    assert _task_status(server, task) is TaskStatus.DONE
    assert_converged(server, db)


def test_a_resend_of_an_applied_completion_changes_nothing(
    tmp_path: Path, central: CentralConfig, server: Engine, central_db: Database
) -> None:
    db, queue = _station(tmp_path, "ward3", central_db)
    task = _task_on_server(db, central)
    queue.claim(task)
    FollowupService(db, held=queue).record_attempt(
        task, Channel.PHONE, AttemptOutcome.NO_ANSWER, AGENT
    )
    journal = tmp_path / "ward3-queue.json"
    before_send = journal.read_bytes()
    assert queue.send_pending().applied == 1
    # Killed after the server's commit, before the journal forgot the completion: the
    # restarted workstation finds it still queued and sends it again.
    journal.write_bytes(before_send)
    _, restarted = _station(tmp_path, "ward3", central_db)
    report = restarted.send_pending()
    assert (report.applied, report.already_applied) == (0, 1)
    settle(db, central)
    assert _count(server, FollowupAttempt) == 1
    assert_converged(server, db)


def test_finish_without_sending_only_queues(
    stations: tuple[Database, WorkQueue], central: CentralConfig, server: Engine
) -> None:
    db, queue = stations
    task = _task_on_server(db, central)
    held = queue.claim(task)
    result = queue.finish(held.task_id, AttemptOutcome.REACHED, send_now=False)
    assert result.state is FinishState.QUEUED and result.queued_because is None
    assert _task_status(server, task) is TaskStatus.PENDING


def test_a_lease_lost_while_the_form_was_open_leaves_the_task_to_its_new_holder(
    stations: tuple[Database, WorkQueue], central: CentralConfig, server: Engine, caplog
) -> None:
    db, queue = stations
    task = _task_on_server(db, central)
    queue.claim(task)
    # Meanwhile on the server: the lease lapses and a colleague takes the task.
    with Database(server).write() as session:
        session.execute(
            update(TaskLease)
            .where(TaskLease.task_id == task)
            .values(expires_at=datetime(2000, 1, 1, tzinfo=UTC))
        )
        leases.claim_task(session, task, "ward5", None, timedelta(minutes=3))
    # The heartbeat that notices comes just as the attempt commits.
    capture = capture_of(db)
    assert capture is not None
    capture.subscribe(queue.renew)

    FollowupService(db, held=queue).record_attempt(
        task, Channel.PHONE, AttemptOutcome.REACHED, AGENT
    )

    assert queue.pending() == [] and queue.held() == []
    assert "no longer held" in caplog.text
    settle(db, central)
    assert _count(server, FollowupAttempt) == 1  # the call happened: its attempt is kept
    assert _task_status(server, task) is TaskStatus.PENDING  # ward5 decides the task now
    assert _conflicts(db) == 0
