"""The append-only audit trail: who saw, heard or changed what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    """Add one event to the caller's unit of work, so it commits or fails with the action."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            detail=detail,
        )
    )


def recent(session: Session, limit: int = 100) -> list[tuple[str, AuditAction, str | None]]:
    rows = session.execute(
        select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id)
        .order_by(AuditEvent.at.desc())
        .limit(limit)
    )
    return [(actor, action, entity) for actor, action, entity in rows]
