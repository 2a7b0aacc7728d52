"""Connects the workstation to the central server the settings name (part of the
composition root). Without central.url the workstation is local only, as before."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from agent_desk.db.engine import Database
from agent_desk.domain.views import StaffView
from agent_desk.paths import DataDir
from agent_desk.services.recording_store import RecordingStore
from agent_desk.settings import Settings
from agent_desk.sync.errors import SyncError
from agent_desk.sync.queue_errors import JournalDamaged
from agent_desk.ui.sync_status import SyncHub

if TYPE_CHECKING:
    from agent_desk.sync.queue import WorkQueue

log = logging.getLogger(__name__)

JOURNAL_NAME = "work_queue.json"


def prepare_sync(
    db: Database,
    settings: Settings,
    data_dir: DataDir,
    staff: StaffView,
    recordings: RecordingStore | None = None,
) -> tuple[SyncHub | None, str | None]:
    """The hub (not started yet), and a warning for the user when sync cannot run as set
    up; local work goes on in every case."""
    if not settings.get("central.url"):
        return None, None
    # Only now: a workstation without a central server never loads the sync machinery.
    from agent_desk.services.recording_courier import RecordingCourier
    from agent_desk.sync.central import config_from_settings, workstation_name
    from agent_desk.sync.cycle import client_id
    from agent_desk.sync.queue import WorkQueue

    try:
        config = config_from_settings(settings.get)
    except SyncError as exc:
        log.warning("central sync not started: %s", exc)
        return None, QCoreApplication.translate(
            "SyncSetup",
            "The central server settings are wrong, so this workstation works alone for now:\n%1",
        ).replace("%1", str(exc))
    warning = None
    queue: WorkQueue | None = None
    try:
        queue = WorkQueue.for_central(
            config,
            data_dir.root / JOURNAL_NAME,
            holder=f"{workstation_name()}/{staff.username}"[:64],
            staff_id=staff.id,
            department_id=staff.department_id,
            client_id=client_id(db),
        )
    except JournalDamaged as exc:
        # Sync goes on; the queue waits until someone has looked at the journal, which
        # may hold finished calls the server has not got yet.
        log.error("work queue not started: %s", exc)
        warning = QCoreApplication.translate(
            "SyncSetup", "The shared work queue is off: its journal cannot be read.\n%1"
        ).replace("%1", str(exc))
    after_cycle = None
    if recordings is not None:
        after_cycle = RecordingCourier(db, recordings, lambda: settings.get("recordings.keep_days"))
    return SyncHub(db, config, queue, after_cycle=after_cycle), warning
