"""Attempts and outcomes stored with the task's new state, and rates from the database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupAttempt, FollowupTask
from agent_desk.domain.enums import AttemptOutcome as O
from agent_desk.domain.enums import CancelReason, Channel, LostReason, Role, TaskStatus
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.domain.statistics import Grouping, Period
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.followup import FollowupService, TaskNotOpen
from agent_desk.services.statistics import StatisticsService
from tests.builders import AGENT, Hospital, nurse_of
from tests.conftest import TODAY


def _at(days: int, hour: int) -> datetime:
    day = TODAY + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=HOSPITAL_TZ)


def _task(db: Database, task_id: object) -> FollowupTask:
    with db.read() as session:
        task = session.get(FollowupTask, task_id)
        assert task is not None
        return task


def _attempts(db: Database, task_id: object) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).where(FollowupAttempt.task_id == task_id)) or 0


def test_a_missed_call_is_stored_and_the_task_rescheduled(db: Database, hospital: Hospital) -> None:
    task_id = hospital.tasks["li_overdue"]
    result = FollowupService(db).record_attempt(
        task_id, Channel.PHONE, O.NO_ANSWER, AGENT, at=_at(0, 10)
    )
    assert (result.status, result.attempts, result.due_date) == (
        TaskStatus.PENDING,
        1,
        TODAY + timedelta(days=1),
    )
    task = _task(db, task_id)
    assert task.due_date == TODAY + timedelta(days=1)
    assert task.window_end >= task.due_date  # a retry is due, not overdue
    assert task.callback_after is not None
    assert task.callback_after.astimezone(HOSPITAL_TZ).hour == 14
    assert _attempts(db, task_id) == 1


def test_three_misses_end_lost_to_follow_up_and_close_the_task(
    db: Database, hospital: Hospital
) -> None:
    service, task_id = FollowupService(db), hospital.tasks["li_overdue"]
    for day, hour in ((0, 10), (1, 15), (2, 19)):
        result = service.record_attempt(
            task_id, Channel.PHONE, O.NO_ANSWER, AGENT, at=_at(day, hour)
        )
    assert (result.status, result.lost_code, result.lost_reason) == (
        TaskStatus.LOST,
        LostReason.UNREACHABLE,
        "三次未接通",
    )
    with pytest.raises(TaskNotOpen, match="already lost"):
        service.record_attempt(task_id, Channel.PHONE, O.REACHED, AGENT, at=_at(3, 10))
    assert _attempts(db, task_id) == 3  # the refused fourth attempt left nothing behind


def test_reached_closes_the_task_as_done(db: Database, hospital: Hospital) -> None:
    task_id = hospital.tasks["wang_due"]  # already missed once, yesterday
    result = FollowupService(db).record_attempt(
        task_id, Channel.PHONE, O.REACHED, AGENT, at=_at(0, 15)
    )
    assert (result.status, result.attempts) == (TaskStatus.DONE, 2)
    assert _task(db, task_id).callback_after is None


def test_death_ends_the_task_and_cancels_the_patients_other_calls(
    db: Database, hospital: Hospital
) -> None:
    result = FollowupService(db).record_attempt(
        hospital.tasks["wang_due"], Channel.PHONE, O.DECEASED, AGENT, at=_at(0, 10)
    )
    assert (result.status, result.lost_reason, result.other_tasks_cancelled) == (
        TaskStatus.LOST,
        "患者已故",
        1,
    )
    later = _task(db, hospital.tasks["wang_later"])
    assert (later.status, later.cancel_reason) == (
        TaskStatus.CANCELLED,
        CancelReason.PATIENT_DECEASED,
    )


def test_a_dead_number_tries_the_family_number_before_giving_up(
    db: Database, hospital: Hospital
) -> None:
    service, task_id = FollowupService(db), hospital.tasks["li_overdue"]  # two numbers on file
    first = service.record_attempt(task_id, Channel.PHONE, O.NUMBER_INVALID, AGENT, at=_at(0, 10))
    assert (first.status, first.due_date) == (TaskStatus.PENDING, TODAY)
    second = service.record_attempt(
        task_id, Channel.PHONE, O.NUMBER_INVALID, AGENT, at=_at(0, 11), number="+861087654321"
    )
    assert (second.status, second.lost_code, second.lost_reason) == (
        TaskStatus.LOST,
        LostReason.NUMBER_INVALID,
        "空号",
    )


def test_an_attempt_on_a_done_task_is_refused(db: Database, hospital: Hospital) -> None:
    with pytest.raises(TaskNotOpen, match="already done"):
        FollowupService(db).record_attempt(
            hospital.tasks["li_b_done"], Channel.SMS, O.REACHED, AGENT
        )


def test_statistics_count_each_task_once_and_only_when_due(
    db: Database, hospital: Hospital
) -> None:
    report = StatisticsService(db).report(
        Principal.of("boss", [Role.SUPERVISOR]),
        Period.month(2026, 11),
        Grouping.DEPARTMENT,
        as_of=TODAY,
    )
    by_department = {r.group.label: r for r in report.rows}
    cardiology = by_department["心血管内科"]  # due today, missed once: attempted, not reached
    assert (cardiology.due, cardiology.attempted, cardiology.reached) == (1, 1, 0)
    orthopaedics = by_department["骨科"]  # one overdue and untouched, one done
    assert (orthopaedics.due, orthopaedics.attempted, orthopaedics.reached) == (2, 1, 1)
    total = report.total  # tomorrow's task is not due yet
    assert (total.due, total.attempt_rate.value, total.success_rate.value) == (3, 2 / 3, 0.5)


def test_a_nurse_cannot_record_an_attempt_on_another_departments_task(
    db: Database, hospital: Hospital
) -> None:
    nurse = nurse_of(hospital.cardiology)
    with pytest.raises(PermissionDenied):
        FollowupService(db).record_attempt(
            hospital.tasks["li_overdue"], Channel.PHONE, O.NO_ANSWER, nurse
        )
    assert _attempts(db, hospital.tasks["li_overdue"]) == 0


def test_an_agent_records_attempts_for_every_department(db: Database, hospital: Hospital) -> None:
    FollowupService(db).record_attempt(
        hospital.tasks["li_overdue"], Channel.PHONE, O.NO_ANSWER, AGENT
    )
    assert _attempts(db, hospital.tasks["li_overdue"]) == 1
