"""The contact rules, as the outbox applies them when it claims the next message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent_desk.db import sms_outbox, sms_replies, sms_views
from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupTask, Patient
from agent_desk.domain.enums import SmsKind, SmsState, TaskStatus
from agent_desk.domain.sms_rules import ContactRules
from agent_desk.plans.calendar import HOSPITAL_TZ
from tests.builders import Hospital

NUMBER = "+8613800138000"  # 王秀英's own mobile
MORNING = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in the hospital
RULES = ContactRules()


def _queue(
    db: Database, hospital: Hospital, kind: SmsKind = SmsKind.CAMPAIGN, **extra: object
) -> None:
    with db.write() as session:
        sms_outbox.queue(
            session,
            [
                sms_outbox.NewMessage(
                    kind=kind,
                    number=NUMBER,
                    text="【医院】测试",
                    created_by="test",
                    patient_id=hospital.patients["wang"],
                    **extra,  # type: ignore[arg-type]
                )
            ],
            MORNING - timedelta(hours=1),
        )


def _claim(db: Database, now: datetime = MORNING) -> sms_outbox.Claimed | None:
    with db.write() as session:
        return sms_outbox.claim_next(session, now, "gw", RULES, HOSPITAL_TZ)


def _states(db: Database) -> dict[SmsState, int]:
    with db.read() as session:
        return sms_views.counts(session)


def test_never_to_a_patient_without_sms_consent(db: Database, hospital: Hospital) -> None:
    with db.write() as session:
        session.get(Patient, hospital.patients["wang"]).consent_sms = False  # type: ignore[union-attr]
    _queue(db, hospital)
    assert _claim(db) is None
    assert _states(db) == {SmsState.BLOCKED: 1}


def test_the_do_not_contact_list_holds_every_sender(db: Database, hospital: Hospital) -> None:
    with db.write() as session:
        sms_replies.do_not_contact(session, NUMBER, None, "家属要求", "nurse1", MORNING)
    _queue(db, hospital, SmsKind.REMINDER)
    assert _claim(db) is None
    assert _states(db) == {SmsState.BLOCKED: 1}


def test_one_a_day_the_second_waits_for_tomorrow_morning(db: Database, hospital: Hospital) -> None:
    _queue(db, hospital)
    _queue(db, hospital)
    first = _claim(db)
    assert first is not None
    with db.write() as session:
        sms_outbox.mark_sent(session, first.message_id, 1, MORNING)
    assert _claim(db, MORNING + timedelta(hours=1)) is None
    with db.read() as session:
        (waiting,) = sms_views.messages(session, [SmsState.QUEUED], 10)
    assert waiting.not_before.astimezone(HOSPITAL_TZ) == datetime(
        2026, 11, 24, 8, 0, tzinfo=HOSPITAL_TZ
    )
    assert _claim(db, datetime(2026, 11, 24, 0, 5, tzinfo=UTC)) is not None  # 08:05 next day


def test_four_a_month(db: Database, hospital: Hospital) -> None:
    for day in range(4):
        _queue(db, hospital)
        claimed = _claim(db, MORNING + timedelta(days=day))
        assert claimed is not None
        with db.write() as session:
            sms_outbox.mark_sent(session, claimed.message_id, 1, MORNING + timedelta(days=day))
    _queue(db, hospital)
    assert _claim(db, MORNING + timedelta(days=5)) is None


def test_quiet_hours_hold_calendar_messages_not_an_unsubscribe_confirmation(
    db: Database, hospital: Hospital
) -> None:
    night = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 22:00 in the hospital
    _queue(db, hospital, SmsKind.REMINDER)
    assert _claim(db, night) is None
    _queue(db, hospital, SmsKind.CONFIRMATION)
    claimed = _claim(db, night)
    assert claimed is not None
    assert _states(db) == {SmsState.QUEUED: 1, SmsState.SENDING: 1}


def test_a_reminder_is_withdrawn_once_its_task_is_done(db: Database, hospital: Hospital) -> None:
    task_id = hospital.tasks["wang_later"]
    with db.read() as session:
        due = session.get(FollowupTask, task_id).due_date  # type: ignore[union-attr]
    _queue(db, hospital, SmsKind.REMINDER, task_id=task_id, about_date=due)
    with db.write() as session:
        session.get(FollowupTask, task_id).status = TaskStatus.DONE  # type: ignore[union-attr]
    assert _claim(db) is None
    assert _states(db) == {SmsState.WITHDRAWN: 1}


def test_a_claimed_message_cannot_be_claimed_again(db: Database, hospital: Hospital) -> None:
    _queue(db, hospital, SmsKind.DIRECT)
    assert _claim(db) is not None
    assert _claim(db) is None
    with db.write() as session:
        assert sms_outbox.recover(session, "gw") == 1
    assert _claim(db) is None
    assert _states(db) == {SmsState.UNCERTAIN: 1}


def test_the_rules_come_from_the_settings_and_bad_hours_are_refused(tmp_path: Path) -> None:

    from agent_desk.services.sms_outbox import rules_from
    from agent_desk.settings import SettingError, Settings

    settings = Settings(tmp_path / "settings.json")
    settings.set("sms.quiet_hours", "22:30-07:00")
    settings.set("sms.per_day", "2")
    rules = rules_from(settings)
    assert rules.per_day == 2 and rules.per_month == 4
    assert rules.is_quiet(datetime(2026, 11, 23, 22, 45, tzinfo=HOSPITAL_TZ))
    assert not rules.is_quiet(datetime(2026, 11, 23, 22, 15, tzinfo=HOSPITAL_TZ))
    with pytest.raises(SettingError):
        settings.set("sms.quiet_hours", "9pm-8am")
