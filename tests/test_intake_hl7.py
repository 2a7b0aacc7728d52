"""HL7 v2 ADT: A03 discharges, A13 cancels, A08 updates, duplicates and broken messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agent_desk.db.engine import Database
from agent_desk.db.models import Encounter, FollowupTask, Patient, PatientContact
from agent_desk.domain.enums import (
    AttemptOutcome,
    CancelReason,
    Channel,
    DischargeDisposition,
    Sex,
    TaskStatus,
)
from agent_desk.intake.hl7_adt import parse_adt, split_messages
from agent_desk.intake.records import Discharge
from agent_desk.intake.report import ImportReport
from agent_desk.services.followup import FollowupService
from agent_desk.services.intake import ImportRefused, IntakeService, load_plan_set
from tests.builders import AGENT, HIS


def segment(name: str, fields: dict[int, str]) -> str:
    values = [name] + [""] * max(fields)
    for index, value in fields.items():
        values[index] = value
    return "|".join(values)


def adt(
    event: str,
    control_id: str,
    *,
    record_no: str = "H0001",
    name: str = "王^秀英",
    phone: str = "13800138000",
    visit: str = "V1001",
    department: str = "CARD",
    discharged: str = "202611161030",
    diagnoses: tuple[tuple[str, str], ...] = (("I21.9", "急性心肌梗死"),),
    charset: str = "UNICODE UTF-8",
    end: str = "\r",
) -> str:
    """A synthetic ADT message; every name and number in it is made up."""
    header = ["MSH", "^~\\&", "HIS", "H1", "AGENT_DESK", "H1", "20261116103000", ""]
    msh = "|".join([*header, f"ADT^{event}", control_id, "P", "2.5", "", "", "", "", "", charset])
    segments = [
        msh,
        segment("EVN", {1: event, 2: "20261116103000"}),
        segment(
            "PID",
            {1: "1", 3: f"{record_no}^^^H1^MR", 5: name, 7: "19500307", 8: "F", 13: phone},
        ),
        segment(
            "PV1",
            {
                2: "I",
                3: "W5^501^3^^^^^^心内五病区",
                7: "1234^张^伟",
                10: department,
                19: visit,
                36: "01",
                44: "202611080900",
                45: discharged,
            },
        ),
    ]
    segments += [
        segment("DG1", {1: str(i), 3: f"{code}^{text}^I10", 15: "1" if i == 1 else "2"})
        for i, (code, text) in enumerate(diagnoses, start=1)
    ]
    return end.join(segments) + end


@pytest.fixture
def service(db: Database, tmp_path: Path) -> IntakeService:
    return IntakeService(db, load_plan_set(tmp_path), HIS)


def _import(
    service: IntakeService, tmp_path: Path, *messages: str, name: str = "in.hl7"
) -> ImportReport:
    path = tmp_path / name
    path.write_bytes("".join(messages).encode("utf-8"))
    return service.import_hl7(path)


def _tasks(db: Database, visit: str = "V1001") -> list[tuple[str | None, TaskStatus]]:
    with db.read() as session:
        rows = session.execute(
            select(FollowupTask.plan_step, FollowupTask.status)
            .join(Encounter, Encounter.id == FollowupTask.encounter_id)
            .where(Encounter.visit_no == visit)
            .order_by(FollowupTask.plan_step)
        )
        return [(step, status) for step, status in rows]


def test_a03_is_read_field_by_field() -> None:
    parsed = parse_adt(
        adt("A03", "M1", diagnoses=(("E11.9", "2型糖尿病"), ("I10", "高血压"))).encode()
    )
    event = parsed.event
    assert isinstance(event, Discharge)
    assert (event.patient.record_no, event.patient.name, event.patient.sex) == (
        "H0001",
        "王秀英",
        Sex.FEMALE,
    )
    assert str(event.patient.birth_date) == "1950-03-07"
    enc = event.encounter
    assert (enc.visit_no, enc.department_code, enc.ward_code, enc.ward_name) == (
        "V1001",
        "CARD",
        "W5",
        "心内五病区",
    )
    assert (enc.attending_doctor, enc.disposition) == ("张伟", DischargeDisposition.HOME)
    assert enc.discharged_at.isoformat() == "2026-11-16T10:30:00+08:00"
    assert [dx.icd10 for dx in enc.diagnoses] == ["E11.9", "I10"]  # DG1-15 = 1 first


def test_a03_creates_the_patient_the_visit_and_the_tasks(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    report = _import(service, tmp_path, adt("A03", "M1"))
    assert (report.read, report.created, report.errors) == (1, 1, [])
    assert _tasks(db) == [("d7", TaskStatus.PENDING)]
    with db.read() as session:
        patient = session.scalar(select(Patient).where(Patient.record_no == "H0001"))
        assert patient is not None and patient.name == "王秀英"


def test_a_duplicate_control_id_is_ignored(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, tmp_path, adt("A03", "M1"))
    # Resent with the same MSH-10 but other content: it must not be applied again.
    report = _import(service, tmp_path, adt("A03", "M1", discharged="202611200900"))
    assert (report.created, report.updated, report.skipped) == (0, 0, 1)
    assert "duplicate of message M1" in report.notes[0].reason
    with db.read() as session:
        at = session.scalar(select(Encounter.discharged_at).where(Encounter.visit_no == "V1001"))
    assert at is not None and at.day == 16


def test_a13_cancels_open_tasks_and_leaves_completed_ones(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, tmp_path, adt("A03", "M1", diagnoses=(("I10", "高血压"),)))
    with db.read() as session:
        first = session.scalar(select(FollowupTask).where(FollowupTask.plan_step == "d7"))
    assert first is not None
    FollowupService(db).record_attempt(first.id, Channel.PHONE, AttemptOutcome.REACHED, AGENT)
    report = _import(service, tmp_path, adt("A13", "M2"))
    assert (report.updated, report.tasks_cancelled) == (1, 10)  # 4 weekly + 6 monthly
    statuses = dict(_tasks(db))
    assert statuses["d7"] is TaskStatus.DONE
    assert {s for step, s in statuses.items() if step != "d7"} == {TaskStatus.CANCELLED}
    with db.read() as session:
        encounter = session.scalar(select(Encounter).where(Encounter.visit_no == "V1001"))
        assert encounter is not None and encounter.discharged_at is None
        reasons = set(session.scalars(select(FollowupTask.cancel_reason)))
    assert reasons == {None, CancelReason.DISCHARGE_CANCELLED}


def test_a03_after_a13_brings_the_cancelled_tasks_back(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    _import(service, tmp_path, adt("A03", "M1"), adt("A13", "M2"), adt("A03", "M3"))
    assert _tasks(db) == [("d7", TaskStatus.PENDING)]


def test_a08_updates_name_and_phone(db: Database, service: IntakeService, tmp_path: Path) -> None:
    _import(service, tmp_path, adt("A03", "M1"))
    report = _import(service, tmp_path, adt("A08", "M2", name="王^秀兰", phone="13912345678"))
    assert report.updated == 1
    with db.read() as session:
        patient = session.scalar(select(Patient).where(Patient.record_no == "H0001"))
        assert patient is not None and patient.name == "王秀兰"
        phones = session.execute(
            select(PatientContact.e164, PatientContact.is_primary)
            .where(PatientContact.patient_id == patient.id)
            .order_by(PatientContact.e164)
        ).all()
    assert phones == [("+8613800138000", False), ("+8613912345678", True)]


def test_a08_for_an_unknown_patient_creates_nobody(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    report = _import(service, tmp_path, adt("A08", "M1", record_no="NOBODY"))
    assert (report.skipped, report.errors) == (1, [])
    with db.read() as session:
        assert session.scalar(select(Patient.id)) is None


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_segments_may_end_in_cr_lf_or_crlf(
    db: Database, service: IntakeService, tmp_path: Path, end: str
) -> None:
    report = _import(
        service, tmp_path, adt("A03", "M1", end=end), adt("A03", "M2", visit="V2", end=end)
    )
    assert (report.read, report.created, report.errors) == (2, 2, [])


def test_a_malformed_message_is_reported_and_the_next_one_applied(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    broken = adt("A03", "M2", visit="V2", discharged="2026-11-16")  # not an HL7 TS
    no_pid = "\r".join(
        s for s in adt("A03", "M3", visit="V3").split("\r") if not s.startswith("PID")
    )
    report = _import(
        service, tmp_path, adt("A03", "M1"), broken, no_pid, adt("A03", "M4", visit="V4")
    )
    assert (report.read, report.created) == (4, 2)
    assert [(e.position, e.reason) for e in report.errors] == [
        (
            "message 2",
            "PV1-45 discharge date/time '2026-11-16' is not an HL7 date/time (YYYYMMDD[HHMM[SS]])",
        ),
        ("message 3", "the message has no PID segment"),
    ]
    assert _tasks(db, "V2") == [] and _tasks(db, "V4") == [("d7", TaskStatus.PENDING)]


def test_gbk_text_is_read_when_msh18_says_gb18030(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    path = tmp_path / "gbk.hl7"
    path.write_bytes(adt("A03", "M1", charset="GB 18030-2000").encode("gb18030"))
    assert service.import_hl7(path).created == 1
    with db.read() as session:
        assert session.scalar(select(Patient.name)) == "王秀英"


def test_a_folder_is_read_file_by_file_in_name_order(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "2.hl7").write_text(adt("A13", "M2"), encoding="utf-8")
    (folder / "1.hl7").write_text(adt("A03", "M1"), encoding="utf-8")
    report = service.import_hl7(folder)
    assert (report.created, report.updated, report.tasks_cancelled) == (1, 1, 1)
    with pytest.raises(ImportRefused, match="no such file"):
        service.import_hl7(tmp_path / "missing")


def test_mllp_framing_and_batch_headers_are_stripped_from_files() -> None:
    data = b"FHS|^~\\&\rBHS|^~\\&\r\x0b" + adt("A03", "M1").encode() + b"\x1c\r" + b"BTS|1\rFTS|1\r"
    [message] = split_messages(data)
    assert message.startswith(b"MSH|") and message.count(b"\r") == 5


def test_undeclared_gbk_text_is_read_and_the_guess_noted(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    path = tmp_path / "gbk.hl7"
    path.write_bytes(adt("A03", "M1", charset="").encode("gbk"))
    report = service.import_hl7(path)
    assert (report.created, report.notes[0].reason) == (
        1,
        "MSH-18 declares no known charset; the text was read as gb18030",
    )


BAD_SEPARATORS = "MSH|^\\N\\|||||||ADT^|2"  # the hl7 library asserts on these


def test_a_utc_offset_of_a_day_is_an_error_of_its_message_and_the_file_goes_on(
    db: Database, service: IntakeService, tmp_path: Path
) -> None:
    far = adt("A03", "M1").replace("19500307", "19500307+2400")
    report = _import(service, tmp_path, far, adt("A03", "M2", visit="V2"))
    assert [(e.position, e.reason) for e in report.errors] == [
        ("message 1", "PID-7 birth date '19500307+2400' has no real UTC offset (+2400)")
    ]
    assert report.created == 1 and _tasks(db, "V2") == [("d7", TaskStatus.PENDING)]


def test_separators_that_trip_the_hl7_library_are_rejected_and_the_file_goes_on(
    service: IntakeService, tmp_path: Path
) -> None:
    report = _import(service, tmp_path, BAD_SEPARATORS + "\r", adt("A03", "M2"))
    assert [(e.position, e.reason) for e in report.errors] == [
        (
            "message 1",
            "MSH-1/MSH-2 separators '|^\\N\\' are not five distinct symbols (|^~\\&)",
        )
    ]
    assert report.created == 1


def test_bad_escape_sequences_are_noted_once_per_message_and_not_logged(
    service: IntakeService, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    garbled = adt("A03", "M1", name="王\\Q\\^秀\\Z1\\英", phone="\\.spxx\\13800138000")
    report = _import(service, tmp_path, garbled.replace("心内五病区", "\\C2842\\心内五病区"))
    assert [(n.position, n.reason) for n in report.notes if "escape" in n.reason] == [
        ("message 1", "4 escape sequence(s) could not be decoded (\\Q\\, \\Z1\\, \\.spxx\\)")
    ]
    assert report.created == 1
    assert not [r for r in caplog.records if r.name.startswith("hl7")]


def test_escape_sequences_are_decoded_once() -> None:
    parsed = parse_adt(adt("A03", "M1", name="O\\E\\T\\S\\Brien^\\X41\\nn").encode())
    assert isinstance(parsed.event, Discharge)
    assert parsed.event.patient.name == "O\\T^Brien Ann"  # \E\T\ is a backslash, then T
