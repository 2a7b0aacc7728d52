"""The recordings library's page query: recorded calls, newest first, by keyset.

ix_calls_recorded (recording_status, started_at, id) gives the order, so the first page
reads about a page of index entries however many recordings there are; the filters that
select few calls (a patient, an agent) are tested on the rows the index walk meets. A
call's department is its follow-up task's (a call with no task has none: only
hospital-wide roles see it). Its outcome is its follow-up attempt's, if any.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from agent_desk.db.models import (
    Call,
    Department,
    FollowupAttempt,
    FollowupTask,
    Patient,
    StaffUser,
)
from agent_desk.db.recording_models import Recording
from agent_desk.domain.enums import (
    AttemptOutcome,
    CallDirection,
    RecordingLocation,
    RecordingStatus,
)


@dataclass(frozen=True, slots=True)
class LibraryFilter:
    since: datetime | None = None  # aware; the call started at or after
    until: datetime | None = None  # aware; the call started before
    department_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    patient_text: str | None = None  # a record number, or the start of a name
    direction: CallDirection | None = None
    outcome: AttemptOutcome | None = None


@dataclass(frozen=True, slots=True)
class LibraryCursor:
    """Where a page ended: the next page starts after this call."""

    started_at: datetime
    call_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class LibraryRow:
    call_id: uuid.UUID
    started_at: datetime
    direction: CallDirection
    patient_id: uuid.UUID | None
    patient_name: str | None
    record_no: str | None
    department_name: str | None
    agent_name: str | None
    outcome: AttemptOutcome | None
    seconds: float | None  # the recording's length, else the call's (answer to hang-up)
    location: RecordingLocation | None  # None: on the central server only, not yet here
    encrypted: bool | None


def page(
    session: Session,
    where: LibraryFilter,
    departments: frozenset[uuid.UUID] | None,
    after: LibraryCursor | None,
    limit: int,
) -> list[LibraryRow]:
    """One page of recorded calls in scope (*departments* None: the whole hospital)."""
    outcome = (
        select(FollowupAttempt.outcome)
        .where(FollowupAttempt.call_id == Call.id)
        .order_by(FollowupAttempt.attempted_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Call.id,
            Call.started_at,
            Call.direction,
            Call.patient_id,
            Patient.name,
            Patient.record_no,
            Department.name,
            StaffUser.display_name,
            outcome,
            Call.answered_at,
            Call.ended_at,
            Recording.duration_s,
            Recording.location,
            Recording.encrypted,
        )
        .outerjoin(FollowupTask, FollowupTask.id == Call.task_id)
        .outerjoin(Department, Department.id == FollowupTask.department_id)
        .outerjoin(Patient, Patient.id == Call.patient_id)
        .outerjoin(StaffUser, StaffUser.id == Call.staff_id)
        .outerjoin(Recording, Recording.call_id == Call.id)
        .where(Call.recording_status == RecordingStatus.RECORDED, *_conditions(where))
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(limit)
    )
    if departments is not None:
        query = query.where(FollowupTask.department_id.in_(departments))
    if after is not None:
        query = query.where(
            or_(
                Call.started_at < after.started_at,
                and_(Call.started_at == after.started_at, Call.id < after.call_id),
            )
        )
    return [_row(*values) for values in session.execute(query)]


def _conditions(where: LibraryFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.since is not None:
        conditions.append(Call.started_at >= where.since)
    if where.until is not None:
        conditions.append(Call.started_at < where.until)
    if where.department_id is not None:
        conditions.append(FollowupTask.department_id == where.department_id)
    if where.staff_id is not None:
        conditions.append(Call.staff_id == where.staff_id)
    if where.patient_id is not None:
        conditions.append(Call.patient_id == where.patient_id)
    if where.patient_text:
        text = where.patient_text.strip()
        conditions.append(or_(Patient.record_no == text, Patient.name.startswith(text)))
    if where.direction is not None:
        conditions.append(Call.direction == where.direction)
    if where.outcome is not None:
        conditions.append(
            exists().where(
                FollowupAttempt.call_id == Call.id, FollowupAttempt.outcome == where.outcome
            )
        )
    return conditions


def _row(
    call_id: uuid.UUID,
    started_at: datetime,
    direction: CallDirection,
    patient_id: uuid.UUID | None,
    patient_name: str | None,
    record_no: str | None,
    department_name: str | None,
    agent_name: str | None,
    outcome: str | None,
    answered_at: datetime | None,
    ended_at: datetime | None,
    duration_s: float | None,
    location: RecordingLocation | None,
    encrypted: bool | None,
) -> LibraryRow:
    seconds = duration_s
    if seconds is None and answered_at is not None and ended_at is not None:
        seconds = (ended_at - answered_at).total_seconds()
    return LibraryRow(
        call_id,
        started_at,
        direction,
        patient_id,
        patient_name,
        record_no,
        department_name,
        agent_name,
        None if outcome is None else AttemptOutcome(outcome),
        seconds,
        location,
        encrypted,
    )


def staff_choices(session: Session) -> list[tuple[uuid.UUID, str]]:
    """The agents a supervisor may filter by, by name."""
    rows = session.execute(
        select(StaffUser.id, StaffUser.display_name).order_by(StaffUser.display_name)
    )
    return [(staff_id, name) for staff_id, name in rows]


def department_choices(session: Session) -> list[tuple[uuid.UUID, str]]:
    rows = session.execute(select(Department.id, Department.name).order_by(Department.code))
    return [(department_id, name) for department_id, name in rows]
