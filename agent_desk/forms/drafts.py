"""Form drafts on local disk, so that a crash or a power cut loses at most a few seconds of typing.

Each draft is one JSON file, replaced atomically: written to a temporary file in the same
folder, flushed to the disk, then renamed over the old one. At any instant the folder holds the
old draft or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent_desk import json_input
from agent_desk.forms.errors import FormsError
from agent_desk.forms.model import AnswerValue
from agent_desk.json_input import JsonInputError
from agent_desk.paths import private_folder, write_atomically

log = logging.getLogger(__name__)

FORMAT = 1
_DRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")  # becomes a file name: no paths, no dots
_TEMP_PREFIX = ".draft-"


class DraftError(FormsError):
    pass


@dataclass(frozen=True)
class Draft:
    draft_id: str  # one draft per piece of work: the task id, or a new id for an inbound call
    template_code: str
    template_version: str
    answers: Mapping[str, AnswerValue]
    task_id: str | None = None
    patient_id: str | None = None
    saved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Single-line fields still being typed when the draft was saved: raw text, unchecked,
    # because half a date or a number is not an answer yet but is still the agent's work.
    typed: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "draftId": self.draft_id,
            "templateCode": self.template_code,
            "templateVersion": self.template_version,
            "taskId": self.task_id,
            "patientId": self.patient_id,
            "answers": dict(self.answers),
            "typed": dict(self.typed),
            "savedAt": self.saved_at.isoformat(),
        }

    @classmethod
    def from_json(cls, raw: Any) -> Draft:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise DraftError("not a draft file of a known format")
        try:
            answers = raw["answers"]
            if not isinstance(answers, dict):
                raise DraftError("answers must be an object")
            typed = raw.get("typed", {})  # absent in drafts saved before it was kept
            if not isinstance(typed, dict) or not all(
                isinstance(text, str) for text in typed.values()
            ):
                raise DraftError("typed must be an object of texts")
            return cls(
                draft_id=str(raw["draftId"]),
                template_code=str(raw["templateCode"]),
                template_version=str(raw["templateVersion"]),
                answers=answers,
                task_id=raw.get("taskId"),
                patient_id=raw.get("patientId"),
                saved_at=datetime.fromisoformat(raw["savedAt"]),
                typed=typed,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DraftError(f"draft file is damaged: {exc!r}") from exc


def _check_id(draft_id: str) -> str:
    if not _DRAFT_ID.match(draft_id):
        raise DraftError(f"draft id {draft_id!r} must be letters, digits, '-' or '_'")
    return draft_id


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = private_folder(folder)  # drafts hold patient answers

    def path(self, draft_id: str) -> Path:
        return self.folder / f"{_check_id(draft_id)}.json"

    def save(self, draft: Draft) -> Path:
        path = self.path(draft.draft_id)
        # Serialise before touching the disk, so an unserialisable answer cannot cost a file.
        data = json.dumps(draft.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
        write_atomically(path, data, temp_prefix=_TEMP_PREFIX)
        return path

    def load(self, draft_id: str) -> Draft | None:
        path = self.path(draft_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        return self._parse(path, data)

    def list_drafts(self) -> list[Draft]:
        """Every readable draft, newest first. A damaged file is logged and left in place."""
        drafts: list[Draft] = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                drafts.append(self._parse(path, path.read_bytes()))
            except (DraftError, OSError) as exc:
                log.warning("cannot read the form draft %s: %s", path, exc)
        return sorted(drafts, key=lambda draft: draft.saved_at, reverse=True)

    def delete(self, draft_id: str) -> bool:
        """Called once the record is stored; False when there was no draft."""
        try:
            self.path(draft_id).unlink()
        except FileNotFoundError:
            return False
        return True

    def remove_stale_temp_files(self) -> int:
        """Temporary files a crash left behind mid-save; the drafts beside them are whole."""
        removed = 0
        for temp in self.folder.glob(f"{_TEMP_PREFIX}*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
                removed += 1
        return removed

    @staticmethod
    def _parse(path: Path, data: bytes) -> Draft:
        try:
            raw = json_input.loads(json_input.decode(data))
        except JsonInputError as exc:
            raise DraftError(f"{path.name}: {exc}") from None
        return Draft.from_json(raw)
