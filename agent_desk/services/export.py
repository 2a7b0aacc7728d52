"""`agent-desk export`: CSV (Excel-friendly UTF-8 with BOM) or JSON, masked by default.

Identifiers leave masked by the one rule in domain.masking, or, with --unmasked, as
they are stored less surrounding spaces. No cell carries a prefix, quote or formula to
stop a spreadsheet from reading a long number as a number: README says how to open an
unmasked export in Excel with those columns as text.
"""

from __future__ import annotations

import csv
import json
import uuid
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any, TextIO

from agent_desk.db import audit
from agent_desk.db import export as export_queries
from agent_desk.db.engine import Database
from agent_desk.db.export import ExportKind
from agent_desk.domain.disclosure import stated_reason
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.masking import Identifier, mask, plain
from agent_desk.domain.permissions import Permission, Principal


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def _identifier(kind: Identifier, value: Any, unmasked: bool) -> Any:
    if not isinstance(value, str):
        return value  # no value, no mask: an empty cell stays empty
    return plain(value) if unmasked else mask(kind, value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone().isoformat(timespec="seconds")  # the workstation's local time
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def export(
    db: Database,
    kind: ExportKind,
    fmt: ExportFormat,
    out: TextIO,
    principal: Principal,
    unmasked: bool = False,
    reason: str | None = None,
) -> int:
    """Write every row of *kind* in *principal*'s department scope to *out*; return the row
    count. The export is audit-logged, with its reason; an unmasked export without one
    raises ReasonRequired, and one the roles do not allow PermissionDenied, writing nothing."""
    principal.require(Permission.EXPORT_UNMASKED if unmasked else Permission.EXPORT_DATA)
    scope = principal.department_filter()
    actor = principal.username
    why = stated_reason(reason) if unmasked else (reason or "").strip()
    columns = export_queries.columns_of(kind)
    identifiers = [c.identifier for c in columns]
    names = [c.name for c in columns]
    count = 0
    # Logged before the first row leaves, in its own short transaction, so that a long
    # export neither escapes the audit trail nor holds the write lock.
    with db.write() as session:
        audit.record(
            session,
            actor,
            AuditAction.EXPORT,
            kind.value,
            None,
            unmasked=unmasked,
            **({"reason": why} if why else {}),
            **({} if scope is None else {"departments": sorted(map(str, scope))}),
        )
    with db.read() as session:
        if fmt is ExportFormat.CSV:
            writer = csv.writer(out)
            writer.writerow(names)
        else:
            out.write("[")
        for row in export_queries.rows(session, kind, scope):
            values = [
                _plain(v) if identifier is None else _identifier(identifier, v, unmasked)
                for v, identifier in zip(row, identifiers, strict=True)
            ]
            if fmt is ExportFormat.CSV:
                writer.writerow(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                    for v in values
                )
            else:
                out.write(",\n " if count else "\n ")
                out.write(json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False))
            count += 1
        if fmt is ExportFormat.JSON:
            out.write("\n]\n")
    return count
