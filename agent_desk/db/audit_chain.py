"""The audit log's hash chain: how an event is hashed and appended (agent_desk.db.audit_verify
walks a chain back).

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

A restore puts an older chain back; appends then go on in a new segment (a chain of its
own whose first event links to the restored end), as agent_desk.db.audit_restore says.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from hashlib import sha256
from json.encoder import encode_basestring as _encode_string  # as json.dumps with ensure_ascii off
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from agent_desk.db.base import new_id, utcnow
from agent_desk.db.models import AuditChainHead, AuditEvent
from agent_desk.domain.enums import AuditAction

GENESIS_HASH = "0" * 64
_BATCH = 20_000


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


_DETAIL_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_detail(detail: Any) -> str:
    return _DETAIL_ENCODER.encode(detail)


def _json_text(value: str | None) -> str:
    return "null" if value is None else _encode_string(value)


def canonical_content(
    workstation: str,
    chain_seq: int,
    event_id: str,
    at: str,
    actor: str,
    action: str,
    entity_type: str | None,
    entity_id: str | None,
    detail: str,
) -> bytes:
    """The bytes an event's hash covers (the module docstring defines them), from the
    fields already in canonical text: UUIDs hyphenated, *at* from canonical_time, *detail*
    from canonical_detail. Assembled piece by piece, byte for byte what json.dumps makes
    of the whole array, because verifying a million events must stay within seconds."""
    return (
        f'["{workstation}",{chain_seq:d},"{event_id}","{at}",{_encode_string(actor)},'
        f"{_encode_string(action)},{_json_text(entity_type)},{_json_text(entity_id)},{detail}]"
    ).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    return sha256(prev_hash.encode("ascii") + content).hexdigest()


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
    head = current_head(session, workstation)
    if head is None:
        head = AuditChainHead(workstation=workstation, chain_seq=0, hash=GENESIS_HASH)
        session.add(head)
        # The genesis: events from before the chain stay outside it (migration 0007 says
        # why); their number, as found here, is written into the chain's first event.
        unchained = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.workstation.is_(None))
        )
        before = {"events_before": unchained or 0}
        link_event(session, head, "system", AuditAction.CHAIN_STARTED, None, None, before)
    link_event(session, head, actor, action, entity_type, entity_id, detail)


def current_head(session: Session, workstation: uuid.UUID) -> AuditChainHead | None:
    """The head events are appended to: *workstation*'s own, or, once a restore started
    a new segment in its place (agent_desk.db.audit_restore), the newest segment's."""
    head = session.get(AuditChainHead, workstation, with_for_update=True)
    seen = {workstation}
    while head is not None and head.superseded_by is not None:
        if head.superseded_by in seen:
            raise ValueError(f"the audit chain heads name each other in a loop at {workstation}")
        seen.add(head.superseded_by)
        head = session.get(AuditChainHead, head.superseded_by, with_for_update=True)
    return head


def link_event(
    session: Session,
    head: AuditChainHead,
    actor: str,
    action: AuditAction,
    entity_type: str | None,
    entity_id: str | None,
    detail: dict[str, Any],
) -> None:
    """Hash the next event onto *head*, which moves on to it."""
    session.add(AuditEvent(**_next(head, actor, action, entity_type, entity_id, detail)))


def _next(
    head: AuditChainHead,
    actor: str,
    action: AuditAction,
    entity_type: str | None,
    entity_id: str | None,
    detail: dict[str, Any],
) -> dict[str, Any]:
    """The next event's columns, hashed onto *head*, which moves on to it."""
    # Stored exactly as JSON gives it back, so the hash made now is the one recomputed later.
    detail = json.loads(json.dumps(detail, ensure_ascii=False))
    event_id, at, seq = new_id(), utcnow(), head.chain_seq + 1
    content = canonical_content(
        str(head.workstation),
        seq,
        str(event_id),
        canonical_time(at),
        actor,
        action.value,
        entity_type,
        entity_id,
        canonical_detail(detail),
    )
    digest = chain_hash(head.hash, content)
    values = {
        "id": event_id,
        "at": at,
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "detail": detail,
        "workstation": head.workstation,
        "chain_seq": seq,
        "prev_hash": head.hash,
        "hash": digest,
    }
    head.chain_seq, head.hash = seq, digest
    return values


def append_many(
    session: Session,
    workstation: uuid.UUID,
    events: Iterable[tuple[str, AuditAction, str | None, str | None, dict[str, Any]]],
    batch: int = _BATCH,
) -> None:
    """Append many events at once (actor, action, entity type, entity id, detail each) in
    one bulk insert per batch: for generating large chains, not for the outbox-captured
    workstation (a bulk statement on a synced table is refused there)."""
    head = session.get(AuditChainHead, workstation, with_for_update=True)
    if head is None:
        head = AuditChainHead(workstation=workstation, chain_seq=0, hash=GENESIS_HASH)
        session.add(head)
    rows: list[dict[str, Any]] = []
    for event in events:
        rows.append(_next(head, *event))
        if len(rows) >= batch:
            session.execute(insert(AuditEvent), rows)
            rows = []
    if rows:
        session.execute(insert(AuditEvent), rows)
