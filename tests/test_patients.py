"""Finding a patient by any number format, name or record number, and opening the card."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from agent_desk.db import audit
from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.enums import AuditAction, ContactRelation, Role, Sex, TaskStatus
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.domain.phones import PhonePlan
from agent_desk.domain.views import TimelineKind
from agent_desk.services.patients import PatientInputError, PatientService, SearchProblem
from tests.builders import AGENT, Hospital, nurse_of


def _service(db: Database, area_code: str = "") -> PatientService:
    return PatientService(db, PhonePlan(area_code=area_code), PhoneIndex(db))


def test_lookup_finds_the_patient_whatever_the_format(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    for raw in ("13800138000", "+86 138 0013 8000", "008613800138000", "1795113800138000"):
        assert [hit.id for hit in service.lookup_number(raw, AGENT)] == [hospital.patients["wang"]]


def test_a_family_members_number_finds_the_patient(db: Database, hospital: Hospital) -> None:
    hits = _service(db).lookup_number("010 6234 5678", AGENT)
    assert [(hit.id, hit.matched_relation) for hit in hits] == [
        (hospital.patients["wang"], ContactRelation.CHILD)
    ]


def test_a_shared_number_returns_every_patient_on_it(db: Database, hospital: Hospital) -> None:
    hits = _service(db).lookup_number("010-8765-4321", AGENT)
    assert {hit.id for hit in hits} == {hospital.patients["li_a"], hospital.patients["li_b"]}


def test_caller_id_without_area_code_matches_with_the_hospital_setting(
    db: Database, hospital: Hospital
) -> None:
    hits = _service(db, area_code="010").lookup_number("87654321", AGENT)
    assert len(hits) == 2


def test_search_box_accepts_name_prefix_and_record_number(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    assert {hit.name for hit in service.search("李", AGENT).hits} == {"李桂兰", "李建国"}
    assert [hit.id for hit in service.search("D000000001", AGENT).hits] == [
        hospital.patients["wang"]
    ]
    assert [hit.id for hit in service.search(" 138-0013-8000 ", AGENT).hits] == [
        hospital.patients["wang"]
    ]


def test_search_explains_why_it_found_nothing(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    assert service.search("   ", AGENT).problem is SearchProblem.EMPTY
    assert service.search("1234567", AGENT).problem is SearchProblem.INVALID_PHONE
    assert service.search("赵", AGENT).problem is SearchProblem.NO_MATCH


def test_card_holds_history_and_open_tasks_in_due_order(db: Database, hospital: Hospital) -> None:
    card = _service(db).open_card(hospital.patients["wang"], nurse_of(hospital.cardiology))
    assert card is not None
    assert card.allergies == "青霉素过敏"
    assert card.risk_flags == ("allergy", "cardiac")
    assert [task.id for task in card.open_tasks] == [
        hospital.tasks["wang_due"],
        hospital.tasks["wang_later"],
    ]
    assert all(task.status is TaskStatus.PENDING for task in card.open_tasks)
    assert card.encounters[0].diagnoses[0].icd10 == "I21.9"
    assert card.encounters[0].discharge_orders == "低盐饮食，两周后复诊"
    kinds = [entry.kind for entry in card.timeline]
    assert kinds == [TimelineKind.ATTEMPT, TimelineKind.ENCOUNTER]  # newest first


def test_card_shows_earlier_follow_up_scores(db: Database, hospital: Hospital) -> None:
    card = _service(db).open_card(hospital.patients["li_b"], nurse_of(hospital.orthopaedics))
    assert card is not None
    records = [entry for entry in card.timeline if entry.kind is TimelineKind.RECORD]
    assert [entry.score for entry in records] == [82.0]


def test_opening_a_card_is_audit_logged(db: Database, hospital: Hospital) -> None:
    _service(db).open_card(hospital.patients["wang"], nurse_of(hospital.cardiology))
    with db.read() as session:
        events = audit.recent(session)
    assert events[0] == ("nurse1", AuditAction.VIEW_PATIENT, str(hospital.patients["wang"]))


def test_a_search_is_audit_logged_with_what_was_typed_masked(
    db: Database, hospital: Hospital
) -> None:
    service = _service(db)
    service.search("13800138000", AGENT)
    service.search("李建国", AGENT)
    with db.read() as session:
        searches = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == AuditAction.SEARCH)
            .order_by(AuditEvent.at)
        )
        details = [{k: e.detail[k] for k in ("query_kind", "query", "found")} for e in searches]
    assert details == [
        {"query_kind": "phone", "query": "138****8000", "found": 1},
        {"query_kind": "name_or_record", "query": "李**", "found": 1},
    ]


def test_an_unknown_caller_becomes_a_patient_found_next_time(
    db: Database, hospital: Hospital
) -> None:
    service = _service(db)
    patient_id = service.register_caller(
        "131 2222 3333",
        name="周新",
        record_no="w0001",
        sex=Sex.MALE,
        birth_date=None,
        principal=AGENT,
    )
    assert [hit.id for hit in service.lookup_number("13122223333", AGENT)] == [patient_id]
    assert service.search("W0001", AGENT).hits[0].id == patient_id


def test_registering_needs_a_free_record_number(db: Database, hospital: Hospital) -> None:
    with pytest.raises(PatientInputError, match="already used"):
        _service(db).register_caller(
            "13122223333",
            name="周新",
            record_no="D000000001",
            sex=Sex.MALE,
            birth_date=None,
            principal=AGENT,
        )
    assert _service(db).lookup_number("13122223333", AGENT) == []


def test_linking_a_number_twice_adds_it_once(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    for _ in range(2):
        service.link_number(
            hospital.patients["li_a"], "133 4444 5555", ContactRelation.CHILD, AGENT, "李小明"
        )
    card = service.open_card(hospital.patients["li_a"], AGENT)
    assert card is not None
    assert [c.e164 for c in card.contacts].count("+8613344445555") == 1


def test_a_nurse_cannot_open_another_departments_card(db: Database, hospital: Hospital) -> None:
    with pytest.raises(PermissionDenied):
        _service(db).open_card(hospital.patients["li_a"], nurse_of(hospital.cardiology))


def test_a_nurse_finds_any_patient_by_search(db: Database, hospital: Hospital) -> None:
    hits = _service(db).search("D000000002", nurse_of(hospital.cardiology)).hits
    assert [hit.id for hit in hits] == [hospital.patients["li_a"]]


def test_an_agent_opens_every_departments_card(db: Database, hospital: Hospital) -> None:
    assert _service(db).open_card(hospital.patients["li_a"], AGENT) is not None


def test_a_plain_admin_cannot_search(db: Database, hospital: Hospital) -> None:
    with pytest.raises(PermissionDenied):
        _service(db).search("李", Principal.of("admin", [Role.ADMIN]))


def test_the_warm_up_runs_the_cards_reads_for_no_patient(db: Database, hospital: Hospital) -> None:
    card_tables = {
        "patients", "patient_contacts", "encounters", "encounter_diagnoses",
        "followup_tasks", "followup_attempts", "calls", "followup_records",
    }  # fmt: skip
    with db.read() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEvent))
    read: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        read.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        _service(db).warm_up()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert {table for table in card_tables if any(f"FROM {table}" in s for s, _ in read)} == (
        card_tables
    )
    # Asked for an id no patient has: no one's record is read, and no one is audited.
    ids = {str(p) for p in hospital.patients.values()} | {p.hex for p in hospital.patients.values()}
    assert not any(str(value) in ids for _, params in read for value in (params or ()))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == audited
