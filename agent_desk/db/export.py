"""Row streams for `agent-desk export`: plain tuples with a header, read in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from agent_desk.db.models import (
    Call,
    Department,
    FollowupRecord,
    FollowupTask,
    Patient,
    PatientContact,
    StaffUser,
)

CHUNK = 5000
AnySelect = Select[*tuple[Any, ...]]


class ExportKind(StrEnum):
    PATIENTS = "patients"
    TASKS = "tasks"
    CALLS = "calls"
    FOLLOWUPS = "followups"


class Sensitive(StrEnum):
    """How a column must be masked unless the export is explicitly unmasked."""

    ID_NUMBER = "id_number"
    PHONE = "phone"


@dataclass(frozen=True)
class Column:
    name: str
    sensitive: Sensitive | None = None


def _primary_phone() -> Any:
    return (
        select(PatientContact.e164)
        .where(PatientContact.patient_id == Patient.id, PatientContact.is_primary.is_(True))
        .limit(1)
        .scalar_subquery()
    )


def _patients() -> tuple[list[Column], AnySelect]:
    columns = [
        Column("record_no"),
        Column("name"),
        Column("sex"),
        Column("birth_date"),
        Column("id_number", Sensitive.ID_NUMBER),
        Column("phone", Sensitive.PHONE),
        Column("occupation"),
        Column("address"),
        Column("insurance_no"),
        Column("allergies"),
        Column("chronic_conditions"),
        Column("consent_call"),
        Column("consent_sms"),
    ]
    stmt = select(
        Patient.record_no,
        Patient.name,
        Patient.sex,
        Patient.birth_date,
        Patient.id_number,
        _primary_phone(),
        Patient.occupation,
        Patient.address,
        Patient.insurance_no,
        Patient.allergies,
        Patient.chronic_conditions,
        Patient.consent_call,
        Patient.consent_sms,
    ).order_by(Patient.record_no)
    return columns, stmt


def _tasks() -> tuple[list[Column], AnySelect]:
    columns = [
        Column("task_id"),
        Column("record_no"),
        Column("name"),
        Column("department"),
        Column("plan"),
        Column("due_date"),
        Column("window_start"),
        Column("window_end"),
        Column("priority"),
        Column("status"),
        Column("lost_reason"),
    ]
    stmt = (
        select(
            FollowupTask.id,
            Patient.record_no,
            Patient.name,
            Department.name,
            FollowupTask.plan_code,
            FollowupTask.due_date,
            FollowupTask.window_start,
            FollowupTask.window_end,
            FollowupTask.priority,
            FollowupTask.status,
            FollowupTask.lost_reason,
        )
        .join(Patient, Patient.id == FollowupTask.patient_id)
        .outerjoin(Department, Department.id == FollowupTask.department_id)
        .order_by(FollowupTask.due_date, FollowupTask.id)
    )
    return columns, stmt


def _calls() -> tuple[list[Column], AnySelect]:
    columns = [
        Column("call_id"),
        Column("direction"),
        Column("remote_number", Sensitive.PHONE),
        Column("started_at"),
        Column("answered_at"),
        Column("ended_at"),
        Column("staff"),
        Column("record_no"),
        Column("task_id"),
        Column("recording"),
    ]
    stmt = (
        select(
            Call.id,
            Call.direction,
            Call.remote_number,
            Call.started_at,
            Call.answered_at,
            Call.ended_at,
            StaffUser.display_name,
            Patient.record_no,
            Call.task_id,
            Call.recording_path,
        )
        .outerjoin(StaffUser, StaffUser.id == Call.staff_id)
        .outerjoin(Patient, Patient.id == Call.patient_id)
        .order_by(Call.started_at, Call.id)
    )
    return columns, stmt


def _followups() -> tuple[list[Column], AnySelect]:
    staff = aliased(StaffUser)
    columns = [
        Column("record_id"),
        Column("completed_at"),
        Column("record_no"),
        Column("name"),
        Column("template"),
        Column("template_version"),
        Column("recovery_score"),
        Column("staff"),
        Column("answers"),
        Column("scores"),
    ]
    stmt = (
        select(
            FollowupRecord.id,
            FollowupRecord.completed_at,
            Patient.record_no,
            Patient.name,
            FollowupRecord.template_code,
            FollowupRecord.template_version,
            FollowupRecord.recovery_score,
            staff.display_name,
            FollowupRecord.answers,
            FollowupRecord.scores,
        )
        .join(Patient, Patient.id == FollowupRecord.patient_id)
        .outerjoin(staff, staff.id == FollowupRecord.staff_id)
        .order_by(FollowupRecord.completed_at, FollowupRecord.id)
    )
    return columns, stmt


_QUERIES = {
    ExportKind.PATIENTS: _patients,
    ExportKind.TASKS: _tasks,
    ExportKind.CALLS: _calls,
    ExportKind.FOLLOWUPS: _followups,
}


def columns_of(kind: ExportKind) -> list[Column]:
    return _QUERIES[kind]()[0]


def rows(session: Session, kind: ExportKind) -> Iterator[tuple[Any, ...]]:
    """Every row of *kind*, streamed so a million patients never sit in memory at once."""
    _, stmt = _QUERIES[kind]()
    for row in session.execute(stmt.execution_options(yield_per=CHUNK)):
        yield tuple(row)
