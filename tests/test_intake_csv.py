"""Discharge lists from the HIS as CSV and .xlsx: idempotent, and bad files reported."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent_desk.db.engine import Database
from agent_desk.db.models import (
    AuditEvent,
    Department,
    Encounter,
    EncounterDiagnosis,
    FollowupTask,
    ImportRun,
    Patient,
    PatientContact,
)
from agent_desk.domain.enums import ImportKind, TaskStatus
from agent_desk.intake.mapping import ColumnMapping, Field, MappingStore
from agent_desk.intake.report import ImportReport
from agent_desk.services.intake import ImportRefused, IntakeService, load_plan_set, mapping_store
from tests.builders import HIS, Hospital

SAMPLE = Path(__file__).parent / "data" / "discharges.csv"
LINES = SAMPLE.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def service(db: Database, hospital: Hospital, tmp_path: Path) -> IntakeService:
    return IntakeService(db, load_plan_set(tmp_path), HIS)


def _import(service: IntakeService, path: Path, tmp_path: Path) -> ImportReport:
    return service.import_discharges(path, mapping_store(tmp_path).get("default"))


def _file(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_creates_patients_visits_contacts_and_plan_tasks(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    report = _import(service, SAMPLE, tmp_path)
    assert (report.read, report.created, report.updated, report.skipped) == (3, 3, 0, 0)
    assert report.errors == []
    assert report.tasks_created == 1 + 2 + 2 + 4 + 6  # d7; d30+d42; doctor+centre; I10 chronic
    assert sorted(report.departments_created) == ["OBST", "SVC"]
    with db.read() as session:
        zhao = session.scalar(select(Patient).where(Patient.record_no == "D2026001"))
        assert zhao is not None and zhao.name == "赵一"
        numbers = session.execute(
            select(PatientContact.e164, PatientContact.is_primary, PatientContact.contact_name)
            .where(PatientContact.patient_id == zhao.id)
            .order_by(PatientContact.is_primary.desc())
        ).all()
        assert numbers == [("+8613800138001", True, None), ("+8613900139001", False, "赵二")]
        visit = session.scalar(select(Encounter).where(Encounter.visit_no == "Z001"))
        assert visit is not None and visit.source == "HIS"
        assert visit.discharge_orders == "低盐低脂饮食"
        dx = session.scalars(
            select(EncounterDiagnosis.icd10)
            .join(Encounter, Encounter.id == EncounterDiagnosis.encounter_id)
            .where(Encounter.visit_no == "Z003")
            .order_by(EncounterDiagnosis.seq)
        ).all()
        assert dx == ["S72.0", "I10"]


def test_importing_the_same_file_again_creates_nothing(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, SAMPLE, tmp_path)
    tasks, patients = _count(db, FollowupTask), _count(db, Patient)
    again = _import(service, SAMPLE, tmp_path)
    assert (again.read, again.created, again.updated, again.skipped) == (3, 0, 0, 3)
    assert (again.tasks_created, again.tasks_updated, again.departments_created) == (0, 0, [])
    assert (_count(db, FollowupTask), _count(db, Patient)) == (tasks, patients)


def test_a_corrected_discharge_date_moves_the_unstarted_task(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, SAMPLE, tmp_path)
    fixed = _file(tmp_path, [LINES[0], LINES[1].replace("2026-11-16", "2026-11-18")])
    report = _import(service, fixed, tmp_path)
    assert (report.created, report.updated, report.tasks_updated) == (0, 1, 1)
    with db.read() as session:
        due = session.scalar(
            select(FollowupTask.due_date)
            .join(Encounter, Encounter.id == FollowupTask.encounter_id)
            .where(Encounter.visit_no == "Z001")
        )
    assert due == datetime(2026, 11, 25).date()


@pytest.mark.parametrize(("encoding", "detected"), [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_gbk_and_utf8_with_bom_are_both_read_and_named(
    db: Database, service: IntakeService, tmp_path: Path, encoding: str, detected: str
) -> None:
    report = _import(service, _file(tmp_path, LINES, encoding), tmp_path)
    assert (report.encoding, report.created, report.errors) == (detected, 3, [])
    with db.read() as session:
        names = set(session.scalars(select(Patient.name)))
    assert {"赵一", "钱二", "孙三"} <= names


def test_a_file_that_is_neither_utf8_nor_gbk_is_refused(
    service: IntakeService, tmp_path: Path
) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(LINES[0].encode("utf-8") + b"\r\n\x81\x20\xff\xfe")
    with pytest.raises(ImportRefused, match="neither UTF-8 nor GBK"):
        _import(service, path, tmp_path)


def test_missing_required_columns_refuse_the_file_naming_them(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    keep = [0, 1, 3, 8, 9]  # 病案号 住院号 性别 科室编码 科室: no 姓名, no 出院日期
    lines = [",".join(line.split(",")[i] for i in keep) for line in LINES]
    with pytest.raises(ImportRefused, match=r"姓名 or 患者姓名 \(name\).*出院日期 or 出院时间"):
        _import(service, _file(tmp_path, lines), tmp_path)
    assert _count(db, Encounter) == 1  # the hospital fixture's own; nothing was imported


def test_bad_dates_are_reported_with_their_line_and_the_rest_goes_on(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    lines = [LINES[0], LINES[1], LINES[2].replace("2026-11-15 10:30", "2026-02-30"), LINES[3]]
    lines[3] = lines[3].replace("1949/12/31", "31.12.49")
    report = _import(service, _file(tmp_path, lines), tmp_path)
    assert (report.read, report.created) == (3, 1)
    assert [(e.position, e.reason.split(" is not")[0]) for e in report.errors] == [
        ("line 3", "出院日期 '2026-02-30'"),
        ("line 4", "出生日期 '31.12.49'"),
    ]
    with db.read() as session:
        assert session.scalar(select(Patient).where(Patient.record_no == "D2026002")) is None


def test_duplicate_rows_are_skipped_and_conflicting_ones_reported(
    service: IntakeService, tmp_path: Path
) -> None:
    conflicting = LINES[2].replace("2026-11-15 10:30", "2026-11-16")
    lines = [LINES[0], LINES[1], LINES[2], LINES[1], conflicting]
    report = _import(service, _file(tmp_path, lines), tmp_path)
    assert (report.read, report.created, report.skipped) == (4, 2, 1)
    assert [str(n) for n in report.notes if "duplicate" in n.reason] == [
        "line 4: duplicate of line 2: skipped"
    ]
    assert [e.position for e in report.errors] == ["line 5"]
    assert "also on line 3" in report.errors[0].reason


def test_a_row_that_fails_half_way_leaves_nothing_behind(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, SAMPLE, tmp_path)
    stolen = LINES[1].replace("D2026001", "D2026099")  # another patient claiming visit Z001
    report = _import(service, _file(tmp_path, [LINES[0], stolen]), tmp_path)
    assert "visit Z001 belongs to patient D2026001" in report.errors[0].reason
    with db.read() as session:
        assert session.scalar(select(Patient).where(Patient.record_no == "D2026099")) is None


def test_the_report_is_kept_and_the_import_audited(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, SAMPLE, tmp_path)
    with db.read() as session:
        run = session.scalar(select(ImportRun))
        assert run is not None
        assert (run.kind, run.read, run.created, run.encoding) == (ImportKind.CSV, 3, 3, "utf-8")
        assert session.scalar(select(AuditEvent.actor).where(AuditEvent.entity_id == str(run.id)))


def test_xlsx_rows_are_read_with_their_row_numbers(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["出院病人清单"])  # a title row above the headers, as HIS exports have
    sheet.append(["病案号", "姓名", "联系电话", "科室", "出院日期", "主要诊断编码"])
    sheet.append(
        [2026101, "周七", 13800138007, "心血管内科", datetime(2026, 11, 16, 9, 30), "I50.9"]
    )
    sheet.append([2026102, "吴八", 13800138008, "心血管内科", "not a date", "I50.9"])
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    report = _import(service, path, tmp_path)
    assert (report.kind, report.read, report.created) == (ImportKind.XLSX, 2, 1)
    assert [e.position for e in report.errors] == ["row 4"]
    with db.read() as session:
        zhou = session.scalar(select(Patient).where(Patient.record_no == "2026101"))
        assert zhou is not None
        e164 = session.scalar(
            select(PatientContact.e164).where(PatientContact.patient_id == zhou.id)
        )
        assert e164 == "+8613800138007"
        # No department code column: the department is known by its name.
        assert session.scalar(select(Department.code).where(Department.name == "心血管内科"))


def test_a_saved_mapping_is_chosen_by_name(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    store: MappingStore = mapping_store(tmp_path)
    store.save(
        ColumnMapping(
            "his2",
            (
                ("MRN", Field.RECORD_NO),
                ("PatName", Field.NAME),
                ("Dept", Field.DEPARTMENT_CODE),
                ("OutDate", Field.DISCHARGED_AT),
            ),
        )
    )
    path = _file(tmp_path, ["MRN,PatName,Dept,OutDate", "X1,郑九,CARD,20261116"])
    report = service.import_discharges(path, mapping_store(tmp_path).get("his2"))
    assert (report.created, report.errors) == (1, [])
    assert "his2" in store.names() and "default" in store.names()
    with db.read() as session:
        statuses = session.scalars(
            select(FollowupTask.status)
            .join(Patient, Patient.id == FollowupTask.patient_id)
            .where(Patient.record_no == "X1")
        ).all()
    assert statuses == [TaskStatus.PENDING]
