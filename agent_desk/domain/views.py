"""Plain, immutable snapshots that the database layer hands to the UI and the CLI.

Views never receive live ORM objects: these dataclasses are safe to keep, to
pass across threads, and to render long after their session has closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from agent_desk.domain.enums import (
    AttemptOutcome,
    CallDirection,
    Channel,
    ContactRelation,
    EncounterKind,
    Role,
    Sex,
    TaskStatus,
)
from agent_desk.domain.permissions import Principal


@dataclass(frozen=True, slots=True)
class StaffView:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role  # the primary role, the one the window names
    department_id: uuid.UUID | None  # the primary department
    department_name: str | None
    active: bool
    extra_roles: tuple[Role, ...] = ()  # an admin who is also a supervisor
    extra_department_ids: tuple[uuid.UUID, ...] = ()  # a supervisor of several departments

    @property
    def roles(self) -> tuple[Role, ...]:
        return (self.role, *(r for r in self.extra_roles if r is not self.role))

    @property
    def department_ids(self) -> tuple[uuid.UUID, ...]:
        primary = () if self.department_id is None else (self.department_id,)
        return (*primary, *(d for d in self.extra_department_ids if d != self.department_id))

    @property
    def principal(self) -> Principal:
        """What the services check: this user's roles and department scope."""
        return Principal.of(self.username, self.roles, self.department_ids)


@dataclass(frozen=True, slots=True)
class DepartmentView:
    id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PatientHit:
    """One line in a search result or a screen-pop chooser."""

    id: uuid.UUID
    record_no: str
    name: str
    sex: Sex
    birth_date: date | None
    matched_number: str | None = None  # E.164, when found by phone
    matched_relation: ContactRelation | None = None
    consent_recording: bool | None = None  # when found by phone; None: not looked up


@dataclass(frozen=True, slots=True)
class ContactView:
    relation: ContactRelation
    contact_name: str | None
    raw_number: str
    e164: str | None
    is_primary: bool


@dataclass(frozen=True, slots=True)
class DiagnosisView:
    icd10: str
    name: str


class TimelineKind(StrEnum):
    ENCOUNTER = "encounter"
    ATTEMPT = "attempt"
    RECORD = "record"
    CALL = "call"
    SMS_OUT = "sms_out"  # a text message sent to the patient
    SMS_IN = "sms_in"  # a text message the patient sent back


@dataclass(frozen=True, slots=True)
class FormRef:
    """The form template a record was filled with; the UI shows the template's title."""

    code: str
    version: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated line in the patient's history, newest first on the card."""

    at: datetime
    kind: TimelineKind
    # An enum (an outcome, a direction) or a form is named by the UI, in its language.
    title: str | StrEnum | FormRef
    detail: str = ""
    score: float | None = None
    recorded_call: uuid.UUID | None = None  # a call with a recording: the card can play it


@dataclass(frozen=True, slots=True)
class EncounterView:
    id: uuid.UUID
    kind: EncounterKind
    department_name: str
    ward_name: str | None
    attending_doctor: str | None
    admitted_at: datetime | None
    discharged_at: datetime | None
    diagnoses: tuple[DiagnosisView, ...]
    discharge_orders: str | None


@dataclass(frozen=True, slots=True)
class TaskView:
    id: uuid.UUID
    plan_code: str
    due_date: date
    window_start: date
    window_end: date
    priority: int
    status: TaskStatus
    department_name: str | None


@dataclass(frozen=True, slots=True)
class AttemptView:
    attempted_at: datetime
    channel: Channel
    outcome: AttemptOutcome
    staff_name: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class CallView:
    started_at: datetime
    direction: CallDirection
    remote_number: str
    answered_at: datetime | None
    ended_at: datetime | None
    staff_name: str | None
    recording_path: str | None
    id: uuid.UUID | None = None
    recorded: bool = False  # a recording the library can play (RecordingStatus.RECORDED)


@dataclass(frozen=True, slots=True)
class PatientCard:
    """Everything the card shows. Identifiers are unmasked here; the UI masks them."""

    id: uuid.UUID
    record_no: str
    name: str
    sex: Sex
    birth_date: date | None
    id_number: str | None
    occupation: str | None
    address: str | None
    insurance_no: str | None
    allergies: str | None
    family_history: str | None
    cardiac_history: str | None
    chronic_conditions: str | None
    tags: tuple[str, ...]
    consent_call: bool
    consent_sms: bool
    consent_recording: bool
    contacts: tuple[ContactView, ...]
    encounters: tuple[EncounterView, ...]
    open_tasks: tuple[TaskView, ...]
    timeline: tuple[TimelineEntry, ...] = field(default=())

    @property
    def risk_flags(self) -> tuple[str, ...]:
        """Short flags the card shows in red beside the name."""
        flags: list[str] = []
        if self.allergies:
            flags.append("allergy")
        if self.cardiac_history:
            flags.append("cardiac")
        if self.chronic_conditions:
            flags.append("chronic")
        return tuple(flags)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class WorklistRow:
    task_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    record_no: str
    primary_phone: str | None  # E.164
    department_name: str | None
    plan_code: str
    due_date: date
    window_end: date
    priority: int
    status: TaskStatus
    attempts: int
