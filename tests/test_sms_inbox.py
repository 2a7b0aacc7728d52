"""Replies, unsubscribes and delivery reports, through Gammu's dummy phone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_desk.db import sms_outbox, sms_views
from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupRecord, Patient
from agent_desk.db.patients import load_card
from agent_desk.domain.enums import SmsDelivery, SmsKind, SmsReplyKind, SmsState
from agent_desk.domain.views import TimelineKind
from agent_desk.paths import DataDir
from agent_desk.services.sms import SmsRefused, SmsService
from agent_desk.services.sms_gateway import build_gateway
from agent_desk.settings import Settings
from agent_desk.sms.gateway import SmsGateway
from tests.builders import AGENT, Hospital
from tests.sms_support import DummyPhone, dummy_phone

NUMBER = "+8613800138000"  # 王秀英's own mobile
DAYTIME = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def phone(tmp_path: Path) -> DummyPhone:
    return dummy_phone(tmp_path / "phone")


@pytest.fixture
def settings(data_dir: DataDir, phone: DummyPhone) -> Settings:
    settings = Settings(data_dir.settings)
    settings.set("sms.port", str(phone.folder))
    settings.set("sms.connection", "none")
    settings.set("sms.model", "dummy")
    settings.set("sms.signature", "某某市人民医院")
    return settings


@pytest.fixture
def gateway(data_dir: DataDir, settings: Settings, db: Database) -> SmsGateway:
    return build_gateway(data_dir, settings, db, clock=lambda: DAYTIME)


def test_td_unsubscribes_at_once_and_is_confirmed(
    db: Database, hospital: Hospital, phone: DummyPhone, gateway: SmsGateway, settings: Settings
) -> None:
    phone.deliver("13800138000", "TD")
    gateway.step()
    with db.read() as session:
        assert session.get(Patient, hospital.patients["wang"]).consent_sms is False  # type: ignore[union-attr]
        (confirmation,) = sms_views.messages(session, [SmsState.QUEUED, SmsState.SENT], 10)
    assert confirmation.kind is SmsKind.CONFIRMATION
    assert confirmation.text.startswith("【某某市人民医院】您已成功退订")
    gateway.step()  # the confirmation goes out, whatever the rules
    with db.read() as session:
        assert [m.kind for m in sms_views.messages(session, [SmsState.SENT], 10)] == [
            SmsKind.CONFIRMATION
        ]
    with pytest.raises(SmsRefused):
        SmsService(db, settings, lambda: DAYTIME).send(AGENT, "13800138000", "明天复诊")
    assert phone.inbox_size() == 0


def test_a_long_reply_is_joined_stored_on_the_card_and_deleted_from_the_sim(
    db: Database, hospital: Hospital, phone: DummyPhone, gateway: SmsGateway, settings: Settings
) -> None:
    words = "医生您好，我出院后血压一直偏高，早上测量是一百五十多，晚上稍好一些，" * 3
    assert phone.deliver(NUMBER, words) == 2
    gateway.step()
    assert phone.inbox_size() == 0
    service = SmsService(db, settings, lambda: DAYTIME)
    _sent, replies = service.of_patient(AGENT, hospital.patients["wang"])
    assert [(r.text, r.kind) for r in replies] == [(words, SmsReplyKind.NEEDS_AGENT)]
    with db.read() as session:
        card = load_card(session, hospital.patients["wang"])
    assert card is not None
    assert [e.detail for e in card.timeline if e.kind is TimelineKind.SMS_IN] == [words]
    (todo,) = service.unhandled_replies(AGENT)
    assert todo.text == words
    assert service.mark_reply_handled(AGENT, todo.reply_id)
    assert service.unhandled_replies(AGENT) == []


def test_a_satisfaction_reply_is_recorded_on_the_record_asked_about(
    db: Database, hospital: Hospital, phone: DummyPhone, gateway: SmsGateway, settings: Settings
) -> None:
    with db.read() as session:
        record_id = session.query(FollowupRecord.id).scalar()
    SmsService(db, settings, lambda: DAYTIME).ask_satisfaction(AGENT, record_id)
    gateway.step()  # sends the question
    phone.deliver("+86 10 8765 4321", "1")
    gateway.step()
    with db.read() as session:
        record = session.get(FollowupRecord, record_id)
        assert record is not None and record.satisfaction_overall == 5.0


def test_a_delivery_report_from_another_message_centre_is_matched(
    db: Database, hospital: Hospital, phone: DummyPhone, gateway: SmsGateway, settings: Settings
) -> None:
    SmsService(db, settings, lambda: DAYTIME).send(AGENT, NUMBER, "明天上午随访，请留意接听。")
    gateway.step()
    with db.read() as session:
        (sent,) = sms_views.messages(session, [SmsState.SENT], 10)
    assert sent.delivery is SmsDelivery.UNKNOWN
    reference = _reference(db)
    phone.report(NUMBER, reference, delivered=True, smsc="+8613900999000")
    gateway.step()
    with db.read() as session:
        (sent,) = sms_views.messages(session, [SmsState.SENT], 10)
    assert sent.delivery is SmsDelivery.DELIVERED


def _reference(db: Database) -> int:
    from agent_desk.db.sms_models import SmsPart

    with db.read() as session:
        return int(session.query(SmsPart.reference).scalar())


def test_a_message_goes_out_once_even_when_queued_twice_by_a_source(
    db: Database, hospital: Hospital
) -> None:
    message = sms_outbox.NewMessage(
        kind=SmsKind.REMINDER, number=NUMBER, text="x", created_by="t", dedupe_key="reminder:a:b"
    )
    with db.write() as session:
        assert sms_outbox.queue(session, [message], DAYTIME) == 1
        assert sms_outbox.queue(session, [message], DAYTIME) == 0
