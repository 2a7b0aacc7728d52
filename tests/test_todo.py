"""The to-do list (待办): each person's alerts to acknowledge, tasks due today and booked
callbacks; an acknowledged alert leaves it; a doctor acknowledges the alerts sent to
doctors (a blood-pressure crisis), and only those."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupTask
from agent_desk.db.tickets import NewTicket
from agent_desk.domain.enums import AlertSeverity, Role, TicketKind, TicketSource, TodoKind
from agent_desk.domain.permissions import Principal
from agent_desk.errors import UserError
from agent_desk.plans.calendar import at_local
from agent_desk.services.alerts import AlertService
from agent_desk.services.sms import SmsService
from agent_desk.services.tickets import TicketService
from agent_desk.services.todo import (
    TaskTodos,
    TodoItem,
    TodoList,
    TodoService,
    default_sources,
)
from agent_desk.settings import Settings
from tests.builders import AGENT, SUPERVISOR, Hospital, add_task, nurse_of
from tests.conftest import TODAY

# Reading replies needs no setting: a settings file that is never written.
NO_SETTINGS = Settings(Path(__file__).parent / "data" / "no-settings-here.json")


def todo(db: Database, principal: Principal, extra: tuple[object, ...] = ()) -> list[TodoItem]:
    alerts = AlertService(db)
    sources = [*default_sources(db, alerts, lambda: SmsService(db, NO_SETTINGS)), *extra]
    return list(TodoService(sources, lambda: TODAY).items(principal).items)  # type: ignore[arg-type]


def kinds(items: list[TodoItem]) -> list[tuple[TodoKind, str]]:
    return [(item.kind, item.title) for item in items]


def bp_crisis(db: Database, hospital: Hospital, notify: Role = Role.DOCTOR) -> uuid.UUID:
    return AlertService(db).escalate(
        hospital.patients["wang"],
        "bp_crisis",
        AlertSeverity.CRITICAL,
        "血压 190/120 mmHg",
        Principal.of("nurse1", [Role.NURSE]),
        notify=notify,
    )


def test_a_nurse_sees_her_departments_tasks_due_today(db: Database, hospital: Hospital) -> None:
    cardiology = nurse_of(hospital.cardiology)
    assert kinds(todo(db, cardiology)) == [(TodoKind.TASK, "王秀英")]
    assert todo(db, nurse_of(hospital.orthopaedics)) == []  # li's task is overdue, not today


def test_a_callback_booked_for_today_is_listed_with_its_time(
    db: Database, hospital: Hospital
) -> None:
    booked = at_local(TODAY, time(15, 30))
    with db.write() as session:
        session.get(FollowupTask, hospital.tasks["wang_due"]).callback_after = booked
    [item] = todo(db, nurse_of(hospital.cardiology))
    assert (item.kind, item.at) == (TodoKind.CALLBACK, booked)


def test_a_long_day_keeps_the_callbacks_then_the_most_urgent_tasks(
    db: Database, hospital: Hospital
) -> None:
    add_task(db, hospital, "wang_low", "wang", hospital.cardiology, TODAY, priority=5)
    add_task(db, hospital, "li_b_2", "li_b", hospital.cardiology, TODAY, priority=2)
    urgent = add_task(db, hospital, "li_a_1", "li_a", hospital.cardiology, TODAY, priority=1)
    booked = at_local(TODAY, time(15, 30))
    with db.write() as session:
        session.get(FollowupTask, hospital.tasks["wang_due"]).callback_after = booked
    two = TaskTodos(db, limit=2)(nurse_of(hospital.cardiology), TODAY)
    assert [(item.kind, item.subject_id, item.title) for item in two] == [
        (TodoKind.CALLBACK, hospital.tasks["wang_due"], "王秀英"),
        (TodoKind.TASK, urgent, "李建国"),
    ]
    assert two[1].urgent and two[0].detail == two[1].detail == "心血管内科"


def test_a_task_assigned_to_someone_else_is_not_mine(db: Database, hospital: Hospital) -> None:
    from agent_desk.db.models import StaffUser

    with db.write() as session:
        other = StaffUser(username="nurse2", display_name="护士二", role=Role.NURSE)
        session.add(other)
        session.flush()
        session.get(FollowupTask, hospital.tasks["wang_due"]).assignee_id = other.id
    assert todo(db, nurse_of(hospital.cardiology)) == []
    assert len(todo(db, nurse_of(hospital.cardiology, "nurse2"))) == 1


def test_a_doctor_sees_the_alert_for_doctors_first_and_acknowledges_it(
    db: Database, hospital: Hospital
) -> None:
    alert_id = bp_crisis(db, hospital)
    doctor = Principal.of("dr_zhang", [Role.DOCTOR], [hospital.cardiology])
    assert kinds(todo(db, doctor)) == [(TodoKind.ALERT, "王秀英"), (TodoKind.TASK, "王秀英")]
    assert todo(db, SUPERVISOR)[0].kind is TodoKind.TASK  # the supervisors' list has it not
    AlertService(db).acknowledge(alert_id, doctor, "已嘱患者急诊就诊")
    assert kinds(todo(db, doctor)) == [(TodoKind.TASK, "王秀英")]
    [handled] = AlertService(db).lists(doctor).handled
    assert handled.acknowledged_by == "dr_zhang" and "急诊" in handled.notes


def test_a_doctor_cannot_acknowledge_an_alert_sent_to_supervisors(
    db: Database, hospital: Hospital
) -> None:
    alert_id = bp_crisis(db, hospital, notify=Role.SUPERVISOR)
    doctor = Principal.of("dr_zhang", [Role.DOCTOR], [hospital.cardiology])
    with pytest.raises(UserError, match="no longer exists"):
        AlertService(db).acknowledge(alert_id, doctor, "")
    assert todo(db, SUPERVISOR)[0].kind is TodoKind.ALERT


def test_a_doctor_of_another_department_does_not_see_the_alert(
    db: Database, hospital: Hospital
) -> None:
    bp_crisis(db, hospital)
    orthopaedist = Principal.of("dr_li", [Role.DOCTOR], [hospital.orthopaedics])
    assert all(item.kind is not TodoKind.ALERT for item in todo(db, orthopaedist))


def test_an_agent_has_no_alerts_and_an_administrator_nothing(
    db: Database, hospital: Hospital
) -> None:
    bp_crisis(db, hospital, notify=Role.SUPERVISOR)
    assert [item.kind for item in todo(db, AGENT)] == [TodoKind.TASK]
    assert todo(db, Principal.of("it", [Role.ADMIN])) == []


def test_another_source_is_one_more_entry(db: Database, hospital: Hospital) -> None:
    ticket = TodoItem(TodoKind.TICKET, uuid.uuid4(), "投诉：候诊时间长", "门诊部")

    def tickets(principal: Principal, today: date) -> list[TodoItem]:
        return [ticket] if principal is AGENT else []

    assert todo(db, AGENT, (tickets,))[-1] == ticket


def test_what_is_new_since_the_last_refresh_is_the_items_it_did_not_have() -> None:
    task = TodoItem(TodoKind.TASK, uuid.uuid4(), "王秀英", "心内科")
    alert = TodoItem(TodoKind.ALERT, uuid.uuid4(), "李建国", "血压 190/120 mmHg", urgent=True)
    # The same subject under another kind is another item.
    ticket = TodoItem(TodoKind.TICKET, task.subject_id, "投诉：候诊时间长", "门诊部")
    before = TodoList((task,))
    after = TodoList((alert, task, ticket))
    assert after.new_since(before) == [alert, ticket]
    assert after.new_since(after) == []
    assert before.new_since(TodoList(())) == [task]


def test_a_complaint_for_her_department_is_on_the_nurses_list_and_opens_the_card(
    db: Database, hospital: Hospital
) -> None:
    complaint = NewTicket(
        TicketKind.COMPLAINT,
        TicketSource.CALL,
        "护士态度不好",
        patient_id=hospital.patients["wang"],
        department_id=hospital.cardiology,
    )
    ticket = TicketService(db).open_ticket(complaint, AGENT)
    items = todo(db, nurse_of(hospital.cardiology))
    [item] = [item for item in items if item.kind is TodoKind.TICKET]
    assert (item.subject_id, item.title, item.detail, item.patient_id) == (
        ticket,
        "王秀英",
        "护士态度不好",
        hospital.patients["wang"],
    )
    assert all(
        item.kind is not TodoKind.TICKET for item in todo(db, nurse_of(hospital.orthopaedics))
    )


def test_an_sms_reply_only_a_person_can_answer_is_on_the_agents_list_until_handled(
    db: Database, hospital: Hospital
) -> None:
    from agent_desk.db import sms_replies
    from agent_desk.db.sms_models import SmsReply
    from agent_desk.domain.enums import SmsReplyKind

    received = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    with db.write() as session:
        for kind, text in [
            (SmsReplyKind.NEEDS_AGENT, "我下周出差，能否改到月底随访？"),
            (SmsReplyKind.REVISIT_CONFIRMED, "确认"),  # acted on already: not a to-do
        ]:
            sms_replies.store(
                session,
                SmsReply(
                    received_at=received,
                    number="+8613800138000",
                    patient_id=hospital.patients["wang"],
                    text=text,
                    kind=kind,
                ),
            )
    items = [item for item in todo(db, AGENT) if item.kind is TodoKind.SMS_REPLY]
    assert [(i.title, i.detail, i.at, i.patient_id) for i in items] == [
        ("王秀英", "我下周出差，能否改到月底随访？", received, hospital.patients["wang"])
    ]
    orthopaedics = nurse_of(hospital.orthopaedics)  # not her department's patient
    assert not [i for i in todo(db, orthopaedics) if i.kind is TodoKind.SMS_REPLY]
    SmsService(db, NO_SETTINGS).mark_reply_handled(AGENT, items[0].subject_id)
    assert not [i for i in todo(db, AGENT) if i.kind is TodoKind.SMS_REPLY]
