"""SMS between two workstations through the central PostgreSQL: A runs the gateway (Gammu's
dummy phone, sending from the central outbox), B is any other workstation.

A reply received at A must reach B's card and to-do list, its handling on B must reach A,
and a number on the do-not-contact list must be obeyed by every sender, wherever it was
listed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from agent_desk.db import sms_outbox, sms_replies, sms_views
from agent_desk.db.engine import Database
from agent_desk.db.migrate import downgrade, ensure_schema
from agent_desk.db.models import PatientContact
from agent_desk.db.patients import load_card
from agent_desk.domain.enums import (
    ContactRelation,
    Role,
    SmsKind,
    SmsReplyKind,
    SmsState,
    SyncIssueKind,
    TodoKind,
)
from agent_desk.domain.permissions import Principal
from agent_desk.domain.sms_filter import CampaignFilter
from agent_desk.domain.views import TimelineKind
from agent_desk.paths import DataDir
from agent_desk.services.sms import SmsRefused, SmsService
from agent_desk.services.sms_campaigns import CampaignService
from agent_desk.services.sms_gateway import build_gateway, forward_queued
from agent_desk.services.todo import SmsReplyTodos, TodoService
from agent_desk.settings import Settings
from agent_desk.sms.gateway import SmsGateway
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.conflicts import open_issues
from tests.builders import SUPERVISOR, build_small_hospital
from tests.sms_support import DummyPhone, dummy_phone
from tests.test_sync_support import TODAY, assert_converged, settle, workstation

pytestmark = pytest.mark.postgres

DAYTIME = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in the hospital
WANG = "+8613800138000"  # 王秀英's own mobile
NEW_NUMBER = "+8613700137000"  # a mobile the hospital does not know yet
AGENT_A = Principal.of("agent_a", [Role.AGENT])
AGENT_B = Principal.of("agent_b", [Role.AGENT])


def _settings(root: Path, phone: DummyPhone | None = None) -> tuple[DataDir, Settings]:
    (root / "logs").mkdir(parents=True)
    data_dir = DataDir(root)
    settings = Settings(data_dir.settings)
    settings.set("sms.signature", "某某市人民医院")
    if phone is not None:
        settings.set("sms.port", str(phone.folder))
        settings.set("sms.connection", "none")
        settings.set("sms.model", "dummy")
    return data_dir, settings


@dataclass
class TwoDesks:
    a: Database  # the SMS gateway's workstation
    b: Database
    central: Database  # the central outbox the gateway sends from
    phone: DummyPhone
    gateway: SmsGateway
    settings_b: Settings
    wang: uuid.UUID

    def sync(self, central: CentralConfig) -> None:
        for db in (self.a, self.b, self.a):
            settle(db, central)

    def sms(self, db: Database) -> SmsService:
        return SmsService(db, self.settings_b, lambda: DAYTIME)


@pytest.fixture
def desks(tmp_path: Path, central: CentralConfig, server: Engine) -> TwoDesks:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    settle(b, central)
    phone = dummy_phone(tmp_path / "phone")
    data_a, settings_a = _settings(tmp_path / "a-data", phone)
    _data_b, settings_b = _settings(tmp_path / "b-data")
    sent_from = Database(server)
    gateway = build_gateway(data_a, settings_a, a, sent_from, clock=lambda: DAYTIME)
    return TwoDesks(a, b, sent_from, phone, gateway, settings_b, hospital.patients["wang"])


def test_a_reply_at_the_gateway_is_on_the_other_desks_card_and_to_do_and_handled_there(
    desks: TwoDesks, central: CentralConfig, server: Engine
) -> None:
    question = "医生您好，我出院后一直头晕，需要提前复诊吗？"
    desks.phone.deliver(WANG, question)
    desks.gateway.step()
    desks.sync(central)

    _sent, replies = desks.sms(desks.b).of_patient(AGENT_B, desks.wang)
    assert [(r.text, r.kind, r.number) for r in replies] == [
        (question, SmsReplyKind.NEEDS_AGENT, WANG)
    ]
    with desks.b.read() as session:
        card = load_card(session, desks.wang)
    assert card is not None
    assert [e.detail for e in card.timeline if e.kind is TimelineKind.SMS_IN] == [question]
    todo = TodoService([SmsReplyTodos(lambda: desks.sms(desks.b))]).items(AGENT_B)
    [item] = todo.items
    assert (item.kind, item.subject_id, item.title, item.detail) == (
        TodoKind.SMS_REPLY,
        replies[0].reply_id,
        "王秀英",
        question,
    )

    assert desks.sms(desks.b).mark_reply_handled(AGENT_B, item.subject_id)
    desks.sync(central)
    assert desks.sms(desks.a).unhandled_replies(AGENT_A) == []
    [seen_at_a] = desks.sms(desks.a).replies(AGENT_A)
    assert seen_at_a.handled_by == "agent_b"
    assert TodoService([SmsReplyTodos(lambda: desks.sms(desks.a))]).items(AGENT_A).items == ()
    assert_converged(server, desks.a, desks.b)


def test_a_reply_handled_on_both_desks_at_once_goes_to_the_review(
    desks: TwoDesks, central: CentralConfig
) -> None:
    desks.phone.deliver(WANG, "请帮我改到下午")
    desks.gateway.step()
    desks.sync(central)
    [reply] = desks.sms(desks.b).unhandled_replies(AGENT_B)
    assert desks.sms(desks.a).mark_reply_handled(AGENT_A, reply.reply_id)
    assert desks.sms(desks.b).mark_reply_handled(AGENT_B, reply.reply_id)
    settle(desks.a, central)
    settle(desks.b, central)  # B's handling was made on the version A has moved on from
    [issue] = [i for i in open_issues(desks.b) if i.table_name == "sms_replies"]
    assert issue.kind is SyncIssueKind.CONFLICT and issue.row_id == reply.reply_id
    # The first to reach the server stays the handler, on both desks.
    for db in (desks.a, desks.b):
        [row] = desks.sms(db).replies(SUPERVISOR)
        assert row.handled_by == "agent_a"


def test_an_unsubscribe_at_the_gateway_stops_the_other_desks_sends_and_next_campaign(
    desks: TwoDesks, central: CentralConfig
) -> None:
    # Someone unsubscribes from a number no patient has given yet: no consent to withdraw,
    # so the do-not-contact list is all that remembers it.
    desks.phone.deliver(NEW_NUMBER, "退订")
    desks.gateway.step()
    desks.sync(central)

    with pytest.raises(SmsRefused, match="do-not-contact"):
        desks.sms(desks.b).send(AGENT_B, NEW_NUMBER, "您的复诊时间已改到周五上午")
    # 王秀英 gives it as her new mobile at B's desk.
    with desks.b.write() as session:
        old = session.query(PatientContact).filter_by(patient_id=desks.wang, e164=WANG).one()
        old.is_primary = False
        session.add(
            PatientContact(
                patient_id=desks.wang,
                relation=ContactRelation.SELF,
                raw_number="13700137000",
                e164=NEW_NUMBER,
                is_primary=True,
            )
        )
    campaigns = CampaignService(desks.b, desks.settings_b, lambda: DAYTIME)
    wanted = CampaignFilter(departments=("CARD",))
    preview = campaigns.preview(SUPERVISOR, "{姓名}您好，本周六有心脏健康讲座。", wanted)
    assert (preview.sendable, preview.do_not_contact) == (0, 1)
    result = campaigns.send(SUPERVISOR, "讲座", "{姓名}您好，本周六有心脏健康讲座。", wanted)
    assert (result.queued, result.skipped) == (0, 1)


def test_a_number_listed_on_another_desk_is_obeyed_by_the_gateway(
    desks: TwoDesks, central: CentralConfig
) -> None:
    # B's staff list 王秀英's mobile (the row any listing on a workstation writes).
    with desks.b.write() as session:
        sms_replies.do_not_contact(
            session, WANG, desks.wang, "家属要求不要发短信", "agent_b", DAYTIME
        )
    desks.sync(central)
    # A message to her already waiting at the gateway's desk goes no further.
    with desks.a.write() as session:
        sms_outbox.queue(
            session,
            [
                sms_outbox.NewMessage(
                    kind=SmsKind.DIRECT,
                    number=WANG,
                    text="【某某市人民医院】请明天上午来院复查",
                    created_by="agent_a",
                    patient_id=desks.wang,
                )
            ],
            DAYTIME,
        )
    assert forward_queued(desks.a, desks.central) == 1
    desks.gateway.step()
    with desks.central.read() as session:
        [blocked] = sms_views.messages(session, (SmsState.BLOCKED,), 10)
    assert blocked.failure == "do not contact: 家属要求不要发短信"
    with desks.a.read() as session:
        assert sms_replies.is_listed(session, WANG)


def test_replies_and_unsubscribes_kept_before_they_synced_go_up_with_the_next_sync(
    tmp_path: Path, central: CentralConfig
) -> None:
    """A gateway that held replies and its list locally (before migration 0022) uploads
    them after it: else no other desk would ever see them, and a resync would delete them."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    wang = build_small_hospital(a, TODAY).patients["wang"]
    settle(a, central)
    settle(b, central)
    downgrade(a.engine, "0021")
    with a.engine.begin() as connection:  # as the gateway stored them then
        connection.execute(
            text(
                "INSERT INTO sms_replies (id, received_at, number, patient_id, text, kind) "
                "VALUES (:id, '2026-11-22 09:30:00.000000', :number, :patient, '我想改到下周', "
                "'needs_agent')"
            ),
            {"id": uuid.uuid4().hex, "number": WANG, "patient": wang.hex},
        )
        connection.execute(
            text(
                "INSERT INTO sms_do_not_contact (number, reason, added_at, added_by) "
                "VALUES (:number, 'unsubscribed by SMS', '2026-11-22 09:00:00.000000', "
                "'sms-gateway')"
            ),
            {"number": NEW_NUMBER},
        )
    ensure_schema(a.engine)
    settle(a, central)
    settle(b, central)
    [reply] = SmsService(b, Settings(tmp_path / "b.json")).unhandled_replies(AGENT_B)
    assert (reply.patient_id, reply.text) == (wang, "我想改到下周")
    assert reply.received_at == datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    with b.read() as session:
        assert sms_replies.is_listed(session, NEW_NUMBER)
