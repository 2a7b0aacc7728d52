"""The outbox capture: every change to a synced row queues itself in its own transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from agent_desk.db.base import Base
from agent_desk.db.engine import Database
from agent_desk.db.models import (
    EncounterDiagnosis,
    Hl7Message,
    Patient,
    PatientContact,
    SyncOutbox,
)
from agent_desk.db.sync_codec import is_id, to_sqlite, to_wire
from agent_desk.db.sync_tables import LOCAL_ONLY_TABLES, synced_table, synced_tables
from agent_desk.domain.enums import ContactRelation, OutboxStatus, Sex, SyncOp
from agent_desk.sync.capture import APPLYING, BypassesOutbox, capture_of, install_capture
from tests.builders import build_small_hospital
from tests.test_sync_support import TODAY, add_patient, rename_patient, workstation


@pytest.fixture
def ws(tmp_path: Path) -> Database:
    return workstation(tmp_path, "ws")


def _outbox(db: Database) -> list[SyncOutbox]:
    with db.read() as session:
        return list(session.scalars(select(SyncOutbox).order_by(SyncOutbox.seq)))


def test_an_insert_queues_its_row_in_the_same_transaction(ws: Database) -> None:
    patient_id = add_patient(ws, "D1", "王秀英")
    [entry] = _outbox(ws)
    assert (entry.table_name, entry.row_id, entry.op) == ("patients", patient_id, SyncOp.INSERT)
    assert entry.status is OutboxStatus.PENDING and entry.base_version is None
    assert entry.payload is not None and entry.payload["name"] == "王秀英"
    assert entry.payload["id"] == str(patient_id) and entry.payload["version"] == 1


def test_a_rolled_back_write_leaves_no_outbox_row(ws: Database) -> None:
    with pytest.raises(RuntimeError), ws.write() as session:
        session.add(Patient(record_no="D1", name="王秀英", sex=Sex.FEMALE))
        session.flush()
        raise RuntimeError("the form was cancelled")
    assert _outbox(ws) == []


def test_an_update_names_the_version_it_was_made_on(ws: Database) -> None:
    patient_id = add_patient(ws, "D1")
    rename_patient(ws, patient_id, "王秀兰")
    rename_patient(ws, patient_id, "王秀兰")  # no change: nothing to send
    entries = _outbox(ws)
    assert [(e.op, e.base_version) for e in entries] == [(SyncOp.INSERT, None), (SyncOp.UPDATE, 1)]
    assert entries[1].payload is not None and entries[1].payload["version"] == 2


def test_a_delete_travels_with_its_version(ws: Database) -> None:
    hospital = build_small_hospital(ws, TODAY)
    with ws.write() as session:
        diagnosis = session.scalar(select(EncounterDiagnosis))
        assert diagnosis is not None
        session.delete(diagnosis)
        contact = session.scalar(
            select(PatientContact).where(PatientContact.patient_id == hospital.patients["li_b"])
        )
        assert contact is not None
        session.delete(contact)
    deletes = [e for e in _outbox(ws) if e.op is SyncOp.DELETE]
    assert {(e.table_name, e.base_version, e.payload) for e in deletes} == {
        ("encounter_diagnoses", None, None),
        ("patient_contacts", 1, None),
    }


def test_parents_are_queued_before_their_children(ws: Database) -> None:
    with ws.write() as session:
        patient = Patient(record_no="D1", name="王秀英", sex=Sex.FEMALE)
        session.add(patient)
        session.flush()
        session.add(
            PatientContact(
                patient_id=patient.id, relation=ContactRelation.SELF, raw_number="13800138000"
            )
        )
    assert [e.table_name for e in _outbox(ws)] == ["patients", "patient_contacts"]


def test_local_bookkeeping_is_not_queued(ws: Database) -> None:
    with ws.write() as session:
        session.add(Hl7Message(sender="HIS", control_id="M1", event="A03"))
    assert _outbox(ws) == []


def test_rows_from_the_server_are_not_queued_again(ws: Database) -> None:
    with ws.write() as session:
        session.info[APPLYING] = True
        session.add(Patient(record_no="D1", name="王秀英", sex=Sex.FEMALE))
    assert _outbox(ws) == []


def test_a_bulk_statement_on_a_synced_table_is_refused(ws: Database) -> None:
    add_patient(ws, "D1")
    with pytest.raises(BypassesOutbox, match="patients"), ws.write() as session:
        session.execute(update(Patient).values(name="x"))


def test_listeners_hear_of_commits_with_changes_only(ws: Database) -> None:
    capture = capture_of(ws)
    assert capture is not None and install_capture(ws) is capture
    heard: list[int] = []
    capture.subscribe(lambda: heard.append(1))
    add_patient(ws, "D1")
    with ws.write() as session:
        session.add(Hl7Message(sender="HIS", control_id="M1", event="A03"))
    with pytest.raises(RuntimeError), ws.write() as session:
        session.add(Patient(record_no="D2", name="李", sex=Sex.MALE))
        session.flush()
        raise RuntimeError
    assert heard == [1]


def test_every_table_is_either_synced_or_local_by_decision() -> None:
    assert set(synced_tables()) | LOCAL_ONLY_TABLES == set(Base.metadata.tables)
    assert not set(synced_tables()) & LOCAL_ONLY_TABLES


def test_the_migration_triggers_cover_exactly_the_synced_tables() -> None:
    from importlib import import_module

    migration = import_module("agent_desk.db.migrations.versions.0005_sync")
    # Tables synced since 0005 have their feed made by their own migration.
    tickets = import_module("agent_desk.db.migrations.versions.0015_tickets")
    knowledge = import_module("agent_desk.db.migrations.versions.0016_knowledge_base")
    appointments = import_module("agent_desk.db.migrations.versions.0019_appointments")
    sms = import_module("agent_desk.db.migrations.versions.0022_sms_replies_sync")
    versioned = (
        set(migration._VERSIONED)
        | set(tickets._VERSIONED)
        | {t for t, v in knowledge._FEED_TABLES.items() if v}
        | set(appointments._SYNCED)
        | {t for t, v in sms._FEED_TABLES.items() if v}
    )
    facts = (
        set(migration._FACTS)
        | set(tickets._FACTS)
        | {t for t, v in knowledge._FEED_TABLES.items() if not v}
        | {t for t, v in sms._FEED_TABLES.items() if not v}
    )
    assert versioned == {t.name for t in synced_tables().values() if t.versioned}
    assert facts == {t.name for t in synced_tables().values() if not t.versioned}


def test_a_row_written_from_the_wire_is_stored_as_the_orm_stores_it(ws: Database) -> None:
    build_small_hospital(ws, TODAY)
    for name in ("patients", "encounters", "followup_records", "followup_attempts"):
        table = synced_table(name)
        with ws.read() as session:
            model = next(m for m in Base.registry.mappers if m.local_table is table.table).class_
            obj = session.scalars(select(model)).first()
            stored = (
                session.connection()
                .exec_driver_sql(f"SELECT * FROM {name} WHERE id = ?", (obj.id.bytes,))
                .one()
            )
            raw = dict(zip(stored._fields, stored, strict=True))
            rebuilt = to_sqlite(table, to_wire(table, obj))
        for column, value in zip(table.columns, rebuilt, strict=True):
            if is_id(column) and value is not None:
                # Ids travel as 32 hex digits; the upsert stores them with unhex().
                value = bytes.fromhex(value)
            assert value == raw[column.name], f"{name}.{column.name}"
