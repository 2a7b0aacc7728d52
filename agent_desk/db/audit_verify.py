"""Verifying audit chains (agent_desk.db.audit_chain defines what is hashed).

A workstation verifies its own chain and its head; the central server verifies every
workstation's chain as uploaded. On SQLite the rows are read as the text they are stored
as and turned into canonical text directly: through the ORM's types a million events
take most of a minute, and the goal is seconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from agent_desk.db.audit_chain import (
    GENESIS_HASH,
    canonical_content,
    canonical_detail,
    canonical_time,
    chain_hash,
)
from agent_desk.db.audit_restore import RestoreLink, link_problem
from agent_desk.db.base import utcnow
from agent_desk.db.models import AuditChainHead, AuditEvent
from agent_desk.domain.enums import AuditAction

_BATCH = 20_000

# One event in canonical text: id, chain_seq, at, actor, action, entity_type, entity_id,
# detail, prev_hash, hash. Plain tuples: a dataclass per row would cost a second a million.
ChainRow = tuple[str, Any, str, str, str, str | None, str | None, str, str | None, str | None]


@dataclass(frozen=True)
class ChainBreak:
    """The first event that no longer verifies, and why."""

    event_id: str
    at: str  # canonical UTC time
    action: str
    chain_seq: int | None
    reason: str

    def line(self) -> str:
        when = self.at.replace("T", " ")[:19]
        return (
            f"event {self.event_id} ({when} UTC, {self.action}, #{self.chain_seq}): {self.reason}"
        )


@dataclass(frozen=True)
class ChainReport:
    workstation: uuid.UUID
    events: int
    broken: ChainBreak | None


def verify_rows(
    workstation: uuid.UUID,
    rows: Iterable[ChainRow],
    head: tuple[int, str] | None = None,
    cut: tuple[int, str] | None = None,
) -> tuple[int, ChainBreak | None]:
    """Walk one chain in chain_seq order; return how many events verified and the first
    break. *head* (last seq, last hash), where known, must match the last event. *cut*,
    the head of a chain a restore put back (agent_desk.db.audit_restore), must match its
    event instead: the events after it are copies of the server's, pulled back."""
    station = str(workstation)
    expected, prev, last = 1, GENESIS_HASH, None
    for row in rows:
        event_id, seq, at, actor, action, entity_type, entity_id, detail, prev_hash, digest = row
        if seq != expected or prev_hash != prev:
            linked = _restore_link(action, detail, prev_hash) if seq == expected == 1 else None
            if linked is None:
                return expected - 1, _break(row, _misplaced(seq, expected))
            prev = linked  # a segment a restore started goes on from the backup's end
        content = canonical_content(
            station, seq, event_id, at, actor, action, entity_type, entity_id, detail
        )
        if digest != chain_hash(prev, content):
            return expected - 1, _break(row, "its content was changed")
        if cut is not None and seq == cut[0] and digest != cut[1]:
            return expected - 1, _break(row, "it is not the event its restored head names")
        prev, expected, last = digest, expected + 1, row
    count = expected - 1
    if cut is not None and count < cut[0]:
        reason = f"the chain ends at #{count} but its restored head is #{cut[0]}"
        if last is None:
            return count, ChainBreak("-", canonical_time(utcnow()), "-", None, reason)
        return count, _break(last, reason + ": the events after this one were removed")
    if head is not None and head != (count, prev):
        kept = f"#{head[0]}" if head[0] else "missing"
        reason = f"the chain ends at #{count} but its head is {kept}"
        if last is None:
            return count, ChainBreak("-", canonical_time(utcnow()), "-", None, reason)
        if head[0]:
            reason += ": the events after this one were removed"
        return count, _break(last, reason)
    return count, None


def _restore_link(action: str, detail: str, prev_hash: str | None) -> str | None:
    """*prev_hash*, if a chain's first event is a restore that goes on from it."""
    link = RestoreLink.of(action, detail)
    return link.restored.hash if link is not None and link.restored.hash == prev_hash else None


def _misplaced(seq: Any, expected: int) -> str:
    if isinstance(seq, int) and seq > expected:
        return f"#{expected} to #{seq - 1} are missing"
    if seq == expected:
        return "does not follow the event before it (an event was removed or inserted)"
    return f"out of place: #{expected} expected here"


def _break(row: ChainRow, reason: str) -> ChainBreak:
    seq = row[1] if isinstance(row[1], int) else None
    return ChainBreak(row[0], row[2], row[4], seq, reason)


def _hex(stored: object) -> str:
    # An id as written (16 bytes), or whatever a hand edit put there, to be named.
    return stored.hex() if isinstance(stored, bytes) else str(stored)


def _hyphenated(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


_decode_json = json.JSONDecoder().decode
_DETAIL_CACHE_SIZE = 50_000


def _detail_text(stored: str | None, cache: dict[str, str]) -> str:
    """The canonical text of a detail as SQLite stores it. Most details repeat (an unmask
    names one of a few fields, an export its kind), so each stored text is converted once."""
    if stored is None:
        return "null"
    text = cache.get(stored)
    if text is None:
        try:
            text = canonical_detail(_decode_json(stored))
        except ValueError:
            return stored  # not JSON any more: cannot match the hash, which names the event
        if len(cache) >= _DETAIL_CACHE_SIZE:
            cache.clear()
        cache[stored] = text
    return text


def _sqlite_rows(session: Session, workstation: uuid.UUID) -> Iterator[ChainRow]:
    # SQLite keeps UUIDs as their 16 bytes (db.base.Id) and times as
    # "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    details: dict[str, str] = {}
    try:
        cursor.execute(
            "SELECT id, chain_seq, at, actor, action, entity_type, entity_id, detail, "
            "prev_hash, hash FROM audit_events WHERE workstation = ? "
            # (workstation, chain_seq) is unique: its index gives the order with no sort of
            # a million rows (a third of the verify's time); rows without a number (none
            # are written so) come first and break the chain there, as before.
            "ORDER BY chain_seq",
            (workstation.bytes,),
        )
        while batch := cursor.fetchmany(_BATCH):
            for event_id, seq, at, actor, action, kind, entity, detail, prev, digest in batch:
                yield (
                    _hyphenated(_hex(event_id)),
                    seq,
                    str(at).replace(" ", "T", 1),
                    actor,
                    action,
                    kind,
                    entity,
                    _detail_text(detail, details),
                    prev,
                    digest,
                )
    finally:
        cursor.close()


def _typed_rows(session: Session, workstation: uuid.UUID) -> Iterator[ChainRow]:
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
    for event_id, seq, at, actor, action, kind, entity, detail, prev, digest in session.execute(
        query
    ):
        yield (
            str(event_id),
            seq,
            canonical_time(at),
            actor,
            action,
            kind,
            entity,
            canonical_detail(detail),
            prev,
            digest,
        )


def chain_rows(session: Session, workstation: uuid.UUID) -> Iterator[ChainRow]:
    """One workstation's events in chain order, streamed, in canonical text."""
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_rows(session, workstation)
    return _typed_rows(session, workstation)


def chain_head(session: Session, workstation: uuid.UUID) -> tuple[int, str] | None:
    head = session.get(AuditChainHead, workstation)
    return None if head is None else (head.chain_seq, head.hash)


def _restored_over(session: Session, workstation: uuid.UUID) -> bool:
    head = session.get(AuditChainHead, workstation)
    return head is not None and head.superseded_by is not None


def _first_event(session: Session, workstation: uuid.UUID) -> AuditEvent | None:
    return session.scalar(
        select(AuditEvent).where(AuditEvent.workstation == workstation, AuditEvent.chain_seq == 1)
    )


def workstations(session: Session) -> list[uuid.UUID]:
    """Every workstation with a chain in this database (the central server holds all)."""
    found = session.scalars(
        select(AuditEvent.workstation).where(AuditEvent.workstation.is_not(None)).distinct()
    )
    return sorted(ws for ws in found if ws is not None)


def verify_chain(session: Session, workstation: uuid.UUID, *, with_head: bool) -> ChainReport:
    """*with_head*: the chain was written here, so its head must match (and a chain with
    events but no head has lost it)."""
    head = cut = None
    if with_head:
        head = chain_head(session, workstation) or (0, GENESIS_HASH)
        if _restored_over(session, workstation):
            head, cut = None, head
    count, broken = verify_rows(workstation, chain_rows(session, workstation), head, cut)
    if broken is None:
        broken = _link_break(session, workstation, complete=not with_head)
    return ChainReport(workstation, count, broken)


def _link_break(session: Session, workstation: uuid.UUID, *, complete: bool) -> ChainBreak | None:
    """A segment's restore link checked against the chains it names (its own events are
    verified already)."""
    first = _first_event(session, workstation)
    if first is None or first.action is not AuditAction.RESTORE:
        return None
    link = RestoreLink.of(first.action.value, canonical_detail(first.detail))
    if link is None:
        return None
    problem = link_problem(session, link, complete=complete)
    if problem is None:
        return None
    return ChainBreak(str(first.id), canonical_time(first.at), first.action.value, 1, problem)


def verify_local(session: Session, workstation: uuid.UUID | None) -> list[ChainReport]:
    """The chains written in this database: every one with a head, and *workstation*'s
    (this one's sync identity, None if it has none) even if its head was removed."""
    heads = set(session.scalars(select(AuditChainHead.workstation)))
    if workstation is not None:
        heads.add(workstation)
    else:
        # Only sync makes rows of other workstations arrive, and sync needs the identity:
        # chained rows without one mean the identity was removed.
        heads.update(workstations(session))
    return [verify_chain(session, chain, with_head=True) for chain in sorted(heads)]
