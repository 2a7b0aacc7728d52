"""The work queue's answers as enums: may a call start, how a finish ended, why the
server refused a completion."""

from __future__ import annotations

from enum import StrEnum


class StartVerdict(StrEnum):
    """May the agent dial now?"""

    LIVE = "live"  # the server confirmed the lease just now
    LIVE_BY_COUNTDOWN = "live_by_countdown"  # server unreachable; certainly not lapsed yet
    LAPSED = "lapsed"  # the server says expired, taken over or gone
    UNVERIFIABLE = "unverifiable"  # server unreachable and the countdown has run out
    NOT_HELD = "not_held"


CALL_ALLOWED = frozenset({StartVerdict.LIVE, StartVerdict.LIVE_BY_COUNTDOWN})


class FinishState(StrEnum):
    COMPLETED = "completed"  # applied on the central server
    QUEUED = "queued"  # written to the journal; sent when the server answers


class RefusalReason(StrEnum):
    """Why the server refused a completion; the completion stays in the journal."""

    NO_LEASE = "no_lease"
    TAKEN_OVER = "taken_over"
    EXPIRED = "expired"
    TASK_NOT_OPEN = "task_not_open"  # closed meanwhile, e.g. cancelled after a death
    REJECTED = "rejected"  # the server refused its data (e.g. a staff id it does not know)
