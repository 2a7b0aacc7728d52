"""The recordings' background round, run after each sync cycle on the sync thread: upload
what waits here, and apply retention (recordings.keep_days) at most once a day."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from agent_desk.db.engine import Database
from agent_desk.services.recording_retention import purge
from agent_desk.services.recording_store import RecordingStore
from agent_desk.services.recording_upload import upload_pending

log = logging.getLogger(__name__)

PURGE_EVERY_S = 24 * 3600.0
RETENTION_ACTOR = "system:retention"  # the audit's actor: no person asked for these


class RecordingCourier:
    def __init__(self, db: Database, store: RecordingStore, keep_days: Callable[[], int]) -> None:
        self._db = db
        self._store = store
        self._keep_days = keep_days
        self._last_purge = -PURGE_EVERY_S

    def __call__(self) -> None:
        report = upload_pending(self._db, self._store)
        if report.uploaded or report.skipped:
            log.info("recordings: %s", report.summary())
        now = time.monotonic()
        if self._keep_days() > 0 and now - self._last_purge >= PURGE_EVERY_S:
            self._last_purge = now
            purge(self._db, self._store, self._keep_days(), RETENTION_ACTOR)
