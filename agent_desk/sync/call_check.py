"""Before dialling a task of the shared queue: may this workstation call it now?

The rule lives here, below the window, so that every screen that dials asks the same
question. It waits on the central server (up to the connect timeout when the server does
not answer), so the window asks it off the GUI thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from agent_desk.db.leases import TaskUnavailable, Unavailable
from agent_desk.sync.queue import WorkQueue
from agent_desk.sync.queue_errors import Offline
from agent_desk.sync.queue_states import CALL_ALLOWED, StartVerdict


class CallBlock(StrEnum):
    """Why a call on a shared task may not start."""

    OFFLINE = "offline"  # not taken yet, and only the server grants a task
    LEASED = "leased"  # a colleague holds it
    BUSY = "busy"  # another workstation is taking it this instant
    NOT_OPEN = "not_open"  # finished or cancelled on the server
    NOT_ON_SERVER = "not_on_server"  # created here, not synced yet
    UNVERIFIABLE = "unverifiable"  # held, but the server cannot confirm it still is
    LAPSED = "lapsed"  # held once; the lease ran out and may be a colleague's now


@dataclass(frozen=True)
class CallRefused:
    block: CallBlock
    holder: str | None = None  # who has the task, when LEASED


_UNAVAILABLE = {
    Unavailable.LEASED: CallBlock.LEASED,
    Unavailable.BUSY: CallBlock.BUSY,
    Unavailable.NOT_OPEN: CallBlock.NOT_OPEN,
    Unavailable.NOT_FOUND: CallBlock.NOT_ON_SERVER,
}


def may_start_call(queue: WorkQueue, task_id: uuid.UUID) -> CallRefused | None:
    """Take the task if this workstation does not hold it yet, otherwise check that the
    lease is still live: None when the call may start."""
    lease = next((held for held in queue.held() if held.task_id == task_id), None)
    if lease is None:
        try:
            queue.claim(task_id)
        except Offline:
            return CallRefused(CallBlock.OFFLINE)
        except TaskUnavailable as exc:
            return CallRefused(_UNAVAILABLE[exc.reason], exc.holder)
        return None  # granted by the server just now: live, no need to ask again
    verdict = queue.check_start(lease)
    if verdict in CALL_ALLOWED:
        return None
    if verdict is StartVerdict.UNVERIFIABLE:
        return CallRefused(CallBlock.UNVERIFIABLE)
    return CallRefused(CallBlock.LAPSED)
