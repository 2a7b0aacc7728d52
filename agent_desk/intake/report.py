"""The report every import ends with: what was read, created, updated and skipped,
and each error with its line or message number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent_desk.domain.enums import ImportKind
from agent_desk.intake.records import Applied, Outcome

MAX_LISTED = 1000  # errors and notes kept in the stored report; the counts stay exact


@dataclass(frozen=True, slots=True)
class Problem:
    position: str
    reason: str

    def __str__(self) -> str:
        return f"{self.position}: {self.reason}"


@dataclass
class ImportReport:
    kind: ImportKind
    source: str
    started_at: datetime
    encoding: str | None = None
    finished_at: datetime | None = None
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_cancelled: int = 0
    departments_created: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def count(self, position: str, applied: Applied) -> None:
        match applied.outcome:
            case Outcome.CREATED:
                self.created += 1
            case Outcome.UPDATED:
                self.updated += 1
            case Outcome.UNCHANGED | Outcome.IGNORED:
                self.skipped += 1
        self.notes.extend(Problem(position, note) for note in applied.notes)
        self.tasks_created += applied.tasks_created
        self.tasks_updated += applied.tasks_updated
        self.tasks_cancelled += applied.tasks_cancelled
        self.departments_created.extend(applied.departments_created)

    def error(self, position: str, reason: str) -> None:
        self.errors.append(Problem(position, reason))

    def skip(self, position: str, reason: str) -> None:
        self.skipped += 1
        self.notes.append(Problem(position, reason))

    def summary(self) -> str:
        """Several lines for the CLI and the log; the first says it all."""
        lines = [
            f"{self.source}: read {self.read}, created {self.created}, updated {self.updated}, "
            f"skipped {self.skipped}, errors {self.error_count}"
            + (f" (encoding {self.encoding})" if self.encoding else ""),
            f"tasks: created {self.tasks_created}, updated {self.tasks_updated}, "
            f"cancelled {self.tasks_cancelled}",
        ]
        if self.departments_created:
            lines.append("departments created: " + ", ".join(self.departments_created))
        lines += [f"error   {p}" for p in self.errors]
        lines += [f"note    {p}" for p in self.notes]
        return "\n".join(lines)

    def detail(self) -> dict[str, Any]:
        """What the import_runs row keeps beside the counts."""
        return {
            "errors": [[p.position, p.reason] for p in self.errors[:MAX_LISTED]],
            "notes": [[p.position, p.reason] for p in self.notes[:MAX_LISTED]],
            "tasks": [self.tasks_created, self.tasks_updated, self.tasks_cancelled],
            "departments_created": self.departments_created,
        }
