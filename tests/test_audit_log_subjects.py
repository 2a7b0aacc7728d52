"""The audit log says what each event is about in words, and a patient's filter finds every
event about the patient: the card, an unmask, a recording of their call, their records."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime
from pathlib import Path

from agent_desk.db import audit, staff
from agent_desk.db.audit_log import AuditFilter
from agent_desk.db.engine import Database
from agent_desk.db.models import Call, FollowupAlert, FollowupRecord, ImportRun
from agent_desk.domain.enums import (
    AlertSeverity,
    AuditAction,
    AuditSubject,
    CallDirection,
    ImportKind,
    Role,
)
from agent_desk.services.audit_log import AuditLogService
from tests.builders import Hospital
from tests.test_audit_log import SUPERVISOR

CALLED_AT = datetime(2026, 11, 20, 2, 5, tzinfo=UTC)


def _call(db: Database, patient_id: uuid.UUID | None) -> uuid.UUID:
    with db.write() as session:
        call = Call(
            direction=CallDirection.OUTBOUND,
            remote_number="13800138000",
            started_at=CALLED_AT,
            patient_id=patient_id,
        )
        session.add(call)
        session.flush()
        return call.id


def _record(db: Database, patient_id: uuid.UUID) -> uuid.UUID:
    with db.write() as session:
        record = FollowupRecord(
            patient_id=patient_id, template_code="phq9", template_version="1", answers={}
        )
        session.add(record)
        session.flush()
        return record.id


def _alert(db: Database, patient_id: uuid.UUID) -> uuid.UUID:
    with db.write() as session:
        alert = FollowupAlert(
            patient_id=patient_id,
            code="phq9_item9",
            severity=AlertSeverity.CRITICAL,
            notify_role=Role.SUPERVISOR,
            text="自伤念头",
        )
        session.add(alert)
        session.flush()
        return alert.id


def _log(db: Database, action: AuditAction, entity_type: str, entity_id: object) -> None:
    with db.write() as session:
        audit.record(session, "qc1", action, entity_type, entity_id)


def _only(db: Database, action: AuditAction) -> tuple[AuditSubject | None, str]:
    (entry,) = AuditLogService(db).page(SUPERVISOR, AuditFilter(action=action))
    return entry.subject, entry.about


def test_a_patient_is_named_by_masked_name_and_record_number(
    db: Database, hospital: Hospital
) -> None:
    _log(db, AuditAction.VIEW_PATIENT, "patient", hospital.patients["wang"])
    assert _only(db, AuditAction.VIEW_PATIENT) == (AuditSubject.PATIENT, "王** D000000001")


def test_a_call_is_named_by_its_time_and_masked_number_and_its_patient(
    db: Database, hospital: Hospital
) -> None:
    call_id = _call(db, hospital.patients["wang"])
    _log(db, AuditAction.PLAY_RECORDING, "calls", call_id)
    subject, about = _only(db, AuditAction.PLAY_RECORDING)
    local = CALLED_AT.astimezone().strftime("%Y-%m-%d %H:%M")
    assert (subject, about) == (AuditSubject.CALL, f"{local} 138****8000 · 王** D000000001")


def test_a_staff_account_is_named_by_its_names(db: Database) -> None:
    with db.write() as session:
        user = staff.add_user(session, "nurse9", "a long password", Role.NURSE, None, "张护士")
    _log(db, AuditAction.USER_ADDED, "staff", user.id)
    _log(db, AuditAction.PASSWORD_CHANGED, "staff", "nurse9")  # the CLI names it so
    assert _only(db, AuditAction.USER_ADDED) == (AuditSubject.STAFF, "张护士 (nurse9)")
    assert _only(db, AuditAction.PASSWORD_CHANGED) == (AuditSubject.STAFF, "张护士 (nurse9)")


def test_an_import_is_named_by_its_file(db: Database) -> None:
    now = datetime.now(UTC)
    with db.write() as session:
        run = ImportRun(
            kind=ImportKind.CSV,
            source_name="/srv/his/出院患者-1120.csv",
            actor="his",
            started_at=now,
            finished_at=now,
            read=1,
            created=1,
            updated=0,
            skipped=0,
            errors=0,
        )
        session.add(run)
        session.flush()
        run_id = run.id
    _log(db, AuditAction.IMPORT, "import_run", run_id)
    assert _only(db, AuditAction.IMPORT) == (AuditSubject.IMPORT, "出院患者-1120.csv")


def test_a_row_this_workstation_does_not_hold_shows_its_raw_id(db: Database) -> None:
    missing = uuid.uuid4()
    _log(db, AuditAction.VIEW_PATIENT, "patient", missing)
    assert _only(db, AuditAction.VIEW_PATIENT) == (None, f"patient {missing}")


def test_the_patient_filter_finds_events_about_their_calls_records_and_alerts(
    db: Database, hospital: Hospital
) -> None:
    wang, li = hospital.patients["wang"], hospital.patients["li_a"]
    _log(db, AuditAction.VIEW_PATIENT, "patient", wang)
    _log(db, AuditAction.PLAY_RECORDING, "calls", _call(db, wang))
    _log(db, AuditAction.RECORDING_EXPORTED, "calls", _call(db, wang))
    _log(db, AuditAction.REVIEW_DECIDED, "followup_records", _record(db, wang))
    _log(db, AuditAction.ALERT_ACKNOWLEDGED, "followup_alerts", _alert(db, wang))
    _log(db, AuditAction.REVIEW_DECIDED, "followup_tasks", hospital.tasks["wang_due"])
    _log(db, AuditAction.PLAY_RECORDING, "calls", _call(db, li))  # someone else's
    _log(db, AuditAction.PLAY_RECORDING, "calls", _call(db, None))  # an unknown caller
    entries = AuditLogService(db).page(SUPERVISOR, AuditFilter(patient="D000000001"))
    assert sorted(e.action for e in entries) == sorted(
        [
            AuditAction.VIEW_PATIENT,
            AuditAction.PLAY_RECORDING,
            AuditAction.RECORDING_EXPORTED,
            AuditAction.REVIEW_DECIDED,
            AuditAction.ALERT_ACKNOWLEDGED,
            AuditAction.REVIEW_DECIDED,
        ]
    )
    assert all("D000000001" in e.about for e in entries)


def test_a_record_number_nobody_has_finds_nothing(db: Database, hospital: Hospital) -> None:
    _log(db, AuditAction.VIEW_PATIENT, "patient", hospital.patients["wang"])
    assert AuditLogService(db).page(SUPERVISOR, AuditFilter(patient="D999")) == []


def test_the_csv_says_what_each_event_is_about_in_the_same_words(
    db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    call_id = _call(db, hospital.patients["wang"])
    _log(db, AuditAction.PLAY_RECORDING, "calls", call_id)
    out = tmp_path / "audit.csv"
    AuditLogService(db).export_csv(SUPERVISOR, AuditFilter(patient="D000000001"), out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))
    (entry,) = AuditLogService(db).page(SUPERVISOR, AuditFilter(patient="D000000001"))
    assert header[3:5] == ["object_type", "object"]
    assert row[3:5] == ["call", entry.about]
    assert "13800138000" not in ",".join(row) and "王秀英" not in ",".join(row)
    assert row[6] == str(call_id)
