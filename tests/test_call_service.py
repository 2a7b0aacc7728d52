"""Screen-pop and call log, from telephony snapshots (no engine needed)."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from agent_desk.db import audit, export, staff
from agent_desk.db.engine import Database
from agent_desk.db.models import Call, Patient
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.enums import AuditAction, CallDirection, RecordingStatus, Role
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.domain.phones import PhonePlan
from agent_desk.foreground import FOREGROUND
from agent_desk.services.calls import (
    CallService,
    CannotDial,
    DialRefusal,
    OutboundContext,
    PopKind,
    dial_target,
)
from agent_desk.telephony.events import (
    CallerIdPrivacy,
    CallSnapshot,
    CallSource,
    RecordingConsent,
)
from tests.builders import AGENT, Hospital
from tests.executors import Immediate


def _service(db: Database) -> CallService:
    with db.write() as session:
        agent = staff.add_user(session, f"agent{uuid.uuid4().hex[:6]}", "long enough", Role.AGENT)
    return CallService(db, PhoneIndex(db), PhonePlan(area_code="010"), agent.id, AGENT, Immediate())


def _ringing(number: str, call_id: str = "c1") -> CallSnapshot:
    return CallSnapshot(call_id, CallSource.SIP, CallDirection.INBOUND, number, "王秀英")


def _row(db: Database, log_id: uuid.UUID) -> Call:
    with db.read() as session:
        row = session.get(Call, log_id)
        assert row is not None
        return row


def test_known_number_pops_the_card_with_the_open_task(db: Database, hospital: Hospital) -> None:
    pop = _service(db).pop(_ringing("13800138000"))
    assert pop.kind is PopKind.PATIENT
    assert pop.card is not None and pop.card.id == hospital.patients["wang"]
    assert pop.task is not None and pop.task.id == hospital.tasks["wang_due"]
    row = _row(db, pop.log_id)
    assert (row.patient_id, row.task_id, row.remote_e164) == (
        hospital.patients["wang"],
        hospital.tasks["wang_due"],
        "+8613800138000",
    )


def test_shared_number_asks_the_agent_and_links_the_choice(
    db: Database, hospital: Hospital
) -> None:
    service = _service(db)
    pop = service.pop(_ringing("87654321"))  # local caller-ID, hospital area code 010
    assert pop.kind is PopKind.CHOOSE and len(pop.hits) == 2 and pop.card is None
    assert _row(db, pop.log_id).patient_id is None  # never linked automatically
    card = service.choose_patient("c1", hospital.patients["li_a"])
    assert card is not None
    row = _row(db, pop.log_id)
    assert (row.patient_id, row.task_id) == (
        hospital.patients["li_a"],
        hospital.tasks["li_overdue"],
    )


def test_unknown_and_withheld_callers(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    assert service.pop(_ringing("13011112222")).kind is PopKind.UNKNOWN
    withheld = replace(_ringing("", "c2"), privacy=CallerIdPrivacy.PRIVATE)
    assert service.pop(withheld).kind is PopKind.WITHHELD


def test_answer_and_hangup_complete_the_log(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    call = _ringing("13800138000")
    pop = service.pop(call)
    answered = replace(call, answered_at=call.started_at + timedelta(seconds=3))
    service.answered(answered)
    ended = replace(answered, ended_at=answered.answered_at + timedelta(seconds=60))
    service.ended(ended, "/data/recordings/c1.wav", RecordingStatus.RECORDED)
    row = _row(db, pop.log_id)
    assert row.answered_at == answered.answered_at
    assert row.ended_at == ended.ended_at
    assert row.recording_path == "/data/recordings/c1.wav"
    assert row.recording_status is RecordingStatus.RECORDED


def test_click_to_dial_needs_no_lookup(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    context = OutboundContext(hospital.patients["li_b"], None)
    service.expect_outbound("out1", context)
    call = CallSnapshot("out1", CallSource.SIP, CallDirection.OUTBOUND, "13912345678")
    pop = service.pop(call)  # that number is li_a's, but the agent dialled for li_b
    assert pop.card is not None and pop.card.id == hospital.patients["li_b"]


def test_a_popped_card_is_audit_logged(db: Database, hospital: Hospital) -> None:
    _service(db).pop(_ringing("13800138000"))
    with db.read() as session:
        assert audit.recent(session)[0] == (
            "agent7",
            AuditAction.VIEW_PATIENT,
            str(hospital.patients["wang"]),
        )


def test_the_background_writer_keeps_the_order_of_events(db: Database, hospital: Hospital) -> None:
    with db.write() as session:
        agent = staff.add_user(session, "agent_bg", "long enough", Role.AGENT)
    service = CallService(
        db, PhoneIndex(db), PhonePlan(), agent.id, Principal.of("agent_bg", [Role.AGENT])
    )
    call = _ringing("13800138000")
    pop = service.pop(call)
    answered = replace(call, answered_at=call.started_at + timedelta(seconds=2))
    service.answered(answered)
    ended = replace(answered, ended_at=answered.answered_at + timedelta(seconds=9))
    service.ended(ended, None, RecordingStatus.SWITCHED_OFF)
    service.close()  # waits for the writer
    row = _row(db, pop.log_id)
    assert row.ended_at - row.answered_at == timedelta(seconds=9)


def test_the_calls_row_is_written_once_its_card_is_on_screen(
    db: Database, hospital: Hospital
) -> None:
    """The writer's work would take the interpreter from the window while it fills the
    card: it waits for the foreground, as the sync does."""
    with db.write() as session:
        agent = staff.add_user(session, "agent_fg", "long enough", Role.AGENT)
    service = CallService(
        db, PhoneIndex(db), PhonePlan(), agent.id, Principal.of("agent_fg", [Role.AGENT])
    )
    gate_key = object()
    FOREGROUND.hold(gate_key)  # as the line does when the call rings
    try:
        pop = service.pop(_ringing("13800138000"))
        deadline = time.monotonic() + 5
        while FOREGROUND.waiting < 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert FOREGROUND.waiting == 1  # the writer waits for the card
        with db.read() as session:
            assert session.get(Call, pop.log_id) is None
    finally:
        FOREGROUND.release(gate_key)  # the card is on screen
    service.flush()
    assert _row(db, pop.log_id).patient_id == hospital.patients["wang"]
    service.close()


def _refuse_recording(db: Database, patient: uuid.UUID) -> None:
    with db.write() as session:
        row = session.get(Patient, patient)
        assert row is not None
        row.consent_recording = False


def test_a_patient_who_refuses_is_not_recorded(db: Database, hospital: Hospital) -> None:
    _refuse_recording(db, hospital.patients["wang"])
    service = _service(db)
    call = _ringing("13800138000")
    assert service.pop(call).consent is RecordingConsent.REFUSED
    assert service.pop(_ringing("13912345678", "c2")).consent is RecordingConsent.GIVEN


def test_a_refusal_is_the_reason_logged_whatever_the_line_says(
    db: Database, hospital: Hospital
) -> None:
    _refuse_recording(db, hospital.patients["wang"])
    service = _service(db)
    call = replace(_ringing("13800138000"), source=CallSource.MODEM)
    pop = service.pop(call)
    service.ended(replace(call, ended_at=call.started_at), None, RecordingStatus.LINE_CANNOT_RECORD)
    assert _row(db, pop.log_id).recording_status is RecordingStatus.PATIENT_REFUSED


def test_the_exported_call_log_says_why_a_call_was_not_recorded(
    db: Database, hospital: Hospital
) -> None:
    _refuse_recording(db, hospital.patients["wang"])
    service = _service(db)
    call = _ringing("13800138000")
    service.pop(call)
    service.ended(replace(call, ended_at=call.started_at), None, RecordingStatus.NOT_CONNECTED)
    names = [column.name for column in export.columns_of(export.ExportKind.CALLS)]
    with db.read() as session:
        [row] = list(export.rows(session, export.ExportKind.CALLS))
    assert dict(zip(names, row, strict=True))["recording_status"] == "patient_refused"


def test_shared_number_with_a_refusing_patient_waits_for_the_choice(
    db: Database, hospital: Hospital
) -> None:
    _refuse_recording(db, hospital.patients["li_b"])
    service = _service(db)
    assert service.pop(_ringing("87654321")).consent is None
    service.choose_patient("c1", hospital.patients["li_a"])
    assert service.recording_consent("c1") is RecordingConsent.GIVEN
    assert service.pop(_ringing("87654321", "c2")).consent is None
    service.choose_patient("c2", hospital.patients["li_b"])
    assert service.recording_consent("c2") is RecordingConsent.REFUSED


def test_an_unknown_caller_linked_to_a_refusing_patient_is_refused(
    db: Database, hospital: Hospital
) -> None:
    _refuse_recording(db, hospital.patients["li_b"])
    service = _service(db)
    assert service.pop(_ringing("13011112222")).consent is RecordingConsent.GIVEN
    service.choose_patient("c1", hospital.patients["li_b"])
    assert service.recording_consent("c1") is RecordingConsent.REFUSED


def test_a_call_popped_again_keeps_its_one_row(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    first_ring = _ringing("", "m1")
    first = service.pop(first_ring)
    second = service.pop(replace(first_ring, remote_number="13800138000"))
    service.ended(replace(first_ring, ended_at=first_ring.started_at), None, RecordingStatus.FAILED)
    with db.read() as session:
        [row] = session.query(Call).all()
    assert first.log_id == second.log_id == row.id
    assert (row.patient_id, row.remote_e164) == (hospital.patients["wang"], "+8613800138000")
    assert row.ended_at is not None


def test_a_call_that_never_popped_still_gets_its_row(db: Database, hospital: Hospital) -> None:
    service = _service(db)
    refused_busy = _ringing("13800138000", "busy1")  # do-not-disturb: no ring, no pop
    service.ended(
        replace(refused_busy, ended_at=refused_busy.started_at), None, RecordingStatus.NOT_CONNECTED
    )
    with db.read() as session:
        [row] = session.query(Call).all()
    assert (row.patient_id, row.recording_status) == (
        hospital.patients["wang"],
        RecordingStatus.NOT_CONNECTED,
    )
    assert row.ended_at is not None


def test_click_to_dial_calls_the_patients_own_number(db: Database, hospital: Hospital) -> None:
    card = _service(db).pop(_ringing("13800138000")).card
    assert card is not None and dial_target(card) == "+8613800138000"


def test_a_patient_who_does_not_wish_to_be_called_is_not_dialled(
    db: Database, hospital: Hospital
) -> None:
    card = _service(db).pop(_ringing("13800138000")).card
    assert card is not None
    with pytest.raises(CannotDial) as refused:
        dial_target(replace(card, consent_call=False))
    assert refused.value.reason is DialRefusal.NO_CONSENT


def test_a_patient_without_a_valid_number_is_not_dialled(db: Database, hospital: Hospital) -> None:
    card = _service(db).pop(_ringing("13800138000")).card
    assert card is not None
    with pytest.raises(CannotDial) as refused:
        dial_target(replace(card, contacts=()))
    assert refused.value.reason is DialRefusal.NO_NUMBER


def test_a_nurse_sees_the_callers_card_from_another_department(
    db: Database, hospital: Hospital
) -> None:
    nurse = Principal.of("nurse1", [Role.NURSE], [hospital.cardiology])
    service = CallService(db, PhoneIndex(db), PhonePlan(), None, nurse, Immediate())
    pop = service.pop(_ringing("13912345678"))  # 李建国, an orthopaedics patient
    assert pop.card is not None and pop.card.id == hospital.patients["li_a"]


def test_a_role_that_takes_no_calls_gets_no_call_service(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        CallService(db, PhoneIndex(db), PhonePlan(), None, Principal.of("admin", [Role.ADMIN]))
