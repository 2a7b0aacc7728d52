"""The window's side of central sync: the status in the status bar, and the work queue's
leases around a call.

SyncHub owns the SyncRunner (which runs on its own threads) and the WorkQueue. The
runner reports its status on the sync thread; the hub re-emits it as a Qt signal, which
Qt delivers on the GUI thread. SyncStatusLabel shows it in words a nurse can act on:
online or offline (local work goes on either way), when the last sync was, how much is
waiting, and what needs review; a click opens the review.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDateTime, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from agent_desk.db.engine import Database
from agent_desk.domain.enums import SyncConnection, SyncProblem
from agent_desk.sync.state import SyncStatus

# The sync machinery (and psycopg under it) loads where a central server is set up, when
# the hub is made: every window imports this module for the status label.
if TYPE_CHECKING:
    from agent_desk.sync.call_check import CallRefused
    from agent_desk.sync.central import CentralConfig
    from agent_desk.sync.queue import WorkQueue

log = logging.getLogger(__name__)


class SyncHub(QObject):
    """The runner and the work queue, as the window uses them."""

    status_changed = Signal(object)  # SyncStatus, on the GUI thread

    def __init__(
        self,
        db: Database,
        config: CentralConfig,
        queue: WorkQueue | None,
        parent: QObject | None = None,
        **runner_options: Any,
    ) -> None:
        from agent_desk.sync.capture import install_capture
        from agent_desk.sync.cycle_process import CycleProcess
        from agent_desk.sync.runner import SyncRunner

        super().__init__(parent)
        if db.local is not None:  # the cycles' Python off the window's interpreter lock
            runner_options.setdefault("cycles", CycleProcess(db.local, config))
        self.db = db
        self.queue = queue
        self.runner = SyncRunner(
            db,
            config,
            capture=install_capture(db),
            on_status=self.post,
            work_queue=queue,
            **runner_options,
        )

    def post(self, status: SyncStatus) -> None:
        """The runner's listener, called on the sync thread: a queued signal crosses over."""
        self.status_changed.emit(status)

    @property
    def status(self) -> SyncStatus:
        return self.runner.status

    def start(self) -> None:
        self.runner.start()
        self.status_changed.emit(self.runner.status)

    def stop(self) -> None:
        """At closing time: stop syncing and give back the tasks nobody finished, so that a
        colleague can take them now rather than when the leases lapse."""
        self.runner.stop()
        queue = self.queue
        if queue is None:
            return
        for held in queue.held():
            try:
                queue.release(held.task_id)
            except Exception:  # offline or gone: the lease lapses on the server by itself
                log.info("could not give back task %s at exit", held.task_id, exc_info=True)
        queue.close()

    def may_call(self, task_id: uuid.UUID) -> CallRefused | None:
        """Claim the task if needed and check the lease: None when the call may start.
        Waits on the central server: run it through Background, never on the GUI thread."""
        from agent_desk.sync.call_check import may_start_call

        if self.queue is None:
            return None
        return may_start_call(self.queue, task_id)


def refusal_text(refused: CallRefused) -> str:
    """Why the call was not started, in the user's language."""
    from agent_desk.sync.call_check import CallBlock

    match refused.block:
        case CallBlock.OFFLINE:
            return QCoreApplication.translate(
                "SyncStatus",
                "The central server cannot be reached, so this task cannot be taken now: "
                "tasks already taken can still be called and finished.",
            )
        case CallBlock.LEASED:
            return QCoreApplication.translate(
                "SyncStatus", "A colleague at %1 is working on this task; it is not called twice."
            ).replace("%1", refused.holder or "?")
        case CallBlock.BUSY:
            return QCoreApplication.translate(
                "SyncStatus", "Another workstation is taking this task at this moment; try again."
            )
        case CallBlock.NOT_OPEN:
            return QCoreApplication.translate(
                "SyncStatus", "This task is already finished or cancelled on the central server."
            )
        case CallBlock.NOT_ON_SERVER:
            return QCoreApplication.translate(
                "SyncStatus",
                "This task is not on the central server yet; it is sent with the next sync.",
            )
        case CallBlock.UNVERIFIABLE:
            return QCoreApplication.translate(
                "SyncStatus",
                "The central server cannot confirm that this task is still yours, so the "
                "call was not started. Try again when the server answers.",
            )
        case CallBlock.LAPSED:
            return QCoreApplication.translate(
                "SyncStatus",
                "Your hold on this task lapsed and it may be with a colleague now, so the call "
                "was not started. Refresh the worklist.",
            )


def describe_problem(problem: SyncProblem | None) -> str:
    texts = {
        SyncProblem.UNREACHABLE: QCoreApplication.translate(
            "SyncStatus", "the central server cannot be reached"
        ),
        SyncProblem.REFUSED: QCoreApplication.translate(
            "SyncStatus", "the central server refused this workstation (password?)"
        ),
        SyncProblem.CONFIG: QCoreApplication.translate(
            "SyncStatus", "the central server settings are wrong"
        ),
        SyncProblem.SCHEMA: QCoreApplication.translate(
            "SyncStatus", "the central database is of another version"
        ),
        SyncProblem.DISK_FULL: QCoreApplication.translate("SyncStatus", "the local disk is full"),
        SyncProblem.FIRST_SYNC: QCoreApplication.translate(
            "SyncStatus", "local data was never synced"
        ),
        SyncProblem.OTHER: QCoreApplication.translate("SyncStatus", "sync failed"),
    }
    return texts[problem] if problem is not None else ""


def status_text(status: SyncStatus) -> str:
    """One line for the status bar."""
    if status.connection is SyncConnection.DISABLED:
        return QCoreApplication.translate("SyncStatus", "Local only")
    parts: list[str] = []
    if status.connection is SyncConnection.ONLINE:
        parts.append(QCoreApplication.translate("SyncStatus", "● Online"))
    elif status.connection is SyncConnection.CONNECTING:
        parts.append(QCoreApplication.translate("SyncStatus", "○ Connecting…"))
    else:
        offline = QCoreApplication.translate("SyncStatus", "○ Offline: %1").replace(
            "%1", describe_problem(status.problem)
        )
        parts.append(offline)
    if status.last_sync_at is not None:
        when = QDateTime.fromMSecsSinceEpoch(
            round(status.last_sync_at.timestamp() * 1000)
        ).toString("HH:mm")
        parts.append(QCoreApplication.translate("SyncStatus", "synced %1").replace("%1", when))
    if status.waiting:
        parts.append(
            QCoreApplication.translate("SyncStatus", "%1 waiting").replace(
                "%1", f"{status.waiting:,}"
            )
        )
    if status.to_review:
        parts.append(
            QCoreApplication.translate("SyncStatus", "%1 to review").replace(
                "%1", str(status.to_review)
            )
        )
    return " · ".join(parts)


def status_tooltip(status: SyncStatus) -> str:
    lines = [
        QCoreApplication.translate(
            "SyncStatus", "Local work goes on whether or not the central server answers."
        )
    ]
    if status.held:
        lines.append(
            QCoreApplication.translate("SyncStatus", "Tasks held by this workstation: %1").replace(
                "%1", str(status.held)
            )
        )
    if status.last_error:
        lines.append(status.last_error)
    if status.next_attempt_at is not None:
        when = QDateTime.fromMSecsSinceEpoch(
            round(status.next_attempt_at.timestamp() * 1000)
        ).toString("HH:mm:ss")
        lines.append(QCoreApplication.translate("SyncStatus", "Next try at %1").replace("%1", when))
    if status.to_review:
        lines.append(
            QCoreApplication.translate("SyncStatus", "Click to review what the server refused.")
        )
    return "\n".join(lines)


class SyncStatusLabel(QLabel):
    """The sync line in the status bar; a click asks for the review."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_status(self, status: SyncStatus) -> None:
        self.setText(status_text(status))
        self.setToolTip(status_tooltip(status))
        if status.to_review or status.problem in (
            SyncProblem.REFUSED,
            SyncProblem.CONFIG,
            SyncProblem.SCHEMA,
            SyncProblem.DISK_FULL,
            SyncProblem.FIRST_SYNC,
        ):
            colour = "#b3261e"  # needs a person
        elif status.connection is SyncConnection.ONLINE:
            colour = "#1b6e20"
        else:
            colour = "#8a5a00"  # offline: fine for hours, worth knowing
        self.setStyleSheet(f"QLabel {{ color: {colour}; }}")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)
