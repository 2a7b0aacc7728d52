"""Retention: recordings older than recordings.keep_days are deleted here and on the central
server, each deletion audited (RECORDING_DELETED, saying where), and their calls marked
EXPIRED so that the library no longer lists them on any workstation. 0 keeps them for ever.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent_desk.db import audit, recording_blobs
from agent_desk.db import recordings as held_recordings
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, RecordingStatus
from agent_desk.services.recording_store import RecordingStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    keep_days: int
    local: int = 0
    central: int = 0
    calls_expired: int = 0

    def summary(self) -> str:
        if self.keep_days <= 0:
            return "recordings.keep_days is 0: recordings are kept for ever, nothing deleted"
        return (
            f"deleted {self.local} recordings here and {self.central} on the central server "
            f"(older than {self.keep_days} days); {self.calls_expired} calls marked expired"
        )


def purge(
    db: Database,
    store: RecordingStore,
    keep_days: int,
    actor: str,
    now: datetime | None = None,
) -> PurgeReport:
    """Delete what keep_days has passed by: this disk first, then the central server (a
    server out of reach raises its SyncError after the local part is done)."""
    if keep_days <= 0:
        return PurgeReport(keep_days)
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    with db.read() as session:
        old = held_recordings.held_before(session, cutoff)
    for held in old:
        store.delete_file(held)
        with db.write() as session:
            held_recordings.forget(session, held.call_id)
            audit.record(
                session, actor, AuditAction.RECORDING_DELETED, "call", held.call_id,
                where="local", keep_days=keep_days, started_at=held.started_at.isoformat(),
            )  # fmt: skip
    central = 0
    if store.central is not None:
        with store.central_connection() as conn:
            for call_id in recording_blobs.older_than(conn, cutoff):
                if recording_blobs.delete(conn, call_id):
                    central += 1
                    with db.write() as session:
                        audit.record(
                            session, actor, AuditAction.RECORDING_DELETED, "call", call_id,
                            where="central", keep_days=keep_days,
                        )  # fmt: skip
    with db.write() as session:
        expired = held_recordings.recorded_calls_before(session, cutoff)
        for call_id in expired:
            held_recordings.mark_recording(session, call_id, RecordingStatus.EXPIRED, None)
    report = PurgeReport(keep_days, len(old), central, len(expired))
    log.info("retention: %s", report.summary())
    return report
