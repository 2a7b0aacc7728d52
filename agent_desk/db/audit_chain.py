"""The audit log's hash chain: how an event is hashed, appended and verified.

Each workstation keeps one chain of its own events (its sync client id names it; events
pulled from other workstations keep theirs, untouched). Event n of a chain stores

    hash_n = SHA-256( hash_{n-1} as 64 lowercase hex ASCII characters
                      + canonical_content(event_n) as UTF-8 )

with hash_0 = GENESIS_HASH (64 zeros), and also stores hash_{n-1} (prev_hash) and n
(chain_seq, from 1). The canonical content is the JSON array

    [workstation, chain_seq, id, at, actor, action, entity_type, entity_id, detail]

serialised with sorted object keys, separators "," and ":", and non-ASCII characters as
themselves (ensure_ascii off); workstation and id are UUIDs as lowercase hyphenated
strings, at is the UTC time as "YYYY-MM-DDTHH:MM:SS.ffffff", action is the enum's value,
detail is the JSON object stored in the row, absent entity fields are null. Everything
in it is a column of the row, so a verifier recomputes it from the row alone.

An event whose content was changed, one removed from the middle (its successor no
longer follows), one inserted (it does not follow, or its successor no longer does) or
a tail cut off (the local head, audit_chain_heads, no longer matches) breaks the chain
at the first event that no longer verifies. Someone able to rewrite the whole file can
rehash everything after a change; the copy on the central server is what catches that.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from agent_desk.db.base import new_id, utcnow
from agent_desk.db.models import AuditChainHead, AuditEvent
from agent_desk.domain.enums import AuditAction

GENESIS_HASH = "0" * 64
_BATCH = 20_000


@dataclass(frozen=True)
class ChainRow:
    """One event as the verifier sees it: the columns the hash covers, and the links."""

    id: uuid.UUID
    chain_seq: int | None
    at: datetime
    actor: str
    action: str
    entity_type: str | None
    entity_id: str | None
    detail: Any
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class ChainBreak:
    """The first event that no longer verifies, and why."""

    event_id: uuid.UUID
    at: datetime
    action: str
    chain_seq: int | None
    reason: str

    def line(self) -> str:
        when = self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"event {self.event_id} ({when}, {self.action}, #{self.chain_seq}): {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    workstation: uuid.UUID
    events: int
    broken: ChainBreak | None


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def canonical_content(
    workstation: uuid.UUID,
    chain_seq: int,
    event_id: uuid.UUID,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str | None,
    entity_id: str | None,
    detail: Any,
) -> bytes:
    """The bytes an event's hash covers (the module docstring defines them)."""
    fields = [
        str(workstation),
        chain_seq,
        str(event_id),
        canonical_time(at),
        actor,
        action,
        entity_type,
        entity_id,
        detail,
    ]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()


# --- appending ------------------------------------------------------------------------


def append(
    session: Session,
    workstation: uuid.UUID,
    actor: str,
    action: AuditAction,
    entity_type: str | None,
    entity_id: str | None,
    detail: dict[str, Any],
) -> None:
    """Add one event to *workstation*'s chain in the caller's unit of work.

    The head is read inside the caller's write transaction: on SQLite every write unit of
    work starts with BEGIN IMMEDIATE (agent_desk.db.engine), so two writers take turns and
    never link to the same predecessor; on PostgreSQL the head row is locked FOR UPDATE."""
    head = session.get(AuditChainHead, workstation, with_for_update=True)
    if head is None:
        head = AuditChainHead(workstation=workstation, chain_seq=0, hash=GENESIS_HASH)
        session.add(head)
        unchained = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.workstation.is_(None))
        )
        before = {"events_before": unchained or 0}
        _link(session, head, "system", AuditAction.CHAIN_STARTED, None, None, before)
    _link(session, head, actor, action, entity_type, entity_id, detail)


def _link(
    session: Session,
    head: AuditChainHead,
    actor: str,
    action: AuditAction,
    entity_type: str | None,
    entity_id: str | None,
    detail: dict[str, Any],
) -> None:
    # Stored exactly as JSON gives it back, so the hash made now is the one recomputed later.
    detail = json.loads(json.dumps(detail, ensure_ascii=False))
    event_id, at, seq = new_id(), utcnow(), head.chain_seq + 1
    content = canonical_content(
        head.workstation, seq, event_id, at, actor, action.value, entity_type, entity_id, detail
    )
    digest = chain_hash(head.hash, content)
    session.add(
        AuditEvent(
            id=event_id,
            at=at,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            detail=detail,
            workstation=head.workstation,
            chain_seq=seq,
            prev_hash=head.hash,
            hash=digest,
        )
    )
    head.chain_seq, head.hash = seq, digest


# --- verifying ------------------------------------------------------------------------


def verify_rows(
    workstation: uuid.UUID, rows: Iterable[ChainRow], head: tuple[int, str] | None = None
) -> tuple[int, ChainBreak | None]:
    """Walk one chain in chain_seq order; return how many events verified and the first
    break. *head* (last seq, last hash), where known, must match the last event."""
    expected_seq, prev_hash, last = 1, GENESIS_HASH, None
    count = 0
    for row in rows:
        reason = _fault(workstation, row, expected_seq, prev_hash)
        if reason is not None:
            return count, _break(row, reason)
        prev_hash, expected_seq, last = str(row.hash), expected_seq + 1, row
        count += 1
    if head is not None and head != (expected_seq - 1, prev_hash):
        reason = f"the chain ends at #{expected_seq - 1} but its head is #{head[0]}"
        if last is None:
            return count, ChainBreak(workstation, utcnow(), "-", None, reason)
        return count, _break(last, reason + ": events after this one were removed")
    return count, None


def _fault(workstation: uuid.UUID, row: ChainRow, expected_seq: int, prev: str) -> str | None:
    if row.chain_seq != expected_seq:
        if row.chain_seq is not None and row.chain_seq > expected_seq:
            return f"#{expected_seq} to #{row.chain_seq - 1} are missing"
        return f"out of place: #{expected_seq} expected here"
    if row.prev_hash != prev:
        return "does not follow the event before it (removed or inserted events)"
    content = canonical_content(
        workstation,
        row.chain_seq,
        row.id,
        row.at,
        row.actor,
        row.action,
        row.entity_type,
        row.entity_id,
        row.detail,
    )
    if row.hash != chain_hash(prev, content):
        return "its content was changed"
    return None


def _break(row: ChainRow, reason: str) -> ChainBreak:
    return ChainBreak(row.id, row.at, row.action, row.chain_seq, reason)


def chain_rows(session: Session, workstation: uuid.UUID) -> Iterator[ChainRow]:
    """One workstation's events in chain order, streamed."""
    query = (
        select(
            AuditEvent.id,
            AuditEvent.chain_seq,
            AuditEvent.at,
            AuditEvent.actor,
            # As text: a value edited into something no enum member has must still be read.
            type_coerce(AuditEvent.action, String).label("action"),
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.detail,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        )
        .where(AuditEvent.workstation == workstation)
        .order_by(AuditEvent.chain_seq, AuditEvent.at, AuditEvent.id)
        .execution_options(yield_per=_BATCH)
    )
    for row in session.execute(query):
        yield ChainRow(
            row.id,
            row.chain_seq,
            row.at,
            row.actor,
            row.action,
            row.entity_type,
            row.entity_id,
            row.detail,
            row.prev_hash,
            row.hash,
        )


def chain_head(session: Session, workstation: uuid.UUID) -> tuple[int, str] | None:
    head = session.get(AuditChainHead, workstation)
    return None if head is None else (head.chain_seq, head.hash)


def workstations(session: Session) -> list[uuid.UUID]:
    """Every workstation with a chain in this database (the central server holds all)."""
    found = session.scalars(
        select(AuditEvent.workstation).where(AuditEvent.workstation.is_not(None)).distinct()
    )
    return sorted(ws for ws in found if ws is not None)


def verify_chain(session: Session, workstation: uuid.UUID, *, with_head: bool) -> ChainReport:
    head = chain_head(session, workstation) if with_head else None
    count, broken = verify_rows(workstation, chain_rows(session, workstation), head)
    return ChainReport(workstation, count, broken)
