"""The SQL of discharge intake: upserting patients, visits and contacts, keeping each
visit's plan tasks in step with its plans, and remembering applied HL7 messages.

Every function works inside the caller's unit of work, so one row or message is
written wholly or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db import natural_keys
from agent_desk.db.models import (
    Department,
    Encounter,
    EncounterDiagnosis,
    FollowupAttempt,
    FollowupTask,
    Hl7Message,
    ImportRun,
    Patient,
    PatientContact,
    Ward,
)
from agent_desk.domain.enums import CancelReason, ContactRelation, TaskStatus
from agent_desk.intake.records import EncounterInput, MessageId, PatientInput
from agent_desk.intake.report import ImportReport
from agent_desk.plans.model import PlannedTask

# Cancelled by intake itself, so a later import may bring these back.
_REOPENABLE = frozenset({CancelReason.DISCHARGE_CANCELLED, CancelReason.PLAN_CHANGED})


class Change(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class IntakeConflict(ValueError):
    """The HIS data contradicts what is stored; str() says how."""


@dataclass(frozen=True, slots=True)
class ResolvedContact:
    raw_number: str
    e164: str | None
    relation: ContactRelation
    name: str | None


@dataclass(frozen=True, slots=True)
class TaskSync:
    created: int = 0
    updated: int = 0
    cancelled: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.cancelled)


def _assign(row: Any, **values: Any) -> bool:
    """Set the given values that differ (None means "not given"); True if any did."""
    changed = False
    for name, value in values.items():
        if value is not None and getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def ensure_department(session: Session, code: str, name: str | None) -> tuple[uuid.UUID, bool]:
    """The department with *code*, created when the HIS names one we do not have yet."""
    found = session.scalar(select(Department.id).where(Department.code == code))
    if found is not None:
        return found, False
    department = Department(id=natural_keys.department_id(code), code=code, name=name or code)
    session.add(department)
    session.flush()
    return department.id, True


def ensure_ward(
    session: Session, department_id: uuid.UUID, code: str, name: str | None
) -> uuid.UUID:
    ward = session.scalar(select(Ward).where(Ward.code == code))
    if ward is None:
        ward = Ward(
            id=natural_keys.ward_id(code), department_id=department_id, code=code, name=name or code
        )
        session.add(ward)
        session.flush()
    return ward.id


def upsert_patient(
    session: Session, data: PatientInput, create: bool = True
) -> tuple[uuid.UUID | None, Change]:
    """Find the patient by record number and update what the HIS says; None if not found
    and not *create*. A value the HIS leaves out keeps what is stored."""
    patient = session.scalar(select(Patient).where(Patient.record_no == data.record_no))
    fields = dict(
        name=data.name,
        sex=data.sex,
        birth_date=data.birth_date,
        id_number=data.id_number,
        address=data.address,
        insurance_no=data.insurance_no,
    )
    if patient is None:
        if not create:
            return None, Change.UNCHANGED
        patient = Patient(
            id=natural_keys.patient_id(data.record_no), record_no=data.record_no, tags=[], **fields
        )
        session.add(patient)
        session.flush()
        return patient.id, Change.CREATED
    return patient.id, Change.UPDATED if _assign(patient, **fields) else Change.UNCHANGED


def add_contacts(
    session: Session, patient_id: uuid.UUID, contacts: Sequence[ResolvedContact]
) -> int:
    """Add the numbers the patient does not have yet; return how many were added.

    Numbers are never removed: an old number still identifies a caller. A new own
    number from the HIS becomes the primary one (that is what a changed phone means).
    """
    existing = list(
        session.scalars(select(PatientContact).where(PatientContact.patient_id == patient_id))
    )
    added = 0
    promoted = False  # one new own number per message becomes primary, not each of them
    for contact in contacts:
        if any(
            (c.e164 == contact.e164) if contact.e164 else (c.raw_number == contact.raw_number)
            for c in existing
        ):
            continue
        own = contact.relation is ContactRelation.SELF and contact.e164 is not None
        primary = not any(c.is_primary for c in existing) or (own and not promoted)
        if primary:
            for other in existing:
                other.is_primary = False
            promoted = promoted or own
        row = PatientContact(
            id=natural_keys.contact_id(patient_id, contact.e164, contact.raw_number),
            patient_id=patient_id,
            relation=contact.relation,
            contact_name=contact.name,
            raw_number=contact.raw_number,
            e164=contact.e164,
            is_primary=primary,
        )
        session.add(row)
        existing.append(row)
        added += 1
    return added


@dataclass(frozen=True, slots=True)
class EncounterKey:
    id: uuid.UUID
    patient_id: uuid.UUID
    record_no: str


def find_encounter(session: Session, source: str, visit_no: str) -> EncounterKey | None:
    row = session.execute(
        select(Encounter.id, Encounter.patient_id, Patient.record_no)
        .join(Patient, Patient.id == Encounter.patient_id)
        .where(Encounter.source == source, Encounter.visit_no == visit_no)
    ).first()
    return EncounterKey(*row) if row else None


def upsert_encounter(
    session: Session,
    patient_id: uuid.UUID,
    record_no: str,
    source: str,
    data: EncounterInput,
    department_id: uuid.UUID,
    ward_id: uuid.UUID | None,
) -> tuple[uuid.UUID, Change]:
    encounter = session.scalar(
        select(Encounter).where(Encounter.source == source, Encounter.visit_no == data.visit_no)
    )
    fields = dict(
        kind=data.kind,
        department_id=department_id,
        ward_id=ward_id,
        attending_doctor=data.attending_doctor,
        admitted_at=data.admitted_at,
        discharged_at=data.discharged_at,
        discharge_orders=data.discharge_orders,
        disposition=data.disposition,
    )
    if encounter is None:
        encounter = Encounter(
            id=natural_keys.encounter_id(source, data.visit_no),
            patient_id=patient_id,
            source=source,
            visit_no=data.visit_no,
        )
        _assign(encounter, **fields)
        session.add(encounter)
        session.flush()
        _replace_diagnoses(session, encounter.id, data)
        return encounter.id, Change.CREATED
    if encounter.patient_id != patient_id:
        owner = session.scalar(select(Patient.record_no).where(Patient.id == encounter.patient_id))
        raise IntakeConflict(
            f"visit {data.visit_no} belongs to patient {owner}, not to {record_no}"
        )
    changed = _assign(encounter, **fields)
    changed |= _replace_diagnoses(session, encounter.id, data)
    return encounter.id, Change.UPDATED if changed else Change.UNCHANGED


def _replace_diagnoses(session: Session, encounter_id: uuid.UUID, data: EncounterInput) -> bool:
    stored = list(
        session.scalars(
            select(EncounterDiagnosis)
            .where(EncounterDiagnosis.encounter_id == encounter_id)
            .order_by(EncounterDiagnosis.seq)
        )
    )
    wanted = [(dx.icd10, dx.name) for dx in data.diagnoses]
    if [(dx.icd10, dx.name) for dx in stored] == wanted:
        return False
    for row in stored:
        session.delete(row)
    session.flush()
    for seq, (icd10, name) in enumerate(wanted):
        session.add(
            EncounterDiagnosis(
                id=natural_keys.diagnosis_id(encounter_id, seq),
                encounter_id=encounter_id,
                seq=seq,
                icd10=icd10,
                name=name,
            )
        )
    return True


def set_discharged_at(session: Session, encounter_id: uuid.UUID, at: datetime | None) -> bool:
    encounter = session.get(Encounter, encounter_id)
    assert encounter is not None
    if encounter.discharged_at == at:
        return False
    encounter.discharged_at = at
    return True


def _attempt_counts(session: Session, task_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not task_ids:
        return {}
    rows = session.execute(
        select(FollowupAttempt.task_id, func.count())
        .where(FollowupAttempt.task_id.in_(task_ids))
        .group_by(FollowupAttempt.task_id)
    )
    return {task_id: count for task_id, count in rows}


def sync_plan_tasks(
    session: Session,
    encounter_id: uuid.UUID,
    patient_id: uuid.UUID,
    planned: Sequence[PlannedTask],
    department_ids: dict[str, uuid.UUID],
    gone_reason: CancelReason = CancelReason.PLAN_CHANGED,
) -> TaskSync:
    """Make the visit's plan tasks match *planned*, step by step.

    Only work not yet begun follows the plan: a task that is done, lost, or has
    attempts keeps what it has, so changing a plan never rewrites completed records.
    """
    existing = {
        (t.plan_code, t.plan_step): t
        for t in session.scalars(
            select(FollowupTask).where(
                FollowupTask.encounter_id == encounter_id, FollowupTask.plan_step.is_not(None)
            )
        )
    }
    attempts = _attempt_counts(session, [t.id for t in existing.values()])
    created = updated = cancelled = 0
    for plan_task in planned:
        fields = dict(
            plan_version=plan_task.plan_version,
            due_date=plan_task.due_date,
            planned_due_date=plan_task.due_date,
            window_start=plan_task.window_start,
            window_end=plan_task.window_end,
            priority=plan_task.priority,
            department_id=department_ids[plan_task.department_code],
            assignee_role=plan_task.role,
        )
        task = existing.pop(plan_task.key, None)
        if task is None:
            session.add(
                FollowupTask(
                    # The station that imports the same discharge plans the same task.
                    id=natural_keys.plan_task_id(encounter_id, *plan_task.key),
                    patient_id=patient_id,
                    encounter_id=encounter_id,
                    plan_code=plan_task.plan_code,
                    plan_step=plan_task.step,
                    status=TaskStatus.PENDING,
                    **fields,
                )
            )
            created += 1
        elif task.status is TaskStatus.CANCELLED and task.cancel_reason in _REOPENABLE:
            task.status, task.cancel_reason = TaskStatus.PENDING, None
            _assign(task, **fields)
            updated += 1
        elif task.status is TaskStatus.PENDING and not attempts.get(task.id):
            updated += _assign(task, **fields)
    for task in existing.values():
        if task.status is TaskStatus.PENDING and not attempts.get(task.id):
            task.status, task.cancel_reason = TaskStatus.CANCELLED, gone_reason
            cancelled += 1
    session.flush()
    return TaskSync(created, updated, cancelled)


def retract_tasks(session: Session, encounter_id: uuid.UUID) -> int:
    """Cancel the visit's open tasks (HL7 A13). Done and lost tasks stay as they are."""
    count = 0
    for task in session.scalars(
        select(FollowupTask).where(
            FollowupTask.encounter_id == encounter_id, FollowupTask.status == TaskStatus.PENDING
        )
    ):
        task.status = TaskStatus.CANCELLED
        task.cancel_reason = CancelReason.DISCHARGE_CANCELLED
        task.callback_after = None
        count += 1
    return count


def message_seen(session: Session, message: MessageId) -> bool:
    return (
        session.scalar(
            select(Hl7Message.id).where(
                Hl7Message.sender == message.sender, Hl7Message.control_id == message.control_id
            )
        )
        is not None
    )


def remember_message(session: Session, message: MessageId) -> None:
    session.add(
        Hl7Message(sender=message.sender, control_id=message.control_id, event=message.event)
    )


def save_import_run(session: Session, report: ImportReport, actor: str) -> uuid.UUID:
    assert report.finished_at is not None
    run = ImportRun(
        kind=report.kind,
        source_name=report.source[-512:],
        encoding=report.encoding,
        actor=actor[:64],
        started_at=report.started_at,
        finished_at=report.finished_at,
        read=report.read,
        created=report.created,
        updated=report.updated,
        skipped=report.skipped,
        errors=report.error_count,
        detail=report.detail(),
    )
    session.add(run)
    session.flush()
    return run.id
