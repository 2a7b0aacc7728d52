"""The audit log for supervisors and admins: read, filter and export it.

The permission (VIEW_AUDIT_LOG) is checked here, not in the window, so that every caller
obeys the same rule. Identifiers in an event's detail leave masked, on screen and in the
CSV alike. What an event is about is looked up and said in words (a patient's masked name
and record number, a call's time and masked number, an account's name, an import's file),
in the same words on screen and in the CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from agent_desk.db import audit
from agent_desk.db import audit_log as audit_queries
from agent_desk.db.audit_log import AuditFilter, PatientFacts, SubjectFacts
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, AuditSubject
from agent_desk.domain.masking import IDENTIFIER_COLUMNS, mask, mask_name, mask_phone
from agent_desk.domain.permissions import Permission, Principal

PAGE_SIZE = 500
CSV_HEADER = ("time", "user", "action", "object_type", "object", "detail", "object_id")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: AuditAction
    entity_type: str
    entity_id: str
    detail: str  # key=value pairs, identifiers masked
    subject: AuditSubject | None = None  # what the event is about, when known
    about: str = ""  # it in words, identifiers masked; the raw type and id when unknown


def _masked_detail(detail: dict[str, object]) -> str:
    parts = []
    for key, value in detail.items():
        kind = IDENTIFIER_COLUMNS.get(key)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={mask(kind, text) if kind is not None else text}")
    return ", ".join(parts)


def _patient_words(patient: PatientFacts | None) -> str:
    return "" if patient is None else f"{mask_name(patient.name)} {patient.record_no}"


def _when(at: datetime | date | None) -> str:
    if isinstance(at, datetime):
        return at.astimezone().strftime("%Y-%m-%d %H:%M")  # the workstation's own zone
    return "" if at is None else at.isoformat()


def _words(facts: SubjectFacts) -> str:
    """The row an event names, as a supervisor reads it."""
    if facts.kind is AuditSubject.PATIENT:
        return _patient_words(facts.patient)
    if facts.kind is AuditSubject.IMPORT:
        return Path(facts.name or "").name or (facts.name or "")
    if facts.kind in (AuditSubject.STAFF, AuditSubject.BACKUP, AuditSubject.SETTING):
        return facts.name or ""
    number = None if facts.number is None else mask_phone(facts.number)
    own = " ".join(part for part in (facts.name, _when(facts.at), number) if part)
    patient = _patient_words(facts.patient)
    return f"{own} · {patient}" if own and patient else own or patient


def _entry(
    row: audit_queries.AuditRow, subjects: dict[audit_queries.Ref, SubjectFacts]
) -> AuditEntry:
    entity_type, entity_id = row.entity_type or "", row.entity_id or ""
    facts = subjects.get((entity_type, entity_id))
    if facts is not None:
        subject, about = facts.kind, _words(facts)
    else:
        subject, about = None, f"{entity_type} {entity_id}".strip()
    return AuditEntry(
        row.at,
        row.actor,
        row.action,
        entity_type,
        entity_id,
        _masked_detail(row.detail),
        subject,
        about,
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
            refs = {(r.entity_type, r.entity_id) for r in rows if r.entity_type and r.entity_id}
            subjects = audit_queries.subjects(session, refs)
        return [_entry(row, subjects) for row in rows]

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
                        entry.subject.value if entry.subject else entry.entity_type,
                        entry.about,
                        entry.detail,
                        entry.entity_id,
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
