"""What the work queue holds (its leases and completions, as the journal stores them)
and what its calls report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from agent_desk.db.followup import AttemptResult
from agent_desk.domain.enums import AttemptOutcome, Channel
from agent_desk.sync.queue_states import FinishState, RefusalReason


@dataclass(frozen=True, slots=True)
class HeldLease:
    task_id: uuid.UUID
    fence: int
    holder: str
    staff_id: uuid.UUID | None
    expires_at: datetime | None  # the server's, for display; never compared locally
    # time.monotonic() value before which the lease is certainly live; None when unknown
    # (read back from the journal after a restart).
    deadline: float | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PendingCompletion:
    completion_id: uuid.UUID
    task_id: uuid.UUID
    fence: int
    staff_id: uuid.UUID | None
    outcome: AttemptOutcome
    channel: Channel
    at: datetime  # when the attempt happened: a fact of the call, not a lease time
    note: str | None = None
    number: str | None = None
    call_id: uuid.UUID | None = None
    # The attempt as the workstation stored it: the server applies it under this id, so
    # the outbox's copy of the same attempt is no second attempt.
    attempt_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class RefusedCompletion:
    completion: PendingCompletion
    reason: RefusalReason
    message: str


@dataclass(frozen=True, slots=True)
class FinishResult:
    state: FinishState
    completion: PendingCompletion
    attempt: AttemptResult | None  # the task's new state, when the server applied it now
    queued_because: str | None = None


@dataclass(frozen=True, slots=True)
class SendReport:
    applied: int = 0
    already_applied: int = 0
    refused: tuple[RefusedCompletion, ...] = ()
    deferred: tuple[str, ...] = ()  # still queued, with why the server could not take them


@dataclass(frozen=True, slots=True)
class RenewReport:
    renewed: tuple[HeldLease, ...] = ()
    lost: tuple[HeldLease, ...] = ()  # taken over or lapsed: the agent must not call these


@dataclass(frozen=True, slots=True)
class HeartbeatReport:
    sent: SendReport
    renewal: RenewReport
