"""Calendar messages: the day-before reminder per plan, care after discharge, greetings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from agent_desk.db import sms_views
from agent_desk.db.engine import Database
from agent_desk.domain.enums import SmsKind, SmsState
from agent_desk.domain.sms_filter import CampaignFilter
from agent_desk.plans.loader import load_plans
from agent_desk.services.sms_reminders import (
    CareMessages,
    FollowupCallReminders,
    Greeting,
    Greetings,
    queue_due_messages,
)
from tests.builders import Hospital

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 on TODAY (2026-11-23) in the hospital
SIGN = "某某市人民医院"


def _queued(db: Database) -> list[sms_views.MessageView]:
    with db.read() as session:
        return sms_views.messages(session, [SmsState.QUEUED], 50)


def test_the_day_before_a_follow_up_call_the_patient_is_reminded_once(
    db: Database, hospital: Hospital
) -> None:
    source = FollowupCallReminders(load_plans(), SIGN)
    assert queue_due_messages(db, [source], NOW) == {"followup_call": 1}
    assert queue_due_messages(db, [source], NOW) == {"followup_call": 0}  # run again: nothing
    (reminder,) = _queued(db)
    assert reminder.kind is SmsKind.REMINDER
    assert reminder.patient_name == "王秀英"
    assert (
        reminder.text
        == "【某某市人民医院】王秀英您好，心血管内科将于明天给您打随访电话，请留意接听。回复TD退订"
    )


def test_a_plan_can_turn_the_reminder_off(tmp_path: Path, db: Database, hospital: Hospital) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    builtin = json.loads(
        (Path(__file__).parent.parent / "resources/plans/discharge_7d.json").read_text("utf-8")
    )
    builtin["version"] += 1
    builtin["sms"] = {"reminder_days_before": 0}
    (plans / "discharge_7d.json").write_text(json.dumps(builtin, ensure_ascii=False), "utf-8")
    source = FollowupCallReminders(load_plans(plans), SIGN)
    assert queue_due_messages(db, [source], NOW) == {"followup_call": 0}


def test_care_messages_follow_the_plan_days_after_discharge(
    tmp_path: Path, db: Database, hospital: Hospital
) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = {
        "code": "cardiac_care",
        "version": 1,
        "title": "心内科出院关怀",
        "match": [{"departments": ["CARD"]}],
        "tasks": [
            {
                "step": "d30",
                "title": "30天回访",
                "day": 30,
                "window": [-2, 7],
                "assign": {"department": "@discharge", "role": "nurse"},
            }
        ],
        "sms": {"care": [{"day": 7, "text": "{姓名}您好，出院一周了，请坚持低盐饮食、按时服药。"}]},
    }
    (plans / "cardiac_care.json").write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    source = CareMessages(load_plans(plans), SIGN)
    assert queue_due_messages(db, [source], NOW) == {"care": 1}
    (care,) = _queued(db)
    assert care.kind is SmsKind.CARE
    assert care.text == "【某某市人民医院】王秀英您好，出院一周了，请坚持低盐饮食、按时服药。"


def test_greetings_go_on_their_date_to_patients_who_agreed(
    db: Database, hospital: Hospital
) -> None:
    greeting = Greeting("11-23", "{姓名}您好，感恩节快乐。", CampaignFilter())
    assert queue_due_messages(db, [Greetings([greeting], SIGN)], NOW) == {"greetings": 1}
    other_day = Greeting("01-01", "新年快乐", CampaignFilter())
    assert queue_due_messages(db, [Greetings([other_day], SIGN)], NOW) == {"greetings": 0}
