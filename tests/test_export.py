"""`agent-desk export`: every identifier masked by the one rule, each cell exactly its value."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from agent_desk.db.engine import Database
from agent_desk.db.export import ExportKind
from agent_desk.db.models import Call, Patient
from agent_desk.domain.enums import CallDirection
from agent_desk.services.export import ExportFormat, export
from tests.builders import SUPERVISOR, Hospital


def _csv(db: Database, kind: ExportKind, unmasked: bool = False) -> list[dict[str, str]]:
    out = io.StringIO()
    export(db, kind, ExportFormat.CSV, out, SUPERVISOR, unmasked=unmasked, reason="quality review")
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _add_call(db: Database, raw: str, e164: str | None) -> None:
    with db.write() as session:
        session.add(
            Call(
                direction=CallDirection.INBOUND,
                remote_number=raw,
                remote_e164=e164,
                started_at=datetime(2026, 11, 23, 8, tzinfo=UTC),
            )
        )


def test_a_formatted_number_exports_masked_without_a_leading_space(
    db: Database, hospital: Hospital
) -> None:
    _add_call(db, "+86 138-0013-8000", None)
    [call] = _csv(db, ExportKind.CALLS)
    assert call["remote_number"] == "138****8000"


def test_an_unmasked_number_exports_in_e164_when_understood(
    db: Database, hospital: Hospital
) -> None:
    _add_call(db, "+86 138-0013-8000", "+8613800138000")
    [call] = _csv(db, ExportKind.CALLS, unmasked=True)
    assert call["remote_number"] == "+8613800138000"


def test_insurance_number_and_address_export_masked(db: Database, hospital: Hospital) -> None:
    with db.write() as session:
        wang = session.get(Patient, hospital.patients["wang"])
        assert wang is not None
        wang.insurance_no, wang.address = "1101934536797968", "北京市顺义区复兴路7号"
    wang_row = next(row for row in _csv(db, ExportKind.PATIENTS) if row["name"] == "王秀英")
    assert (wang_row["insurance_no"], wang_row["address"]) == (
        "1101********7968",
        "北京市顺义区****",
    )


def test_unmasked_identifiers_export_without_surrounding_spaces(
    db: Database, hospital: Hospital
) -> None:
    with db.write() as session:
        wang = session.get(Patient, hospital.patients["wang"])
        assert wang is not None
        wang.id_number = " 11010119500307123X"
    wang_row = next(
        row for row in _csv(db, ExportKind.PATIENTS, unmasked=True) if row["name"] == "王秀英"
    )
    assert wang_row["id_number"] == "11010119500307123X"
