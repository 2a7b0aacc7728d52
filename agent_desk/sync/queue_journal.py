"""The work queue's journal: its whole offline state in one small JSON file.

The file (work_queue.json beside the local database) holds the leases this workstation
holds, the completions waiting to be sent, and those the server refused. It is rewritten
atomically (temp file, fsync, rename), so a power cut leaves the old journal or the new one.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from agent_desk import json_input
from agent_desk.domain.enums import AttemptOutcome, Channel
from agent_desk.paths import write_atomically
from agent_desk.sync.queue_errors import JournalDamaged
from agent_desk.sync.queue_records import HeldLease, PendingCompletion, RefusedCompletion
from agent_desk.sync.queue_states import RefusalReason

JOURNAL_VERSION = 1


class QueueJournal:
    """The queue's offline state in one JSON file, replaced whole on every change."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(
        self,
    ) -> tuple[dict[uuid.UUID, HeldLease], list[PendingCompletion], list[RefusedCompletion]]:
        if not self.path.exists():
            return {}, [], []
        try:
            data = json_input.read(self.path)
            if not isinstance(data, dict):
                raise ValueError(f"it holds {type(data).__name__}, not the journal's object")
            if data.get("version") != JOURNAL_VERSION:
                raise ValueError(f"version {data.get('version')} is not {JOURNAL_VERSION}")
            held = [_held_from(item) for item in data["held"]]
            pending = [_completion_from(item) for item in data["pending"]]
            refused = [
                RefusedCompletion(
                    _completion_from(item["completion"]),
                    RefusalReason(item["reason"]),
                    item["message"],
                )
                for item in data["refused"]
            ]
        except (ValueError, KeyError, TypeError) as exc:
            # Refuse to start over: the file may hold completions not yet on the server.
            raise JournalDamaged(
                f"the work queue journal {self.path} cannot be read ({exc}); "
                "move it aside only once its pending completions are accounted for"
            ) from exc
        return {lease.task_id: lease for lease in held}, pending, refused

    def save(
        self,
        held: dict[uuid.UUID, HeldLease],
        pending: list[PendingCompletion],
        refused: list[RefusedCompletion],
    ) -> None:
        data = {
            "version": JOURNAL_VERSION,
            "held": [_held_to(lease) for lease in held.values()],
            "pending": [_completion_to(item) for item in pending],
            "refused": [
                {
                    "completion": _completion_to(r.completion),
                    "reason": r.reason,
                    "message": r.message,
                }
                for r in refused
            ],
        }
        # Owner-only (it names patients' tasks); a power cut leaves the old journal or the new.
        text = json.dumps(data, ensure_ascii=False, indent=1)
        write_atomically(self.path, text.encode("utf-8"), temp_prefix=".work_queue-")


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def _str_or_none(value: object | None) -> str | None:
    return None if value is None else str(value)


def _held_to(lease: HeldLease) -> dict[str, Any]:
    return {
        "task_id": str(lease.task_id),
        "fence": lease.fence,
        "holder": lease.holder,
        "staff_id": _str_or_none(lease.staff_id),
        "expires_at": None if lease.expires_at is None else lease.expires_at.isoformat(),
    }


def _held_from(item: dict[str, Any]) -> HeldLease:
    expires = item["expires_at"]
    return HeldLease(
        uuid.UUID(item["task_id"]),
        int(item["fence"]),
        item["holder"],
        _uuid_or_none(item["staff_id"]),
        None if expires is None else datetime.fromisoformat(expires),
    )


def _completion_to(item: PendingCompletion) -> dict[str, Any]:
    return {
        "completion_id": str(item.completion_id),
        "task_id": str(item.task_id),
        "fence": item.fence,
        "staff_id": _str_or_none(item.staff_id),
        "outcome": item.outcome.value,
        "channel": item.channel.value,
        "at": item.at.isoformat(),
        "note": item.note,
        "number": item.number,
        "call_id": _str_or_none(item.call_id),
        "attempt_id": _str_or_none(item.attempt_id),
    }


def _completion_from(item: dict[str, Any]) -> PendingCompletion:
    return PendingCompletion(
        completion_id=uuid.UUID(item["completion_id"]),
        task_id=uuid.UUID(item["task_id"]),
        fence=int(item["fence"]),
        staff_id=_uuid_or_none(item["staff_id"]),
        outcome=AttemptOutcome(item["outcome"]),
        channel=Channel(item["channel"]),
        at=datetime.fromisoformat(item["at"]),
        note=item["note"],
        number=item["number"],
        call_id=_uuid_or_none(item["call_id"]),
        attempt_id=_uuid_or_none(item.get("attempt_id")),
    )
