"""A small, hand-made hospital for tests: every fact here is asserted somewhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from agent_desk.db.engine import Database
from agent_desk.db.models import (
    Department,
    Encounter,
    EncounterDiagnosis,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    Patient,
    PatientContact,
)
from agent_desk.domain.enums import (
    AttemptOutcome,
    Channel,
    ContactRelation,
    EncounterKind,
    Role,
    Sex,
    TaskStatus,
)
from agent_desk.domain.permissions import Principal
from agent_desk.domain.phones import try_normalise


@dataclass
class Hospital:
    cardiology: uuid.UUID
    orthopaedics: uuid.UUID
    patients: dict[str, uuid.UUID] = field(default_factory=dict)
    tasks: dict[str, uuid.UUID] = field(default_factory=dict)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_patient(
    db: Database,
    hospital: Hospital,
    key: str,
    name: str,
    record_no: str,
    numbers: list[tuple[str, ContactRelation]],
    **fields: object,
) -> uuid.UUID:
    with db.write() as session:
        patient = Patient(record_no=record_no, name=name, sex=Sex.FEMALE, **fields)
        session.add(patient)
        session.flush()
        for index, (raw, relation) in enumerate(numbers):
            session.add(
                PatientContact(
                    patient_id=patient.id,
                    relation=relation,
                    raw_number=raw,
                    e164=try_normalise(raw),
                    is_primary=index == 0,
                    contact_name=None if relation is ContactRelation.SELF else "家属",
                )
            )
        hospital.patients[key] = patient.id
        return patient.id


def add_task(
    db: Database,
    hospital: Hospital,
    key: str,
    patient: str,
    department: uuid.UUID,
    due: date,
    status: TaskStatus = TaskStatus.PENDING,
    priority: int = 3,
) -> uuid.UUID:
    with db.write() as session:
        task = FollowupTask(
            patient_id=hospital.patients[patient],
            plan_code="discharge_7d",
            due_date=due,
            window_start=due - timedelta(days=2),
            window_end=due + timedelta(days=7),
            priority=priority,
            department_id=department,
            status=status,
        )
        session.add(task)
        session.flush()
        hospital.tasks[key] = task.id
        return task.id


def build_small_hospital(db: Database, today: date) -> Hospital:
    with db.write() as session:
        cardiology = Department(code="CARD", name="心血管内科")
        orthopaedics = Department(code="ORTH", name="骨科")
        session.add_all([cardiology, orthopaedics])
        session.flush()
        hospital = Hospital(cardiology.id, orthopaedics.id)
    add_patient(
        db,
        hospital,
        "wang",
        "王秀英",
        "D000000001",
        [("138 0013 8000", ContactRelation.SELF), ("010-6234 5678", ContactRelation.CHILD)],
        birth_date=date(1950, 3, 7),
        id_number="11010119500307123X",
        allergies="青霉素过敏",
        cardiac_history="冠心病",
        tags=["高龄"],
    )
    # Two family members who share the landline: a lookup must offer both.
    add_patient(
        db,
        hospital,
        "li_a",
        "李建国",
        "D000000002",
        [("13912345678", ContactRelation.SELF), ("01087654321", ContactRelation.SPOUSE)],
    )
    add_patient(
        db, hospital, "li_b", "李桂兰", "D000000003", [("+86 10 8765 4321", ContactRelation.SELF)]
    )
    add_task(db, hospital, "wang_due", "wang", hospital.cardiology, today, priority=1)
    add_task(db, hospital, "li_overdue", "li_a", hospital.orthopaedics, today - timedelta(days=20))
    add_task(
        db,
        hospital,
        "li_b_done",
        "li_b",
        hospital.orthopaedics,
        today - timedelta(days=3),
        status=TaskStatus.DONE,
    )
    add_task(db, hospital, "wang_later", "wang", hospital.cardiology, today + timedelta(days=1))
    with db.write() as session:
        wang = hospital.patients["wang"]
        encounter = Encounter(
            patient_id=wang,
            kind=EncounterKind.INPATIENT,
            department_id=hospital.cardiology,
            attending_doctor="张医生",
            admitted_at=_at(today - timedelta(days=15)),
            discharged_at=_at(today - timedelta(days=7)),
            discharge_orders="低盐饮食，两周后复诊",
        )
        session.add(encounter)
        session.flush()
        session.add(
            EncounterDiagnosis(encounter_id=encounter.id, seq=0, icd10="I21.9", name="急性心肌梗死")
        )
        attempt = FollowupAttempt(
            task_id=hospital.tasks["wang_due"],
            patient_id=wang,
            channel=Channel.PHONE,
            outcome=AttemptOutcome.NO_ANSWER,
            attempted_at=_at(today - timedelta(days=1)),
        )
        session.add(attempt)
        session.add(
            FollowupRecord(
                task_id=hospital.tasks["li_b_done"],
                patient_id=hospital.patients["li_b"],
                template_code="general_discharge",
                template_version="1",
                answers={"recovery": "good"},
                recovery_score=82.0,
                completed_at=_at(today - timedelta(days=3)),
            )
        )
    return hospital


# Principals for service tests: who the services are asked by.
HIS = Principal.of("his", [Role.INTEGRATION])  # the HIS interface account: imports only
SUPERVISOR = Principal.of("supervisor", [Role.SUPERVISOR])  # the whole hospital
AGENT = Principal.of("agent7", [Role.AGENT])  # finds any patient; no unmasking


def nurse_of(department: uuid.UUID, name: str = "nurse1") -> Principal:
    """A nurse whose records are *department*'s patients."""
    return Principal.of(name, [Role.NURSE], [department])
