"""The uploader: recordings made here go to the central server, chunked, with their checksum.

Run after each sync cycle (SyncRunner's after_cycle) and by `agent-desk recordings upload`.
Resumable: every chunk is its own statement, and a retry sends only the chunks the server
lacks. A server that vanishes mid-way leaves the recording LOCAL for next time; a copy that
fails its own checks here is flagged and skipped (it cannot be uploaded as it is).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from agent_desk.db import recording_blobs
from agent_desk.db import recordings as held_recordings
from agent_desk.db.engine import Database
from agent_desk.db.recording_blobs import BlobFacts
from agent_desk.db.recordings import HeldRecording
from agent_desk.db.sync_central import PgConnection
from agent_desk.domain.enums import RecordingLocation
from agent_desk.services.recording_store import RecordingStore, RecordingUnavailable
from agent_desk.sync.cycle import client_id

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024  # a few statements per minute of speech; small enough to resume


@dataclass
class UploadReport:
    uploaded: list[uuid.UUID] = field(default_factory=list)
    chunks_sent: int = 0
    skipped: list[uuid.UUID] = field(default_factory=list)  # flagged missing or corrupt here

    def summary(self) -> str:
        text = f"uploaded {len(self.uploaded)} recordings ({self.chunks_sent} chunks)"
        if self.skipped:
            text += f"; {len(self.skipped)} could not be read here and were flagged"
        return text


def upload_pending(
    db: Database, store: RecordingStore, *, chunk_bytes: int = CHUNK_BYTES, limit: int = 100
) -> UploadReport:
    """Send every recording still LOCAL (up to *limit*); raises a SyncError when the server
    cannot be reached or goes away, leaving what is not finished for the next call."""
    report = UploadReport()
    with db.read() as session:
        waiting = held_recordings.waiting_upload(session, limit)
    if not waiting or store.central is None:
        return report
    me = client_id(db)
    with store.central_connection() as conn:
        for held in waiting:
            try:
                flac = store.read_local(held)
            except RecordingUnavailable as problem:
                log.error("not uploaded: %s", problem)
                report.skipped.append(held.call_id)
                continue
            report.chunks_sent += _send(conn, held, flac, me, chunk_bytes)
            with db.write() as session:
                held_recordings.set_location(
                    session, held.call_id, RecordingLocation.UPLOADED, uploaded=True
                )
            report.uploaded.append(held.call_id)
    return report


def _send(
    conn: PgConnection, held: HeldRecording, flac: bytes, me: uuid.UUID, chunk_bytes: int
) -> int:
    pieces = [flac[at : at + chunk_bytes] for at in range(0, len(flac), chunk_bytes)] or [b""]
    facts = BlobFacts(
        held.call_id,
        held.started_at,
        held.duration_s,
        len(flac),
        held.sha256,
        held.codec,
        len(pieces),
    )
    there = recording_blobs.begin(conn, facts, me)
    sent = 0
    for seq, piece in enumerate(pieces):
        if seq not in there:
            recording_blobs.put_chunk(conn, held.call_id, seq, piece)
            sent += 1
    if not recording_blobs.finish(conn, held.call_id):
        raise RuntimeError(f"the central copy of call {held.call_id} is still incomplete")
    return sent
