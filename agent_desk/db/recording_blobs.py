"""Recordings on the central PostgreSQL: recording_blobs (one per call) and
recording_chunks (its bytes, in order), through psycopg on the caller's connection.

Each statement is its own transaction on an autocommit connection, so that an upload cut
off by a vanished server keeps the chunks it had sent: the next try sends only the rest.
Timestamps are naive UTC, as every central column (see sync_central).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent_desk.domain.enums import RecordingCodec

if TYPE_CHECKING:  # psycopg loads where a central server is used, not for every window
    from agent_desk.db.sync_central import PgConnection


@dataclass(frozen=True, slots=True)
class BlobFacts:
    call_id: uuid.UUID
    started_at: datetime  # aware UTC
    duration_s: float
    bytes: int
    sha256: str
    codec: RecordingCodec
    chunk_count: int


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def begin(conn: PgConnection, facts: BlobFacts, uploaded_by: uuid.UUID) -> set[int]:
    """Make the blob's row unless there is one for this very recording; the chunks already
    there. A different recording under the same call (an upload begun from a copy since
    replaced) starts again from nothing."""
    row = conn.execute(
        "SELECT sha256, chunk_count FROM recording_blobs WHERE call_id = %s", (facts.call_id,)
    ).fetchone()
    if row is not None and (row[0], row[1]) != (facts.sha256, facts.chunk_count):
        conn.execute("DELETE FROM recording_blobs WHERE call_id = %s", (facts.call_id,))
        row = None
    if row is None:
        conn.execute(
            "INSERT INTO recording_blobs (call_id, started_at, duration_s, bytes, sha256, codec, "
            "chunk_count, complete, uploaded_by, uploaded_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, false, %s, now() AT TIME ZONE 'UTC') "
            "ON CONFLICT (call_id) DO NOTHING",
            (
                facts.call_id,
                _naive(facts.started_at),
                facts.duration_s,
                facts.bytes,
                facts.sha256,
                facts.codec.value,
                facts.chunk_count,
                uploaded_by,
            ),
        )
    seqs = conn.execute(
        "SELECT seq FROM recording_chunks WHERE call_id = %s", (facts.call_id,)
    ).fetchall()
    return {int(seq) for (seq,) in seqs}


def put_chunk(conn: PgConnection, call_id: uuid.UUID, seq: int, data: bytes) -> None:
    conn.execute(
        "INSERT INTO recording_chunks (call_id, seq, data) VALUES (%s, %s, %s) "
        "ON CONFLICT (call_id, seq) DO NOTHING",
        (call_id, seq, data),
    )


def finish(conn: PgConnection, call_id: uuid.UUID) -> bool:
    """Mark the blob complete when every chunk is in; whether it is."""
    row = conn.execute(
        "UPDATE recording_blobs b SET complete = true WHERE call_id = %s AND chunk_count = "
        "(SELECT count(*) FROM recording_chunks c WHERE c.call_id = b.call_id) RETURNING 1",
        (call_id,),
    ).fetchone()
    return row is not None


def complete_facts(conn: PgConnection, call_id: uuid.UUID) -> BlobFacts | None:
    """The blob's facts when it is complete; None when absent or still uploading."""
    row = conn.execute(
        "SELECT call_id, started_at, duration_s, bytes, sha256, codec, chunk_count "
        "FROM recording_blobs WHERE call_id = %s AND complete",
        (call_id,),
    ).fetchone()
    if row is None:
        return None
    return BlobFacts(
        row[0], row[1].replace(tzinfo=UTC), row[2], row[3], row[4], RecordingCodec(row[5]), row[6]
    )


def read_chunks(conn: PgConnection, call_id: uuid.UUID) -> Iterator[bytes]:
    """The blob's bytes, chunk by chunk in order."""
    with conn.cursor() as cur:
        cur.execute("SELECT data FROM recording_chunks WHERE call_id = %s ORDER BY seq", (call_id,))
        for (data,) in cur:
            yield bytes(data)


def older_than(conn: PgConnection, cutoff: datetime) -> list[uuid.UUID]:
    rows = conn.execute(
        "SELECT call_id FROM recording_blobs WHERE started_at < %s", (_naive(cutoff),)
    ).fetchall()
    return [row[0] for row in rows]


def delete(conn: PgConnection, call_id: uuid.UUID) -> bool:
    """Delete a blob and its chunks (ON DELETE CASCADE); whether there was one."""
    row = conn.execute(
        "DELETE FROM recording_blobs WHERE call_id = %s RETURNING 1", (call_id,)
    ).fetchone()
    return row is not None
