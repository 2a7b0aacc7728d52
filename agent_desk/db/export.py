"""Row streams for `agent-desk export`: plain tuples with a header, read in chunks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from agent_desk.db.models import (
    Call,
    Department,
    FollowupRecord,
    FollowupTask,
    Patient,
    PatientContact,
    StaffUser,
)
from agent_desk.db.scope import Scope, patient_in_scope
from agent_desk.domain.masking import Identifier

CHUNK = 5000
AnySelect = Select[*tuple[Any, ...]]


class ExportKind(StrEnum):
    PATIENTS = "patients"
    TASKS = "tasks"
    CALLS = "calls"
    FOLLOWUPS = "followups"


@dataclass(frozen=True)
class Column:
    name: str
    expression: Any
    identifier: Identifier | None = None  # masked unless the export is explicitly unmasked


def _primary_phone() -> Any:
    return (
        select(PatientContact.e164)
        .where(PatientContact.patient_id == Patient.id, PatientContact.is_primary.is_(True))
        .limit(1)
        .scalar_subquery()
    )


def _patients() -> tuple[list[Column], Callable[[AnySelect], AnySelect]]:
    columns = [
        Column("record_no", Patient.record_no),
        Column("name", Patient.name),
        Column("sex", Patient.sex),
        Column("birth_date", Patient.birth_date),
        Column("id_number", Patient.id_number, Identifier.ID_NUMBER),
        Column("phone", _primary_phone(), Identifier.PHONE),
        Column("occupation", Patient.occupation),
        Column("address", Patient.address, Identifier.ADDRESS),
        Column("insurance_no", Patient.insurance_no, Identifier.INSURANCE_NO),
        Column("allergies", Patient.allergies),
        Column("chronic_conditions", Patient.chronic_conditions),
        Column("consent_call", Patient.consent_call),
        Column("consent_sms", Patient.consent_sms),
    ]
    return columns, lambda stmt: stmt.order_by(Patient.record_no)


def _tasks() -> tuple[list[Column], Callable[[AnySelect], AnySelect]]:
    columns = [
        Column("task_id", FollowupTask.id),
        Column("record_no", Patient.record_no),
        Column("name", Patient.name),
        Column("department", Department.name),
        Column("plan", FollowupTask.plan_code),
        Column("due_date", FollowupTask.due_date),
        Column("window_start", FollowupTask.window_start),
        Column("window_end", FollowupTask.window_end),
        Column("priority", FollowupTask.priority),
        Column("status", FollowupTask.status),
        Column("lost_reason", FollowupTask.lost_reason),
    ]
    return (
        columns,
        lambda stmt: (
            stmt.join(Patient, Patient.id == FollowupTask.patient_id)
            .outerjoin(Department, Department.id == FollowupTask.department_id)
            .order_by(FollowupTask.due_date, FollowupTask.id)
        ),
    )


def _calls() -> tuple[list[Column], Callable[[AnySelect], AnySelect]]:
    columns = [
        Column("call_id", Call.id),
        Column("direction", Call.direction),
        # E.164 where the number was understood: the same number exports alike, however
        # the caller-ID or the PBX wrote it.
        Column(
            "remote_number",
            func.coalesce(Call.remote_e164, Call.remote_number),
            Identifier.PHONE,
        ),
        Column("started_at", Call.started_at),
        Column("answered_at", Call.answered_at),
        Column("ended_at", Call.ended_at),
        Column("staff", StaffUser.display_name),
        Column("record_no", Patient.record_no),
        Column("task_id", Call.task_id),
        Column("recording", Call.recording_path),
        Column("recording_status", Call.recording_status),  # recorded, or why not
    ]
    return (
        columns,
        lambda stmt: (
            stmt.select_from(Call)
            .outerjoin(StaffUser, StaffUser.id == Call.staff_id)
            .outerjoin(Patient, Patient.id == Call.patient_id)
            .order_by(Call.started_at, Call.id)
        ),
    )


def _followups() -> tuple[list[Column], Callable[[AnySelect], AnySelect]]:
    columns = [
        Column("record_id", FollowupRecord.id),
        Column("completed_at", FollowupRecord.completed_at),
        Column("record_no", Patient.record_no),
        Column("name", Patient.name),
        Column("template", FollowupRecord.template_code),
        Column("template_version", FollowupRecord.template_version),
        Column("recovery_score", FollowupRecord.recovery_score),
        Column("staff", StaffUser.display_name),
        Column("answers", FollowupRecord.answers),
        Column("scores", FollowupRecord.scores),
    ]
    return (
        columns,
        lambda stmt: (
            stmt.select_from(FollowupRecord)
            .join(Patient, Patient.id == FollowupRecord.patient_id)
            .outerjoin(StaffUser, StaffUser.id == FollowupRecord.staff_id)
            .order_by(FollowupRecord.completed_at, FollowupRecord.id)
        ),
    )


_QUERIES = {
    ExportKind.PATIENTS: _patients,
    ExportKind.TASKS: _tasks,
    ExportKind.CALLS: _calls,
    ExportKind.FOLLOWUPS: _followups,
}


def columns_of(kind: ExportKind) -> list[Column]:
    return _QUERIES[kind]()[0]


def _in_scope(kind: ExportKind, scope: Set[uuid.UUID]) -> ColumnElement[bool]:
    """A task is its department's; a patient, a call and a record are in scope with their
    patient (a call with no patient, an unknown caller, is in no department's scope)."""
    if kind is ExportKind.TASKS:
        return FollowupTask.department_id.in_(list(scope))
    patient = {
        ExportKind.PATIENTS: Patient.id,
        ExportKind.CALLS: Call.patient_id,
        ExportKind.FOLLOWUPS: FollowupRecord.patient_id,
    }[kind]
    return patient_in_scope(patient, scope)


def rows(session: Session, kind: ExportKind, scope: Scope = None) -> Iterator[tuple[Any, ...]]:
    """Every row of *kind* in *scope*'s departments (None: the whole hospital), streamed so
    a million patients never sit in memory at once."""
    columns, shape = _QUERIES[kind]()
    stmt = shape(select(*(column.expression for column in columns)))
    if scope is not None:
        stmt = stmt.where(_in_scope(kind, scope))
    for row in session.execute(stmt.execution_options(yield_per=CHUNK)):
        yield tuple(row)
