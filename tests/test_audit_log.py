"""The audit log service: filters, masking, paging and the role it asks for."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent_desk.db import audit
from agent_desk.db.audit_log import AuditFilter
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.services.audit_log import AuditLogService
from tests.builders import Hospital


def user(role: Role, name: str = "qc1") -> Principal:
    return Principal.of(name, [role])


SUPERVISOR = user(Role.SUPERVISOR)


def record_events(db: Database, hospital: Hospital) -> None:
    """Four events by two people about two patients, oldest first."""
    wang, li = hospital.patients["wang"], hospital.patients["li_a"]
    with db.write() as session:
        audit.record(session, "nurse1", AuditAction.VIEW_PATIENT, "patient", wang)
        audit.record(session, "nurse1", AuditAction.UNMASK, "patient", wang, field="phone")
        audit.record(session, "agent1", AuditAction.VIEW_PATIENT, "patient", li)
        audit.record(session, "agent1", AuditAction.SEARCH, None, None, phone="13812345678")


def actions(entries: list) -> list[AuditAction]:
    return [entry.action for entry in entries]


def test_events_come_newest_first(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    entries = AuditLogService(db).page(SUPERVISOR, AuditFilter(actor="agent1"))
    assert actions(entries) == [AuditAction.SEARCH, AuditAction.VIEW_PATIENT]


def test_filter_by_action(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    entries = AuditLogService(db).page(SUPERVISOR, AuditFilter(action=AuditAction.VIEW_PATIENT))
    assert [e.actor for e in entries] == ["agent1", "nurse1"]


def test_filter_by_patient_record_number(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    entries = AuditLogService(db).page(SUPERVISOR, AuditFilter(patient="D000000001"))
    assert actions(entries) == [AuditAction.UNMASK, AuditAction.VIEW_PATIENT]
    assert {e.entity_id for e in entries} == {str(hospital.patients["wang"])}


def test_filter_by_patient_id(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    entries = AuditLogService(db).page(
        SUPERVISOR, AuditFilter(patient=str(hospital.patients["li_a"]))
    )
    assert [e.actor for e in entries] == ["agent1"]


def test_filter_by_date_range(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    service, now = AuditLogService(db), datetime.now(UTC)
    later = AuditFilter(actor="nurse1", since=now + timedelta(minutes=1))
    around = AuditFilter(actor="nurse1", since=now - timedelta(hours=1), until=now)
    assert service.page(SUPERVISOR, later) == []
    assert len(service.page(SUPERVISOR, around)) == 2


def test_identifiers_in_the_detail_are_masked(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    (search,) = AuditLogService(db).page(SUPERVISOR, AuditFilter(action=AuditAction.SEARCH))
    assert "13812345678" not in search.detail
    assert search.detail.startswith("phone=138")


def test_pages_follow_one_another(db: Database, hospital: Hospital) -> None:
    record_events(db, hospital)
    service = AuditLogService(db, page_size=3)
    first, second = (
        service.page(SUPERVISOR, AuditFilter(), 0),
        service.page(SUPERVISOR, AuditFilter(), 1),
    )
    assert len(first) == 3 and len(second) == 2  # four events and the chain's first


@pytest.mark.parametrize("role", [Role.NURSE, Role.AGENT, Role.DOCTOR])
def test_other_roles_are_refused(db: Database, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        AuditLogService(db).page(user(role), AuditFilter())


def test_export_writes_the_filtered_rows_and_is_audited(
    db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    record_events(db, hospital)
    service, out = AuditLogService(db), tmp_path / "audit.csv"
    assert service.export_csv(SUPERVISOR, AuditFilter(actor="nurse1"), out) == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert [row[2] for row in rows[1:]] == ["unmask", "view_patient"]
    (export,) = service.page(SUPERVISOR, AuditFilter(action=AuditAction.EXPORT))
    assert export.actor == "qc1" and "filter_actor=nurse1" in export.detail


def test_a_nurse_cannot_export(db: Database, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        AuditLogService(db).export_csv(user(Role.NURSE), AuditFilter(), tmp_path / "a.csv")
    assert not (tmp_path / "a.csv").exists()
