"""The SQL of the review list: changes the server refused and rows that could not come down."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agent_desk.db.models import SyncConflict
from agent_desk.db.sync_codec import Wire
from agent_desk.domain.enums import ConflictResolution, SyncIssueKind, SyncOp


@dataclass(frozen=True, slots=True)
class IssueView:
    id: uuid.UUID
    kind: SyncIssueKind
    table_name: str
    row_id: uuid.UUID
    op: SyncOp | None
    error: str | None
    local_payload: Wire | None
    server_payload: Wire | None
    local_only: bool
    detected_at: datetime


def _view(row: SyncConflict) -> IssueView:
    return IssueView(
        row.id,
        row.kind,
        row.table_name,
        row.row_id,
        row.op,
        row.error,
        row.local_payload,
        row.server_payload,
        row.local_only,
        row.detected_at,
    )


def open_issues(session: Session) -> list[IssueView]:
    rows = session.scalars(
        select(SyncConflict)
        .where(SyncConflict.resolved_at.is_(None))
        .order_by(SyncConflict.detected_at)
    )
    return [_view(row) for row in rows]


def get_open_issue(session: Session, issue_id: uuid.UUID) -> IssueView | None:
    """The issue while it waits for a decision; None once decided (or never there), so
    that a second window cannot apply the same decision twice."""
    row = session.get(SyncConflict, issue_id)
    return None if row is None or row.resolved_at is not None else _view(row)


def mark_resolved(
    session: Session, issue_id: uuid.UUID, resolution: ConflictResolution, at: datetime
) -> None:
    session.execute(
        update(SyncConflict)
        .where(SyncConflict.id == issue_id)
        .values(resolved_at=at, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
