"""The workstation window with central sync: the status bar, the shared queue around a
call, colleagues' work showing up, and what the nurse is told when sync cannot run.

Two real workstations (SQLite files with capture) and a real central PostgreSQL; the
runners run on their own threads as in the window.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest
from sqlalchemy import Engine, select, text

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from agent_desk.db import staff as staff_db
from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupTask, Patient, PatientContact
from agent_desk.domain.enums import (
    AttemptOutcome,
    Channel,
    ContactRelation,
    Role,
    TaskStatus,
)
from agent_desk.domain.phones import PhonePlan
from agent_desk.domain.views import StaffView
from agent_desk.paths import DataDir
from agent_desk.services.calls import CallService
from agent_desk.settings import Settings
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.cycle import InThreadCycles
from agent_desk.sync.queue import WorkQueue
from agent_desk.telephony.phone import Phone
from agent_desk.ui.app import build_main_window
from agent_desk.ui.background import Background
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.sync_setup import JOURNAL_NAME, prepare_sync
from agent_desk.ui.sync_status import SyncHub, refusal_text
from tests.builders import AGENT
from tests.executors import Held
from tests.test_sync_support import (
    TODAY,
    Cluster,
    add_patient,
    add_task,
    limit_size,
    settle,
    throwaway_cluster,
    workstation,
)

pytestmark = pytest.mark.usefixtures("qapp")


def _user(db: Database, username: str) -> StaffView:
    # Agents: their worklist is the whole hospital's, so the department-less task is in it
    # (a nurse's keeps to her departments).
    with db.write() as session:
        return staff_db.add_user(session, username, "secret-pass", Role.AGENT)


def _window(
    qtbot,
    db: Database,
    folder: Path,
    user: StaffView,
    hub: SyncHub,
    background: Background | None = None,
) -> MainWindow:
    window = build_main_window(
        db, Settings(folder / f"{user.username}.json"), user, hub, background=background
    )
    window._today = lambda: TODAY  # the tasks are due on the sync tests' day
    window.reload_worklist()
    qtbot.addWidget(window)
    window.show()
    hub.start()
    return window


def _hub(db: Database, config: CentralConfig, server: Engine, folder: Path, holder: str) -> SyncHub:
    queue = WorkQueue(
        Database(server), folder / f"{holder}-queue.json", holder=holder, staff_id=None
    )
    return SyncHub(db, config, queue, interval_s=0.5)


@pytest.fixture
def ward(
    qtbot, tmp_path: Path, central: CentralConfig, server: Engine
) -> Iterator[tuple[MainWindow, MainWindow, uuid.UUID]]:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    task = add_task(a, add_patient(a, "R0001"))
    nurse_a, nurse_b = _user(a, "li"), _user(a, "zhang")
    settle(a, central)
    settle(b, central)
    hubs = [
        _hub(a, central, server, tmp_path, "ward3-li"),
        _hub(b, central, server, tmp_path, "ward3-zhang"),
    ]
    windows = (
        _window(qtbot, a, tmp_path, nurse_a, hubs[0]),
        _window(qtbot, b, tmp_path, nurse_b, hubs[1]),
    )
    yield windows[0], windows[1], task
    for hub in hubs:
        hub.stop()


def _task_status(db: Database, task_id: uuid.UUID) -> TaskStatus:
    with db.read() as session:
        return session.execute(
            select(FollowupTask.status).where(FollowupTask.id == task_id)
        ).scalar_one()


def test_the_status_bar_says_online_and_the_sync_menu_is_there(
    qtbot, ward: tuple[MainWindow, MainWindow, uuid.UUID]
) -> None:
    first, _second, _task = ward
    qtbot.waitUntil(lambda: first.sync_label.text().startswith("● Online"), timeout=10_000)
    assert "synced" in first.sync_label.text()
    menus = [action.text() for action in first.menuBar().actions()]
    assert "&Sync" in menus


def test_a_task_one_nurse_took_is_not_called_by_the_other(
    qtbot, ward: tuple[MainWindow, MainWindow, uuid.UUID], server: Engine
) -> None:
    first, second, task = ward
    assert first.sync is not None and second.sync is not None

    assert first.sync.may_call(task) is None  # taken for ward3-li; the call may start
    refusal = second.sync.may_call(task)

    assert refusal is not None and "ward3-li" in refusal_text(refusal)
    assert first.sync.may_call(task) is None  # asked again: still hers, still live


def test_a_colleagues_finished_call_shows_in_the_other_window(
    qtbot, ward: tuple[MainWindow, MainWindow, uuid.UUID], server: Engine
) -> None:
    first, second, task = ward
    assert first.sync is not None
    qtbot.waitUntil(lambda: second.model.total == 1, timeout=10_000)
    assert first.sync.may_call(task) is None

    # The nurse records the outcome as the form does on hanging up.
    first.followup.followup.record_attempt(task, Channel.PHONE, AttemptOutcome.REACHED, AGENT)

    # The runner sends the fenced completion, the server moves the task on, and the
    # other window's worklist drops it without anyone pressing F5.
    qtbot.waitUntil(lambda: second.model.total == 0, timeout=10_000)
    assert _task_status(second.sync.db, task) is TaskStatus.DONE  # type: ignore[union-attr]
    with server.connect() as connection:
        status = connection.execute(
            select(FollowupTask.status).where(FollowupTask.id == task)
        ).scalar_one()
    assert status is TaskStatus.DONE
    qtbot.waitUntil(lambda: first.sync.status.held == 0, timeout=10_000)  # type: ignore[union-attr]
    assert first.sync.status.queued_completions == 0


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_offline_the_window_says_so_and_local_work_goes_on(qtbot, tmp_path: Path) -> None:
    db = workstation(tmp_path, "ward")
    task = add_task(db, add_patient(db, "R0002"))
    user = _user(db, "wang")
    config = CentralConfig(url=f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere")
    queue = WorkQueue.for_central(config, tmp_path / "queue.json", holder="w", staff_id=user.id)
    hub = SyncHub(db, config, queue, interval_s=0.5, listen=False)
    window = _window(qtbot, db, tmp_path, user, hub)
    try:
        qtbot.waitUntil(lambda: "Offline" in window.sync_label.text(), timeout=10_000)
        assert "cannot be reached" in window.sync_label.text()
        assert "Connection refused" in window.sync_label.toolTip()
        refusal = hub.may_call(task)
        assert refusal is not None and "cannot be reached" in refusal_text(refusal)

        window.followup.followup.record_attempt(
            task, Channel.PHONE, AttemptOutcome.NO_ANSWER, AGENT
        )

        qtbot.waitUntil(lambda: "waiting" in window.sync_label.text(), timeout=10_000)
        assert hub.status.pending >= 1  # kept in the outbox for when the server answers
    finally:
        hub.stop()


@contextmanager
def _silent_server() -> Iterator[int]:
    """A port that takes the connection and never answers: a server that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


def _not_called(window: MainWindow) -> QMessageBox | None:
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    return boxes[0] if boxes else None


def _callable_patient(db: Database, record_no: str, number: str) -> uuid.UUID:
    patient = add_patient(db, record_no)
    with db.write() as session:
        session.add(
            PatientContact(
                patient_id=patient,
                relation=ContactRelation.SELF,
                raw_number=number,
                e164=f"+86{number}",
            )
        )
    return patient


def _with_phone(window: MainWindow, db: Database, user: StaffView) -> Any:
    """A softphone for the window: a spec'd stand-in, since no call is placed for real."""
    phone = create_autospec(Phone, instance=True)
    phone.dial.return_value = "call-1"
    window.attach_calls(
        CallController(
            CallService(db, window.patients.index, PhonePlan(), user.id, user.principal),
            window.patients,
            window.card,
            window.call_panel,
            window.statusBar(),
            user.principal,
            window.background,
            phone=phone,
            parent=window,
        )
    )
    return phone


def test_dialling_a_task_while_the_server_hangs_keeps_the_window_live(
    qtbot, tmp_path: Path
) -> None:
    db = workstation(tmp_path, "ward")
    patient = _callable_patient(db, "R0003", "13800138000")
    add_task(db, patient)
    user = _user(db, "zhou")
    with _silent_server() as port:
        config = CentralConfig(
            url=f"postgresql://postgres@127.0.0.1:{port}/central", connect_timeout_s=2
        )
        queue = WorkQueue.for_central(config, tmp_path / "queue.json", holder="w", staff_id=None)
        hub = SyncHub(db, config, queue, interval_s=60, listen=False)
        window = _window(qtbot, db, tmp_path, user, hub)
        phone = _with_phone(window, db, user)
        try:
            window.open_patient(patient)
            ticks: list[bool] = []  # per tick: was the reason still to come?
            timer = QTimer(window)
            timer.timeout.connect(lambda: ticks.append(_not_called(window) is None))
            timer.start(20)

            window.call_action.trigger()  # Ctrl+D, 拨打
            window.call_action.trigger()  # an impatient second click asks nothing more
            assert window.statusBar().currentMessage() == "Still asking the central server…"

            qtbot.waitUntil(lambda: _not_called(window) is not None, timeout=20_000)
            assert ticks.count(True) >= 2  # the window went on while the server was asked
            box = _not_called(window)
            assert box is not None and "cannot be reached" in box.text()
            assert queue.held() == []
            phone.dial.assert_not_called()
        finally:
            hub.stop()


@pytest.fixture
def slow_claim(
    qtbot, tmp_path: Path, central: CentralConfig, server: Engine
) -> Iterator[tuple[MainWindow, Held, Any, uuid.UUID, uuid.UUID]]:
    """A window on the real central server whose background work waits for release()."""
    db = workstation(tmp_path, "ward")
    first = _callable_patient(db, "R0004", "13800138000")
    task = add_task(db, first)
    second = _callable_patient(db, "R0005", "13900139000")
    add_task(db, second)  # also callable: only the claim's own patient may be dialled
    user = _user(db, "wu")
    settle(db, central)
    executor = Held()
    hub = _hub(db, central, server, tmp_path, "ward3-wu")
    window = _window(qtbot, db, tmp_path, user, hub, Background(executor))
    phone = _with_phone(window, db, user)
    window.open_patient(first)
    yield window, executor, phone, task, second
    hub.stop()


def test_the_task_is_dialled_once_the_server_grants_it(slow_claim) -> None:
    window, executor, phone, task, _second = slow_claim
    window.call_action.trigger()
    phone.dial.assert_not_called()  # not before the server has answered

    executor.release()

    phone.dial.assert_called_once_with("13800138000")
    assert window.sync is not None and window.sync.queue is not None
    assert [held.task_id for held in window.sync.queue.held()] == [task]


def test_a_card_changed_while_the_task_was_taken_is_not_dialled(slow_claim) -> None:
    window, executor, phone, _task, second = slow_claim
    window.call_action.trigger()
    window.open_patient(second)  # the agent moved on while the server was asked

    executor.release()

    phone.dial.assert_not_called()
    assert window.statusBar().currentMessage() == (
        "The card changed meanwhile, so nobody was called."
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as started:
        yield started


def _offline_window(qtbot, tmp_path: Path, config: CentralConfig) -> tuple[MainWindow, SyncHub]:
    db = workstation(tmp_path, "ward")
    user = _user(db, "sun")
    hub = SyncHub(db, config, None, interval_s=0.5, listen=False)
    return _window(qtbot, db, tmp_path, user, hub), hub


def test_a_wrong_password_is_named_in_the_window(qtbot, tmp_path: Path, cluster: Cluster) -> None:
    right = cluster.create_database("window_password")
    window, hub = _offline_window(qtbot, tmp_path, right.with_password("wrong"))
    try:
        qtbot.waitUntil(lambda: "Offline" in window.sync_label.text(), timeout=10_000)
        assert "refused this workstation (password?)" in window.sync_label.text()
        assert "secret set central.password" in window.sync_label.toolTip()
    finally:
        hub.stop()


def test_a_newer_central_schema_is_named_in_the_window(
    qtbot, tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    with server.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    window, hub = _offline_window(qtbot, tmp_path, central)
    try:
        qtbot.waitUntil(lambda: "Offline" in window.sync_label.text(), timeout=10_000)
        assert "another version" in window.sync_label.text()
        assert "newer than this agent_desk" in window.sync_label.toolTip()
    finally:
        hub.stop()


def test_a_full_local_disk_is_named_and_sync_resumes_once_there_is_room(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    other = workstation(tmp_path, "other")
    with other.write() as session:
        for n in range(400):
            session.add(Patient(record_no=f"D{n:05}", name="王" * 30, address="北京" * 100))
    settle(other, central)
    db = workstation(tmp_path, "ward")
    user = _user(db, "qian")
    with db.engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    limit_size(db, pages + 2)
    # The disk's limit is set on this process's connections: the cycles run here too.
    cycles = InThreadCycles(db, central)
    hub = SyncHub(db, central, None, interval_s=0.5, listen=False, cycles=cycles)
    window = _window(qtbot, db, tmp_path, user, hub)
    try:
        qtbot.waitUntil(lambda: "disk is full" in window.sync_label.text(), timeout=10_000)
        limit_size(db, 1_000_000)
        hub.runner.sync_now()
        qtbot.waitUntil(lambda: window.sync_label.text().startswith("● Online"), timeout=20_000)
    finally:
        hub.stop()


def test_wrong_central_settings_are_a_warning_not_a_crash(tmp_path: Path, memory_keyring) -> None:
    db = workstation(tmp_path, "ward")
    (tmp_path / "settings.json").write_text('{"central.url": "mysql://server/followup"}')
    settings = Settings(tmp_path / "settings.json")
    hub, warning = prepare_sync(db, settings, DataDir(tmp_path), _user(db, "chen"))
    assert hub is None and warning is None  # not configured: the workstation works alone
    assert "must be a PostgreSQL URL" in settings.problems[0]


def test_a_damaged_queue_journal_keeps_sync_but_stops_the_queue(
    tmp_path: Path, central: CentralConfig, memory_keyring
) -> None:
    db = workstation(tmp_path, "ward")
    settings = Settings(tmp_path / "settings.json")
    settings.set("central.url", central.url)
    (tmp_path / JOURNAL_NAME).write_text("{ half written", "utf-8")
    hub, warning = prepare_sync(db, settings, DataDir(tmp_path), _user(db, "zhao"))
    assert hub is not None and hub.queue is None
    assert warning is not None and "journal" in warning
    assert (tmp_path / JOURNAL_NAME).read_text("utf-8") == "{ half written"  # left for a person
