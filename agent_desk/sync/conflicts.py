"""The review list: what the server refused, and what a person decided about it.

Nothing here is decided by a clock. KEEP_SERVER accepts the server's row (the
workstation already shows it; the local version stays in the record). REAPPLY_LOCAL
makes the local values a new change on top of the server's row, through the ORM, so it
is captured and uploaded like any edit; for a row the server never had (its insert was
refused), it queues the row as it is now, once more, for a fresh try (after the cause,
say a duplicate record number, has been put right). KEEP_SERVER on a server row that
could not come down makes the next sync read everything afresh.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from agent_desk.db import audit, sync_issues, sync_local
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.sync_codec import to_python, to_wire
from agent_desk.db.sync_issues import IssueView
from agent_desk.db.sync_local import CapturedChange, append_outbox
from agent_desk.db.sync_tables import BOOKKEEPING_COLUMNS, synced_table
from agent_desk.domain.enums import AuditAction, ConflictResolution, SyncIssueKind, SyncOp
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError


class CannotResolve(UserError):
    pass


def open_issues(db: Database) -> list[IssueView]:
    with db.read() as session:
        return sync_issues.open_issues(session)


def resolve_issue(
    db: Database, issue_id: uuid.UUID, resolution: ConflictResolution, principal: Principal
) -> None:
    """Apply a person's decision on a sync issue; the decision is audited with it. Raises
    PermissionDenied for a role that does not decide reviews (REVIEW_SYNC: supervisors
    and administrators)."""
    principal.require(Permission.REVIEW_SYNC)
    with db.write() as session:
        issue = sync_issues.get_open_issue(session, issue_id)
        if issue is None:
            raise CannotResolve("this change has been decided already (or is gone)")
        if resolution is ConflictResolution.REAPPLY_LOCAL:
            _reapply(session, issue)
        elif issue.kind is SyncIssueKind.PULL_FAILED:
            # The server's row never came down: the next sync reads everything afresh.
            sync_local.want_resync(session)
        sync_issues.mark_resolved(session, issue_id, resolution, utcnow())
        audit.record(
            session,
            principal.username,
            AuditAction.REVIEW_DECIDED,
            issue.table_name,
            issue.row_id,
            resolution=resolution.value,
            issue=issue.kind.value,
        )


def _reapply(session: Session, issue: IssueView) -> None:
    if issue.kind is SyncIssueKind.PULL_FAILED or issue.local_payload is None:
        raise CannotResolve("only a local change can be applied again")
    table = synced_table(issue.table_name)
    row: Any = session.get(table.model, issue.row_id)
    if issue.local_only:
        if row is None:
            raise CannotResolve("the local row is gone: nothing to send again")
        # As it is now (it may have been corrected since): a fresh insert for the server,
        # which carries every edit queued since, so those are held back for good.
        sync_local.supersede_pending(session, row.id, "sent again as a whole (reviewed)")
        change = CapturedChange(table.name, row.id, SyncOp.INSERT, None, to_wire(table, row))
        append_outbox(session.connection(), [change])
        return
    if issue.op is SyncOp.DELETE:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        raise CannotResolve("the row was deleted on the server; it cannot be edited")
    for key, value in to_python(table, issue.local_payload).items():
        if key not in BOOKKEEPING_COLUMNS:  # the server's, never copied back over
            setattr(row, key, value)
