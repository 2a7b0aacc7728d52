"""A restore and the audit chain: the new segment that carries the chain on.

A restore puts the backup's chain back, at the backup's last event (#B), while the
central server may already hold the events written after it (up to #N, with the
database that was replaced). Appending #B+1 again would clash with the server's #B+1, or
fork the chain without a word. So a restore starts a new segment instead: a chain of its
own (a new id in the workstation column), whose first event is the restore itself and
names, in its detail,

    restored_chain, restored_seq, restored_hash   the chain and event the backup ended at
                                                  (#B; 0 and 64 zeros for none)
    previous_chain, previous_seq, previous_hash   where the replaced database's chain
                                                  ended (#N), when it could be read

and whose prev_hash is restored_hash: the segment goes on from #B as a branch named in
the open. The old chain's head stays at #B and names the segment (superseded_by), so
that appends go there.

Verifying (agent_desk.db.audit_verify) a segment accepts this one link at its start, and
checks it: the restored chain's event #B must be there with that hash, and the previous
chain must not go on past #N (nothing was added to it after it was restored over). On
the central server, which holds every event uploaded, the previous chain must also reach
#N: the events the replaced database wrote but never uploaded were lost by the restore,
and the verifier says so. Anything else (a changed, removed or inserted event) breaks the
chain as before.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db.audit_chain import GENESIS_HASH, current_head, link_event
from agent_desk.db.base import new_id
from agent_desk.db.models import AuditChainHead, AuditEvent
from agent_desk.domain.enums import AuditAction


@dataclass(frozen=True, slots=True)
class ChainEnd:
    chain: uuid.UUID
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class RestoreLink:
    restored: ChainEnd
    previous: ChainEnd | None

    def detail(self) -> dict[str, Any]:
        previous = self.previous
        return {
            "restored_chain": str(self.restored.chain),
            "restored_seq": self.restored.seq,
            "restored_hash": self.restored.hash,
            "previous_chain": None if previous is None else str(previous.chain),
            "previous_seq": None if previous is None else previous.seq,
            "previous_hash": None if previous is None else previous.hash,
        }

    @classmethod
    def of(cls, action: str, detail_text: str) -> RestoreLink | None:
        """The link a chain's first event makes, if it is a restore that names one."""
        if action != AuditAction.RESTORE.value:
            return None
        try:
            detail = json.loads(detail_text)
            restored = ChainEnd(
                uuid.UUID(detail["restored_chain"]),
                int(detail["restored_seq"]),
                str(detail["restored_hash"]),
            )
            previous = None
            if detail.get("previous_chain") is not None:
                previous = ChainEnd(
                    uuid.UUID(detail["previous_chain"]),
                    int(detail["previous_seq"]),
                    str(detail["previous_hash"]),
                )
        except (ValueError, KeyError, TypeError):
            return None
        return cls(restored, previous)


def current_end(session: Session, workstation: uuid.UUID) -> ChainEnd | None:
    """Where the chain events are appended to ends now (read before a restore)."""
    head = current_head(session, workstation)
    return None if head is None else ChainEnd(head.workstation, head.chain_seq, head.hash)


def start_segment(
    session: Session,
    workstation: uuid.UUID,
    actor: str,
    previous: ChainEnd | None,
    entity_type: str | None,
    entity_id: str | None,
    detail: dict[str, Any],
) -> uuid.UUID:
    """Record the restore just made as the first event of a new segment (see above), in
    the caller's write unit of work, right after the restored database is opened; return
    the segment's id."""
    restored = current_head(session, workstation)
    if restored is None:  # a backup from before the chain began
        restored = AuditChainHead(workstation=workstation, chain_seq=0, hash=GENESIS_HASH)
        session.add(restored)
    segment = AuditChainHead(workstation=new_id(), chain_seq=0, hash=restored.hash)
    session.add(segment)
    restored.superseded_by = segment.workstation
    link = RestoreLink(ChainEnd(restored.workstation, restored.chain_seq, restored.hash), previous)
    link_event(
        session,
        segment,
        actor,
        AuditAction.RESTORE,
        entity_type,
        entity_id,
        {**detail, **link.detail()},
    )
    return segment.workstation


def _hash_at(session: Session, chain: uuid.UUID, seq: int) -> str | None:
    return session.scalar(
        select(AuditEvent.hash).where(AuditEvent.workstation == chain, AuditEvent.chain_seq == seq)
    )


def _last_seq(session: Session, chain: uuid.UUID) -> int:
    found = session.scalar(
        select(func.max(AuditEvent.chain_seq)).where(AuditEvent.workstation == chain)
    )
    return int(found or 0)


def link_problem(session: Session, link: RestoreLink, *, complete: bool) -> str | None:
    """Why a segment's restore link does not hold, or None. *complete*: this database
    holds every event uploaded (the central server), so the previous chain must reach
    the end the restore found."""
    restored = link.restored
    if restored.seq > 0 and _hash_at(session, restored.chain, restored.seq) != restored.hash:
        return (
            f"the restore names event #{restored.seq} of chain {restored.chain}, "
            "which is not there as named"
        )
    previous = link.previous
    if previous is None:
        return None
    last = _last_seq(session, previous.chain)
    if last > previous.seq:
        return (
            f"chain {previous.chain} went on after it was restored over "
            f"(#{previous.seq + 1} to #{last})"
        )
    if previous.seq > 0 and last == previous.seq:
        if _hash_at(session, previous.chain, previous.seq) != previous.hash:
            return f"event #{previous.seq} of chain {previous.chain} is not the one restored over"
    elif complete and last < previous.seq:
        return (
            f"#{last + 1} to #{previous.seq} of chain {previous.chain} were written before "
            "the restore and never uploaded: the restore lost them"
        )
    return None
