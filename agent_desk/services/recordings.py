"""The recordings library (录音): list, play and export call recordings, by role.

Every entry point checks the principal below the UI, so that the window and the command
line obey one rule: playing needs PLAY_RECORDINGS, exporting EXPORT_RECORDINGS, and both
keep to the principal's departments (a call's department is its follow-up task's).

Playback is audited when it ends, with how long was listened (PLAY_RECORDING, seconds in
the detail): opening a recording returns a Playback whose close() writes that event once,
so a window closed mid-play is audited as well as a recording heard to its end.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from agent_desk.db import audit
from agent_desk.db import recording_library as library_queries
from agent_desk.db import recordings as held_recordings
from agent_desk.db.engine import Database
from agent_desk.db.recording_library import LibraryCursor, LibraryFilter, LibraryRow
from agent_desk.db.recordings import CallFacts, HeldRecording
from agent_desk.domain.enums import AuditAction, RecordingStatus
from agent_desk.domain.permissions import Permission, PermissionDenied, Principal
from agent_desk.errors import UserError
from agent_desk.paths import write_atomically
from agent_desk.services.recording_store import RecordingStore, RecordingUnavailable

log = logging.getLogger(__name__)

PAGE_SIZE = 50

__all__ = [
    "LibraryCursor",
    "LibraryFilter",
    "LibraryRow",
    "Playback",
    "RecordingLibrary",
    "RecordingPage",
    "RecordingUnavailable",
]


@dataclass(frozen=True, slots=True)
class RecordingPage:
    rows: tuple[LibraryRow, ...]
    next: LibraryCursor | None  # None: this is the last page


class Playback:
    """One opened recording: its FLAC in memory, audited once when closed."""

    def __init__(
        self, library: RecordingLibrary, held: HeldRecording, flac: bytes, facts: CallFacts
    ) -> None:
        self._library = library
        self.held = held
        self.flac = flac
        self.facts = facts
        self.closed = False

    @property
    def call_id(self) -> uuid.UUID:
        return self.held.call_id

    def close(self, seconds_listened: float) -> None:
        if self.closed:
            return
        self.closed = True
        self.flac = b""
        self._library.played(self, seconds_listened)


class RecordingLibrary:
    def __init__(
        self, db: Database, store: RecordingStore, principal: Principal, actor: str | None = None
    ) -> None:
        self._db = db
        self._store = store
        self._principal = principal
        self._actor = actor or principal.username

    @property
    def principal(self) -> Principal:
        return self._principal

    def page(
        self, where: LibraryFilter, after: LibraryCursor | None = None, limit: int = PAGE_SIZE
    ) -> RecordingPage:
        self._principal.require(Permission.PLAY_RECORDINGS)
        with self._db.read() as session:
            rows = library_queries.page(
                session, where, self._principal.department_filter(), after, limit + 1
            )
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = LibraryCursor(rows[-1].started_at, rows[-1].call_id) if more else None
        return RecordingPage(tuple(rows), cursor)

    def choices(self) -> tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]]]:
        """The filter bar's departments (in scope) and agents."""
        self._principal.require(Permission.PLAY_RECORDINGS)
        with self._db.read() as session:
            departments = library_queries.department_choices(session)
            staff = library_queries.staff_choices(session)
        scope = self._principal.department_filter()
        if scope is not None:
            departments = [d for d in departments if d[0] in scope]
        return departments, staff

    def open(self, call_id: uuid.UUID) -> Playback:
        """The recording, decrypted in memory for the player (fetched on first play when it
        was made on another workstation). Raises PermissionDenied, RecordingUnavailable."""
        facts = self._facts_in_scope(call_id, Permission.PLAY_RECORDINGS)
        held, flac = self._store.read(call_id)
        return Playback(self, held, flac, facts)

    def played(self, playback: Playback, seconds_listened: float) -> None:
        with self._db.write() as session:
            audit.record(
                session,
                self._actor,
                AuditAction.PLAY_RECORDING,
                "call",
                playback.call_id,
                seconds=round(max(0.0, seconds_listened), 1),
                patient=None
                if playback.facts.patient_id is None
                else str(playback.facts.patient_id),
            )

    def export(self, call_id: uuid.UUID, target: Path) -> Path:
        """Write the recording, decrypted, as a FLAC file at *target* (audited)."""
        facts = self._facts_in_scope(call_id, Permission.EXPORT_RECORDINGS)
        _held, flac = self._store.read(call_id)
        if target.suffix.lower() != ".flac":
            target = target.with_name(target.name + ".flac")
        try:
            write_atomically(target, flac)
        except OSError as error:
            raise UserError(f"cannot write {target}: {error.strerror or error}") from error
        with self._db.write() as session:
            audit.record(
                session,
                self._actor,
                AuditAction.RECORDING_EXPORTED,
                "call",
                call_id,
                file=str(target),
                patient=None if facts.patient_id is None else str(facts.patient_id),
            )
        return target

    def _facts_in_scope(self, call_id: uuid.UUID, permission: Permission) -> CallFacts:
        self._principal.require(permission)
        with self._db.read() as session:
            facts = held_recordings.call_facts(session, call_id)
        if facts is None or facts.recording_status is not RecordingStatus.RECORDED:
            raise RecordingUnavailable(f"call {call_id} has no recording")
        if not self._principal.sees_department(facts.department_id):
            # Out of scope reads as not allowed, never as "no such call".
            raise PermissionDenied(self._principal.username, permission)
        return facts
