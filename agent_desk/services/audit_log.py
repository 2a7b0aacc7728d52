"""The audit log for supervisors and admins: read, filter and export it.

The permission (VIEW_AUDIT_LOG) is checked here, not in the window, so that every caller
obeys the same rule.
Identifiers in an event's detail leave masked, on screen and in the CSV alike.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from agent_desk.db import audit
from agent_desk.db import audit_log as audit_queries
from agent_desk.db.audit_log import AuditFilter
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.masking import IDENTIFIER_COLUMNS, mask
from agent_desk.domain.permissions import Permission, Principal

PAGE_SIZE = 500
CSV_HEADER = ("time", "user", "action", "entity_type", "entity_id", "detail")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: AuditAction
    entity_type: str
    entity_id: str
    detail: str  # key=value pairs, identifiers masked


def _masked_detail(detail: dict[str, object]) -> str:
    parts = []
    for key, value in detail.items():
        kind = IDENTIFIER_COLUMNS.get(key)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={mask(kind, text) if kind is not None else text}")
    return ", ".join(parts)


def _entry(row: audit_queries.AuditRow) -> AuditEntry:
    return AuditEntry(
        row.at,
        row.actor,
        row.action,
        row.entity_type or "",
        row.entity_id or "",
        _masked_detail(row.detail),
    )


class AuditLogService:
    def __init__(self, db: Database, page_size: int = PAGE_SIZE) -> None:
        self._db = db
        self.page_size = page_size

    def page(self, principal: Principal, flt: AuditFilter, number: int = 0) -> list[AuditEntry]:
        """Page *number* (from 0) of the events *flt* selects, newest first."""
        principal.require(Permission.VIEW_AUDIT_LOG)
        with self._db.read() as session:
            rows = audit_queries.page(session, flt, self.page_size, number * self.page_size)
        return [_entry(row) for row in rows]

    def export_csv(self, principal: Principal, flt: AuditFilter, path: Path) -> int:
        """Write every event *flt* selects to *path* (UTF-8 with BOM, as every export);
        the export is itself an audit event. Returns the row count."""
        entries = list(self._all(principal, flt))  # read first: the export's own event is not in it
        with self._db.write() as session:
            audit.record(
                session,
                principal.username,
                AuditAction.EXPORT,
                "audit_log",
                None,
                **{f"filter_{k}": str(v) for k, v in asdict(flt).items() if v is not None},
            )
        # utf-8-sig: Excel on a Chinese Windows opens it without garbling the names.
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_HEADER)
            for entry in entries:
                writer.writerow(
                    (
                        entry.at.astimezone().isoformat(timespec="seconds"),
                        entry.actor,
                        entry.action.value,
                        entry.entity_type,
                        entry.entity_id,
                        entry.detail,
                    )
                )
        return len(entries)

    def _all(self, principal: Principal, flt: AuditFilter) -> Iterator[AuditEntry]:
        number = 0
        while True:
            entries = self.page(principal, flt, number)
            yield from entries
            if len(entries) < self.page_size:
                return
            number += 1
