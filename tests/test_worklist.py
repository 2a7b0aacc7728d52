"""Today's worklist slices and keyset paging."""

from __future__ import annotations

import uuid
from datetime import timedelta

from agent_desk.db.engine import Database
from agent_desk.db.worklist import WorklistFilter
from agent_desk.domain.enums import Role, WorklistView
from agent_desk.domain.permissions import Principal
from agent_desk.domain.views import StaffView
from agent_desk.services.worklist import WorklistService
from tests.builders import Hospital, add_patient, add_task
from tests.conftest import TODAY


def _task_ids(db: Database, flt: WorklistFilter) -> list[object]:
    return [row.task_id for row in WorklistService(db).page(flt, 100, None)]


def test_due_today_excludes_tomorrow_and_done(db: Database, hospital: Hospital) -> None:
    assert _task_ids(db, WorklistFilter(WorklistView.DUE, TODAY)) == [hospital.tasks["wang_due"]]


def test_overdue_and_done_views(db: Database, hospital: Hospital) -> None:
    assert _task_ids(db, WorklistFilter(WorklistView.OVERDUE, TODAY)) == [
        hospital.tasks["li_overdue"]
    ]
    assert _task_ids(db, WorklistFilter(WorklistView.DONE, TODAY)) == [hospital.tasks["li_b_done"]]


def test_department_filter(db: Database, hospital: Hospital) -> None:
    flt = WorklistFilter(WorklistView.ALL_OPEN, TODAY, hospital.orthopaedics)
    assert _task_ids(db, flt) == [hospital.tasks["li_overdue"]]


def test_a_department_bound_worklist_shows_only_that_department(
    db: Database, hospital: Hospital
) -> None:
    nurse = Principal.of("u", [Role.NURSE], [hospital.orthopaedics])
    scoped = WorklistService(db, nurse)
    everything = WorklistFilter(WorklistView.ALL_OPEN, TODAY)  # asks for all departments
    assert [row.task_id for row in scoped.page(everything, 100, None)] == [
        hospital.tasks["li_overdue"]
    ]
    assert scoped.count(everything) == 1
    assert [dept.id for dept in scoped.departments()] == [hospital.orthopaedics]


def test_nurses_and_doctors_are_bound_to_their_departments(
    db: Database, hospital: Hospital
) -> None:
    def user(role: Role, *extra: uuid.UUID) -> StaffView:
        return StaffView(
            uuid.uuid4(), "u", "U", role, hospital.orthopaedics, "骨科", True, (), extra
        )

    assert WorklistService(db, user(Role.NURSE).principal).scope == {hospital.orthopaedics}
    assert WorklistService(db, user(Role.DOCTOR).principal).scope == {hospital.orthopaedics}
    both = user(Role.NURSE, hospital.cardiology).principal
    assert WorklistService(db, both).scope == {hospital.orthopaedics, hospital.cardiology}
    assert WorklistService(db, user(Role.SUPERVISOR).principal).scope == {hospital.orthopaedics}
    supervisor = StaffView(uuid.uuid4(), "s", "S", Role.SUPERVISOR, None, None, True)
    assert WorklistService(db, supervisor.principal).scope is None


def test_rows_carry_name_phone_and_attempt_count(db: Database, hospital: Hospital) -> None:
    [row] = WorklistService(db).page(WorklistFilter(WorklistView.DUE, TODAY), 10, None)
    assert (row.patient_name, row.primary_phone, row.attempts) == ("王秀英", "+8613800138000", 1)


def test_keyset_pages_return_every_task_once_in_order(db: Database, hospital: Hospital) -> None:
    add_patient(db, hospital, "many", "赵多", "D000000099", [])
    for number in range(45):
        due = TODAY + timedelta(days=number % 4)
        add_task(db, hospital, f"t{number}", "many", hospital.cardiology, due, priority=number % 3)
    service = WorklistService(db)
    flt = WorklistFilter(WorklistView.ALL_OPEN, TODAY)
    rows, last = [], None
    while True:
        page = service.page(flt, 10, last)
        rows.extend(page)
        if len(page) < 10:
            break
        last = page[-1]
    assert len(rows) == service.count(flt) == 48
    assert len({row.task_id for row in rows}) == 48
    keys = [(row.due_date, row.priority, row.task_id) for row in rows]
    assert keys == sorted(keys)


def test_tomorrow_view_is_the_day_before_reminder(db: Database, hospital: Hospital) -> None:
    assert _task_ids(db, WorklistFilter(WorklistView.TOMORROW, TODAY)) == [
        hospital.tasks["wang_later"]
    ]


def test_a_plain_admins_worklist_is_empty(db: Database, hospital: Hospital) -> None:
    service = WorklistService(db, Principal.of("admin", [Role.ADMIN]))
    flt = WorklistFilter(WorklistView.ALL_OPEN, TODAY)
    assert (service.count(flt), service.page(flt, 100, None), service.departments()) == (0, [], [])
