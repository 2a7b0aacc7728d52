"""Who a campaign or a reminder goes to: patients with their number and the template's facts.

One query per campaign: each patient of the filter once, with the department and day of
their latest matching discharge and their own primary mobile number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from agent_desk.db import appointments as appointment_sql
from agent_desk.db.appointment_models import Appointment
from agent_desk.db.models import (
    Department,
    Encounter,
    EncounterDiagnosis,
    FollowupTask,
    Patient,
    PatientContact,
)
from agent_desk.db.scope import Scope, patients_in_scope
from agent_desk.domain.appointments import HOLDING
from agent_desk.domain.enums import ContactRelation, TaskStatus
from agent_desk.domain.sms_filter import CampaignFilter
from agent_desk.plans.calendar import HOSPITAL_TZ


@dataclass(frozen=True, slots=True)
class Recipient:
    patient_id: uuid.UUID
    name: str
    department: str
    discharged_on: date | None
    number: str | None  # E.164, None when the patient has no usable number
    consent_sms: bool
    next_revisit: datetime | None = None  # the next booking holding a place: {复诊时间}


def _number() -> Select[str | None]:
    """The patient's own number first, then the primary one, then any."""
    contact = PatientContact
    return (
        select(contact.e164)
        .where(contact.patient_id == Patient.id, contact.e164.is_not(None))
        .order_by((contact.relation != ContactRelation.SELF), contact.is_primary.desc())
        .limit(1)
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), HOSPITAL_TZ)


def _next_revisit(after: datetime) -> Select[datetime]:
    return select(func.min(Appointment.starts_at)).where(
        Appointment.patient_id == Patient.id,
        Appointment.starts_at > after,
        Appointment.status.in_(sorted(HOLDING)),
    )


def campaign_recipients(
    session: Session,
    wanted: CampaignFilter,
    scope: Scope,
    today: date,
    limit: int | None = None,
    now: datetime | None = None,
) -> list[Recipient]:
    """The filter's patients; *now* (default: today's start) is where next_revisit looks on."""
    encounter = Encounter
    conditions: list[ColumnElement[bool]] = [encounter.discharged_at.is_not(None)]
    if wanted.departments:
        conditions.append(Department.code.in_(wanted.departments))
    if wanted.discharged_from:
        conditions.append(encounter.discharged_at >= _local_midnight(wanted.discharged_from))
    if wanted.discharged_to:
        end = _local_midnight(wanted.discharged_to + timedelta(days=1))
        conditions.append(encounter.discharged_at < end)
    if wanted.icd10_prefixes:
        conditions.append(
            exists(
                select(EncounterDiagnosis.id).where(
                    EncounterDiagnosis.encounter_id == encounter.id,
                    or_(*(EncounterDiagnosis.icd10.startswith(p) for p in wanted.icd10_prefixes)),
                )
            )
        )
    latest = (
        select(
            encounter.patient_id.label("patient_id"),
            func.max(encounter.discharged_at).label("discharged_at"),
        )
        .join(Department, Department.id == encounter.department_id)
        .where(*conditions)
        .group_by(encounter.patient_id)
        .subquery()
    )
    department = (
        select(Department.name)
        .join(encounter, encounter.department_id == Department.id)
        .where(
            encounter.patient_id == Patient.id,
            encounter.discharged_at == latest.c.discharged_at,
        )
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Patient.id,
            Patient.name,
            department,
            latest.c.discharged_at,
            _number().scalar_subquery(),
            Patient.consent_sms,
            _next_revisit(now or _local_midnight(today)).scalar_subquery(),
        )
        .join(latest, latest.c.patient_id == Patient.id)
        .where(patients_in_scope(scope))
        .order_by(Patient.name, Patient.id)
    )
    if wanted.age_min is not None:
        query = query.where(Patient.birth_date <= _years_before(today, wanted.age_min))
    if wanted.age_max is not None:
        born_after = _years_before(today, wanted.age_max + 1)
        query = query.where(Patient.birth_date > born_after)
    if limit is not None:
        query = query.limit(limit)
    return [
        Recipient(
            row[0],
            row[1],
            row[2] or "",
            None if row[3] is None else row[3].astimezone(HOSPITAL_TZ).date(),
            row[4],
            bool(row[5]),
            row[6],
        )
        for row in session.execute(query)
    ]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class DueTask:
    task_id: uuid.UUID
    patient_id: uuid.UUID
    plan_code: str
    due_date: date
    department: str
    name: str
    number: str | None


def tasks_due_on(session: Session, day: date) -> list[DueTask]:
    """Open follow-up tasks due on *day*: what the day-before reminder announces."""
    task = FollowupTask
    rows = session.execute(
        select(
            task.id,
            task.patient_id,
            task.plan_code,
            task.due_date,
            Department.name,
            Patient.name,
            _number().scalar_subquery(),
        )
        .join(Patient, Patient.id == task.patient_id)
        .outerjoin(Department, Department.id == task.department_id)
        .where(task.status == TaskStatus.PENDING, task.due_date == day)
    )
    return [DueTask(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6]) for r in rows]


@dataclass(frozen=True, slots=True)
class Discharge:
    encounter_id: uuid.UUID
    patient_id: uuid.UUID
    discharged_on: date
    department: str
    department_code: str
    icd10: tuple[str, ...]
    name: str
    number: str | None


def discharged_on(session: Session, day: date) -> list[Discharge]:
    """Inpatient discharges of one day (hospital time), for the care messages per plan."""
    encounter = Encounter
    start, end = _local_midnight(day), _local_midnight(day + timedelta(days=1))
    rows = session.execute(
        select(
            encounter.id,
            encounter.patient_id,
            encounter.discharged_at,
            Department.name,
            Department.code,
            Patient.name,
            _number().scalar_subquery(),
        )
        .join(Department, Department.id == encounter.department_id)
        .join(Patient, Patient.id == encounter.patient_id)
        .where(encounter.discharged_at >= start, encounter.discharged_at < end)
    ).all()
    codes: dict[uuid.UUID, list[str]] = {}
    if rows:
        for encounter_id, code in session.execute(
            select(EncounterDiagnosis.encounter_id, EncounterDiagnosis.icd10)
            .where(EncounterDiagnosis.encounter_id.in_([r[0] for r in rows]))
            .order_by(EncounterDiagnosis.seq)
        ):
            codes.setdefault(encounter_id, []).append(code)
    return [
        Discharge(r[0], r[1], day, r[3], r[4], tuple(codes.get(r[0], ())), r[5], r[6]) for r in rows
    ]


@dataclass(frozen=True, slots=True)
class DueRevisit:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    starts_at: datetime
    department: str
    name: str
    number: str | None


def revisits_due(session: Session, day: date, days_ahead: int) -> list[DueRevisit]:
    """Revisits of the day after *day* that get a reminder on *day* (the SQL behind
    AppointmentService.reminders_due): still holding their place, not reminded yet, and
    booked more than *days_ahead* days ahead."""
    wanted = [
        a.id
        for a in appointment_sql.reminder_candidates(session, day)
        if appointment_sql.booked_days_ahead(a) > days_ahead
    ]
    if not wanted:
        return []
    rows = session.execute(
        select(
            Appointment.id,
            Appointment.patient_id,
            Appointment.starts_at,
            Department.name,
            Patient.name,
            _number().scalar_subquery(),
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Department, Department.id == Appointment.department_id)
        .where(Appointment.id.in_(wanted))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [DueRevisit(*row) for row in rows]
