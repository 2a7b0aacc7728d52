"""Revisit reminders with a central server: bookings are decided there, and so are the
reminder's withdrawal and the patient's 确认, by the gateway sending from the central outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from agent_desk.db import sms_outbox, sms_views
from agent_desk.db.appointment_models import Appointment
from agent_desk.db.engine import Database
from agent_desk.db.models import Department, Patient, PatientContact
from agent_desk.domain.appointments import AppointmentView
from agent_desk.domain.enums import AppointmentStatus, ContactRelation, SmsState
from agent_desk.domain.sms_rules import ContactRules
from agent_desk.paths import DataDir
from agent_desk.plans.calendar import HOSPITAL_TZ, at_local
from agent_desk.services.appointments import AppointmentService
from agent_desk.services.sms_gateway import build_gateway, forward_queued
from agent_desk.services.sms_reminders import RevisitReminders, queue_due_messages
from agent_desk.settings import Settings
from tests.appointment_support import AGENT, publish
from tests.sms_support import dummy_phone
from tests.test_work_queue import central_server

pytestmark = pytest.mark.postgres
BOOKING_DAY = date(2026, 12, 30)
FAR = BOOKING_DAY + timedelta(days=30)
BOOKED_AT = at_local(BOOKING_DAY, datetime.strptime("07:00", "%H:%M").time())
EVE = at_local(FAR - timedelta(days=1), datetime.strptime("10:00", "%H:%M").time())


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    with central_engine.begin() as connection:
        connection.execute(text("TRUNCATE departments, patients, sms_gateway_lease CASCADE"))
    return Database(central_engine)


def _seed(db: Database, department: uuid.UUID, patient: uuid.UUID) -> None:
    """The same department and patient on both sides, as sync gives them."""
    with db.write() as session:
        session.add(Department(id=department, code="CARD", name="心血管内科"))
        session.add(Patient(id=patient, record_no="D000000001", name="王秀英"))
        session.flush()
        session.add(
            PatientContact(
                patient_id=patient,
                relation=ContactRelation.SELF,
                raw_number="13800138000",
                e164="+8613800138000",
                is_primary=True,
            )
        )


@pytest.fixture
def reminder_forwarded(db: Database, central: Database) -> AppointmentView:
    """A revisit booked 30 days ahead on the server; its reminder queued the day before on
    the gateway's workstation and handed to the central outbox."""
    department, patient = uuid.uuid4(), uuid.uuid4()
    _seed(central, department, patient)
    _seed(db, department, patient)
    publish(central, BOOKING_DAY)
    agent = AppointmentService(db, AGENT, central=central, clock=lambda: BOOKED_AT)
    with central.read() as session:
        slot = session.scalars(
            text("SELECT id FROM appointment_slots WHERE day = :day ORDER BY starts_at LIMIT 1"),
            {"day": FAR},
        ).one()
    made = agent.book(patient, slot)
    assert queue_due_messages(db, [RevisitReminders("某某市人民医院")], EVE) == {"revisit": 1}
    assert forward_queued(db, central) == 1
    return made


def test_a_revisit_cancelled_on_the_server_withdraws_its_central_reminder(
    db: Database, central: Database, reminder_forwarded: AppointmentView
) -> None:
    AppointmentService(db, AGENT, central=central, clock=lambda: EVE).cancel(
        reminder_forwarded.id, "患者已在外院复诊"
    )
    with central.write() as session:
        rules = ContactRules()
        assert sms_outbox.claim_next(session, EVE, "gw", rules, HOSPITAL_TZ) is None
    with central.read() as session:
        assert sms_views.counts(session) == {SmsState.WITHDRAWN: 1}


def test_confirm_through_a_gateway_sending_from_the_server(
    tmp_path: Path,
    data_dir: DataDir,
    db: Database,
    central: Database,
    reminder_forwarded: AppointmentView,
) -> None:
    phone = dummy_phone(tmp_path / "phone")
    settings = Settings(data_dir.settings)
    for key, value in [
        ("sms.port", str(phone.folder)),
        ("sms.connection", "none"),
        ("sms.model", "dummy"),
    ]:
        settings.set(key, value)
    gateway = build_gateway(data_dir, settings, db, central, clock=lambda: EVE)
    gateway.step()  # the lease, then the reminder from the central outbox
    with central.read() as session:
        assert sms_views.counts(session) == {SmsState.SENT: 1}
    phone.deliver("13800138000", "确认")
    gateway.step()
    gateway.modem.close()
    gateway.lease.release()  # type: ignore[union-attr]
    for side in (central, db):  # decided on the server, copied here
        with side.read() as session:
            booking = session.get(Appointment, reminder_forwarded.id)
            assert booking is not None
            assert booking.status is AppointmentStatus.CONFIRMED
            assert booking.reminder_sent_at is not None
