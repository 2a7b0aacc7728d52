"""Revisit appointments by SMS: the reminder the day before a booking made long ahead (sent
through the gateway to a scripted AT modem), withdrawn when the booking is cancelled or
moved, and the patient's 确认 / 改期 through Gammu's dummy phone."""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from agent_desk.db import sms_outbox, sms_views
from agent_desk.db.engine import Database
from agent_desk.db.models import Patient
from agent_desk.db.sms_models import SmsReply
from agent_desk.domain.appointments import AppointmentView
from agent_desk.domain.enums import AppointmentStatus, SmsKind, SmsReplyKind, SmsState
from agent_desk.domain.sms_filter import parse_filter
from agent_desk.domain.sms_rules import ContactRules
from agent_desk.paths import DataDir
from agent_desk.plans.calendar import HOSPITAL_TZ, at_local
from agent_desk.services.appointments import AppointmentService
from agent_desk.services.callbacks import CallbackService
from agent_desk.services.sms import SmsService
from agent_desk.services.sms_campaigns import CampaignService
from agent_desk.services.sms_gateway import build_gateway, calendar_sources
from agent_desk.services.sms_reminders import queue_due_messages
from agent_desk.settings import Settings
from agent_desk.sms.gateway import SmsGateway
from tests.appointment_support import AGENT, add_staff, publish
from tests.builders import SUPERVISOR, Hospital
from tests.serial_pair import requires_socat
from tests.sms_support import DummyPhone, dummy_phone, scripted_modem

SIGN = "某某市人民医院"
WANG = "+8613800138000"  # 王秀英's own mobile
BOOKING_DAY = date(2026, 12, 30)  # a Wednesday; slots are published for 60 days from it
FAR = BOOKING_DAY + timedelta(days=30)  # Friday 29 January 2027
NEAR = BOOKING_DAY + timedelta(days=5)  # Monday 4 January 2027


def _local(day: date, hhmm: str) -> datetime:
    return at_local(day, datetime.strptime(hhmm, "%H:%M").time())


BOOKED_AT = _local(BOOKING_DAY, "07:00")
EVE = _local(FAR - timedelta(days=1), "10:00")  # the day before the far revisit


def _book(db: Database, patient: uuid.UUID, department: uuid.UUID, day: date) -> AppointmentView:
    agent = AppointmentService(db, AGENT, clock=lambda: BOOKED_AT)
    return agent.book(patient, agent.slots(department, day, day)[0].id)


@pytest.fixture
def booked(db: Database, hospital: Hospital) -> dict[str, AppointmentView]:
    publish(db, BOOKING_DAY)
    add_staff(db, AGENT)
    return {
        "far": _book(db, hospital.patients["wang"], hospital.cardiology, FAR),
        "near": _book(db, hospital.patients["li_a"], hospital.cardiology, NEAR),
    }


def _settings(data_dir: DataDir, port: str, model: str = "") -> Settings:
    settings = Settings(data_dir.settings)
    settings.set("sms.port", port)
    settings.set("sms.signature", SIGN)
    if model:
        settings.set("sms.connection", "none")
        settings.set("sms.model", model)
    return settings


def _revisit_reminders(data_dir: DataDir, settings: Settings, db: Database, now: datetime) -> int:
    """What the gateway's daily calendar queues for revisits at *now*."""
    return queue_due_messages(db, calendar_sources(data_dir, settings), now)["revisit"]


def _messages(db: Database, *states: SmsState) -> list[sms_views.MessageView]:
    with db.read() as session:
        return sms_views.messages(session, list(states), 50)


def _appointments(db: Database, now: datetime = EVE) -> AppointmentService:
    return AppointmentService(db, AGENT, clock=lambda: now)


@requires_socat
def test_a_revisit_booked_30_days_ahead_is_reminded_the_day_before_through_the_modem(
    tmp_path: Path, data_dir: DataDir, db: Database, booked: dict[str, AppointmentView]
) -> None:
    far = booked["far"]
    assert far.starts_at.astimezone(HOSPITAL_TZ).date() == FAR
    with scripted_modem(tmp_path / "modem") as modem:
        settings = _settings(data_dir, str(modem.port))
        assert _revisit_reminders(data_dir, settings, db, EVE - timedelta(days=1)) == 0
        assert _revisit_reminders(data_dir, settings, db, EVE) == 1
        assert _revisit_reminders(data_dir, settings, db, EVE) == 0  # the next run: nothing
        gateway = build_gateway(data_dir, settings, db, clock=lambda: EVE)
        deadline = time.monotonic() + 30
        while not _messages(db, SmsState.SENT) and time.monotonic() < deadline:
            gateway.step()
        gateway.modem.close()
    (message,) = modem.received()
    assert message.number == WANG
    assert message.text == (
        f"【{SIGN}】您预约了1月29日 {far.starts_at.astimezone(HOSPITAL_TZ):%H:%M} 心血管内科复诊，"
        "回复“确认”确认，回复“改期”我们将致电为您改约。回复TD退订"
    )
    (sent,) = _messages(db, SmsState.SENT)
    assert sent.kind is SmsKind.REMINDER
    # Sent: the booking is marked reminded, so no source lists it again.
    assert _appointments(db).reminders_due(FAR - timedelta(days=1)) == []


def test_a_revisit_booked_5_days_ahead_gets_no_reminder(
    data_dir: DataDir, db: Database, booked: dict[str, AppointmentView]
) -> None:
    settings = _settings(data_dir, "")
    eve_of_near = _local(NEAR - timedelta(days=1), "10:00")
    assert _revisit_reminders(data_dir, settings, db, eve_of_near) == 0
    settings.set("appointments.reminder_days_ahead", "4")  # the rule is a setting
    assert _revisit_reminders(data_dir, settings, db, eve_of_near) == 1
    (queued,) = _messages(db, SmsState.QUEUED)
    assert queued.patient_name == "李建国"


def _claim(db: Database, now: datetime = EVE) -> sms_outbox.Claimed | None:
    with db.write() as session:
        return sms_outbox.claim_next(session, now, "gw", ContactRules(), HOSPITAL_TZ)


@pytest.mark.parametrize("change", ["cancel", "reschedule"])
def test_a_queued_revisit_reminder_is_withdrawn_when_the_booking_is_cancelled_or_moved(
    data_dir: DataDir,
    db: Database,
    hospital: Hospital,
    booked: dict[str, AppointmentView],
    change: str,
) -> None:
    assert _revisit_reminders(data_dir, _settings(data_dir, ""), db, EVE) == 1
    agent = _appointments(db, BOOKED_AT + timedelta(days=1))
    if change == "cancel":
        agent.cancel(booked["far"].id, "患者已在外院复诊")
    else:
        later = agent.slots(hospital.cardiology, FAR, FAR)[3]
        agent.reschedule(booked["far"].id, later.id)
    assert _claim(db) is None
    (withdrawn,) = _messages(db, SmsState.WITHDRAWN)
    assert "revisit" in (withdrawn.failure or "")


def test_a_revisit_reminder_never_goes_to_a_patient_without_sms_consent(
    data_dir: DataDir, db: Database, hospital: Hospital, booked: dict[str, AppointmentView]
) -> None:
    with db.write() as session:
        session.get(Patient, hospital.patients["wang"]).consent_sms = False  # type: ignore[union-attr]
    _revisit_reminders(data_dir, _settings(data_dir, ""), db, EVE)
    assert _claim(db) is None
    assert [m.state for m in _messages(db, SmsState.BLOCKED)] == [SmsState.BLOCKED]


@pytest.fixture
def phone(tmp_path: Path) -> DummyPhone:
    return dummy_phone(tmp_path / "phone")


@pytest.fixture
def reminded(
    data_dir: DataDir, db: Database, booked: dict[str, AppointmentView], phone: DummyPhone
) -> SmsGateway:
    """The far revisit's reminder sent through the dummy phone; the gateway, to answer it."""
    settings = _settings(data_dir, str(phone.folder), model="dummy")
    assert _revisit_reminders(data_dir, settings, db, EVE) == 1
    gateway = build_gateway(data_dir, settings, db, clock=lambda: EVE)
    gateway.step()
    assert len(_messages(db, SmsState.SENT)) == 1
    return gateway


def _replies(db: Database) -> list[tuple[SmsReplyKind, uuid.UUID | None]]:
    with db.read() as session:
        return [(r.kind, r.appointment_id) for r in session.query(SmsReply)]


def test_a_reply_of_confirm_confirms_the_revisit(
    data_dir: DataDir,
    db: Database,
    booked: dict[str, AppointmentView],
    phone: DummyPhone,
    reminded: SmsGateway,
) -> None:
    phone.deliver("13800138000", "确认")
    reminded.step()
    far = booked["far"].id
    assert _appointments(db).get(far).status is AppointmentStatus.CONFIRMED
    assert _replies(db) == [(SmsReplyKind.REVISIT_CONFIRMED, far)]
    sms = SmsService(db, _settings(data_dir, ""))
    assert sms.unhandled_replies(AGENT) == []  # nothing for an agent to do
    assert [r.kind for r in sms.of_patient(AGENT, booked["far"].patient_id)[1]] == [
        SmsReplyKind.REVISIT_CONFIRMED
    ]  # on the card
    assert phone.inbox_size() == 0


def test_a_reply_of_reschedule_creates_a_callback_task(
    db: Database,
    booked: dict[str, AppointmentView],
    phone: DummyPhone,
    reminded: SmsGateway,
) -> None:
    callbacks = CallbackService(db, AGENT, clock=lambda: EVE + timedelta(minutes=5))
    assert callbacks.callbacks_due() == []
    phone.deliver(WANG, "改期。")
    reminded.step()
    (task,) = callbacks.callbacks_due()
    assert task.patient_id == booked["far"].patient_id
    # The booking keeps its place until an agent moves it.
    assert _appointments(db).get(booked["far"].id).status is AppointmentStatus.BOOKED
    assert _replies(db) == [(SmsReplyKind.REVISIT_RESCHEDULE, booked["far"].id)]


def test_confirm_from_a_number_never_reminded_waits_for_an_agent(
    db: Database, booked: dict[str, AppointmentView], phone: DummyPhone, reminded: SmsGateway
) -> None:
    phone.deliver("13912345678", "确认")  # 李建国: booked, but never sent a reminder
    reminded.step()
    assert _appointments(db).get(booked["near"].id).status is AppointmentStatus.BOOKED
    assert _replies(db) == [(SmsReplyKind.NEEDS_AGENT, None)]


def test_a_campaign_fills_in_the_next_revisit(
    data_dir: DataDir, db: Database, booked: dict[str, AppointmentView]
) -> None:
    campaigns = CampaignService(db, _settings(data_dir, ""), lambda: BOOKED_AT)
    wanted = parse_filter("department=CARD")
    preview = campaigns.preview(SUPERVISOR, "{姓名}：复诊时间{复诊时间}", wanted)
    (sample,) = preview.samples
    starts = booked["far"].starts_at.astimezone(HOSPITAL_TZ)
    assert sample.text == f"【{SIGN}】王秀英：复诊时间1月29日 {starts:%H:%M}"
