"""Migration 0024 turns every id and reference in SQLite into its 16 bytes, and back."""

from __future__ import annotations

from sqlalchemy import select, text

from agent_desk.db.engine import Database
from agent_desk.db.migrate import downgrade, ensure_schema
from agent_desk.db.models import FollowupTask, Patient, PatientContact
from tests.builders import Hospital

# (child table, reference column, parent table): references the small hospital fills.
_REFERENCES = (
    ("patient_contacts", "patient_id", "patients"),
    ("encounters", "patient_id", "patients"),
    ("encounters", "department_id", "departments"),
    ("encounter_diagnoses", "encounter_id", "encounters"),
    ("followup_tasks", "department_id", "departments"),
    ("followup_tasks", "patient_id", "patients"),
    ("followup_attempts", "task_id", "followup_tasks"),
    ("followup_records", "task_id", "followup_tasks"),
    ("followup_task_facts", "task_id", "followup_tasks"),
    ("followup_task_facts", "latest_record_id", "followup_records"),
)


def _joined(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            f"{child}.{column}": connection.execute(
                text(f"SELECT count(*) FROM {child} c JOIN {parent} p ON p.id = c.{column}")
            ).scalar_one()
            for child, column, parent in _REFERENCES
        }


def _id_kinds(db: Database) -> set[tuple[str, int]]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT typeof(id), length(id) FROM patients UNION "
                "SELECT typeof(patient_id), length(patient_id) FROM followup_tasks UNION "
                "SELECT typeof(task_id), length(task_id) FROM followup_task_facts"
            )
        )
        return {(kind, size) for kind, size in rows}


def test_a_database_of_hex_ids_converts_with_every_reference_intact(
    db: Database, hospital: Hospital
) -> None:
    as_bytes = _joined(db)
    assert _id_kinds(db) == {("blob", 16)}
    assert all(as_bytes.values()), as_bytes  # the hospital has rows behind each reference

    downgrade(db.engine, "0021")  # the ids as 0021 and SQLAlchemy's Uuid kept them
    assert _id_kinds(db) == {("text", 32)}
    assert _joined(db) == as_bytes

    assert ensure_schema(db.engine) is True
    assert _id_kinds(db) == {("blob", 16)}
    assert _joined(db) == as_bytes
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        # The triggers were made again as they were.
        triggers = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        ).scalar_one()
    assert triggers > 0
    # The ORM finds the converted rows by their UUIDs, and through their references.
    with db.read() as session:
        for task_id in hospital.tasks.values():
            task = session.get(FollowupTask, task_id)
            assert task is not None
            assert session.get(Patient, task.patient_id) is not None
            numbers = session.scalars(
                select(PatientContact.e164).where(PatientContact.patient_id == task.patient_id)
            ).all()
            assert numbers
