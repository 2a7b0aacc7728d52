"""The append-only audit trail: who saw, heard or changed what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_desk.db import audit_chain, sync_local
from agent_desk.db.models import AuditEvent
from agent_desk.domain.enums import AuditAction


def record(
    session: Session,
    actor: str,
    action: AuditAction,
    entity_type: str | None = None,
    entity_id: object | None = None,
    **detail: Any,
) -> None:
    """Add one event to this workstation's hash chain (agent_desk.db.audit_chain), in the
    caller's unit of work, so it commits or fails with the action. Call it inside
    Database.write(): the chain's head must be read under the write lock."""
    workstation = sync_local.ensure_state(session).client_id
    audit_chain.append(
        session,
        workstation,
        actor,
        action,
        entity_type,
        None if entity_id is None else str(entity_id),
        detail,
    )


def recent(session: Session, limit: int = 100) -> list[tuple[str, AuditAction, str | None]]:
    rows = session.execute(
        select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.chain_seq.desc())
        .limit(limit)
    )
    return [(actor, action, entity) for actor, action, entity in rows]
