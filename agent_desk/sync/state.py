"""What the window's status bar shows about sync: a plain, immutable snapshot."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from agent_desk.db import sync_local
from agent_desk.db.engine import Database
from agent_desk.db.sync_local import SyncCounts
from agent_desk.domain.enums import SyncConnection, SyncProblem


@dataclass(frozen=True, slots=True)
class SyncStatus:
    connection: SyncConnection
    last_sync_at: datetime | None  # the last cycle that completed (UTC)
    pending: int  # local changes not yet on the server
    blocked: int  # held back behind a refused change to the same row
    conflicts: int  # refused changes and undeliverable rows, waiting for review
    last_error: str | None = None  # one sentence, for a tooltip or the CLI
    problem: SyncProblem | None = None  # what kind of failure last_error is
    next_attempt_at: datetime | None = None  # when offline: the next try (UTC)
    # The shared work queue (zero without one): tasks this workstation holds a lease on,
    # finished calls whose completion waits for the server, and completions it refused.
    held: int = 0
    queued_completions: int = 0
    refused_completions: int = 0
    received: int = 0  # rows the last cycle brought down: the window shows them

    @property
    def waiting(self) -> int:
        """Everything not yet on the server: changes and finished calls alike."""
        return self.pending + self.queued_completions

    @property
    def to_review(self) -> int:
        return self.conflicts + self.refused_completions

    @property
    def online(self) -> bool:
        return self.connection is SyncConnection.ONLINE

    def with_counts(self, counts: SyncCounts) -> SyncStatus:
        return replace(
            self, pending=counts.pending, blocked=counts.blocked, conflicts=counts.open_issues
        )


def read_status(db: Database, connection: SyncConnection = SyncConnection.DISABLED) -> SyncStatus:
    """The status from the local database alone (no runner, or before its first cycle)."""
    with db.read() as session:
        counts = sync_local.counts(session)
        state = sync_local.read_state(session)
    last = None if state is None else state.last_pull_at
    return SyncStatus(connection, last, 0, 0, 0).with_counts(counts)
