"""The synthetic demo hospital: consistent, readable through the ORM, repeatable, and apart."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from agent_desk.db.engine import Database
from agent_desk.db.models import Call, FollowupRecord, Patient
from agent_desk.db.natural_keys import department_id, staff_id, ward_id
from agent_desk.db.open import open_local
from agent_desk.db.patients import load_card
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.db.staff import count_users
from agent_desk.db.worklist import WorklistFilter, page
from agent_desk.demo.hospital import record_no
from agent_desk.demo.writer import DemoSummary, generate
from agent_desk.domain.enums import (
    CallDirection,
    Role,
    SatisfactionDimension,
    TaskStatus,
    TicketState,
    WorklistView,
)
from agent_desk.domain.permissions import Principal
from agent_desk.domain.phones import normalise
from agent_desk.domain.statistics import Grouping, Period
from agent_desk.forms.feedback import extract_feedback
from agent_desk.forms.registry import TemplateLibrary
from agent_desk.forms.state import FormState
from agent_desk.services.statistics import StatisticsService

TODAY = date(2026, 11, 23)
PATIENTS = 500
AGENT_DESK = Path(__file__).resolve().parent.parent / "agent_desk"
# The demo's only users: the command line (a module or a package) and the benchmarks.
DEMO_USERS = {"demo", "bench", "cli", "cli.py"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    db = open_local(tmp_path_factory.mktemp("demo") / "db.sqlite3")
    summary = generate(db, PATIENTS, today=TODAY, batch_size=150)
    yield db, summary
    db.dispose()


@pytest.fixture
def db(demo: tuple[Database, DemoSummary]) -> Database:
    return demo[0]


def query(db: Database, sql: str) -> list[Any]:
    with db.read() as session:
        return list(session.execute(text(sql)).all())


def scalar(db: Database, sql: str) -> Any:
    return query(db, sql)[0][0]


def test_summary_counts_the_rows_written(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    assert summary.patients == scalar(db, "SELECT count(*) FROM patients") == PATIENTS
    assert summary.contacts == scalar(db, "SELECT count(*) FROM patient_contacts")
    assert summary.calls == scalar(db, "SELECT count(*) FROM calls")
    assert summary.records == scalar(db, "SELECT count(*) FROM followup_records")
    assert summary.departments == scalar(db, "SELECT count(*) FROM departments") >= 30


def test_every_patient_has_one_to_five_encounters(db: Database) -> None:
    per_patient = query(db, "SELECT count(*) FROM encounters GROUP BY patient_id")
    assert len(per_patient) == PATIENTS
    assert {n for (n,) in per_patient} <= {1, 2, 3, 4, 5}


def test_every_patient_has_exactly_one_primary_contact(db: Database) -> None:
    primaries = query(db, "SELECT sum(is_primary) FROM patient_contacts GROUP BY patient_id")
    assert len(primaries) == PATIENTS
    assert {n for (n,) in primaries} == {1}


def test_latest_discharge_is_within_90_days_and_has_one_task(db: Database) -> None:
    rows = query(
        db,
        "SELECT max(e.discharged_at), count(DISTINCT t.id) FROM encounters e "
        "JOIN followup_tasks t ON t.patient_id = e.patient_id GROUP BY e.patient_id",
    )
    latest = {date.fromisoformat(at[:10]) for at, _ in rows}
    assert min(latest) >= TODAY - timedelta(days=90)
    assert max(latest) <= TODAY
    assert {tasks for _, tasks in rows} == {1}


def test_ids_are_uuid7(db: Database) -> None:
    for table in ("patients", "patient_contacts", "encounter_diagnoses", "calls"):
        for (raw,) in query(db, f"SELECT id FROM {table} LIMIT 20"):
            # Stored as their 16 bytes (db.base.Id).
            assert uuid.UUID(bytes=raw).version == 7


def test_departments_wards_and_staff_have_the_ids_of_their_codes_and_names(db: Database) -> None:
    for table, key, made in (
        ("departments", "code", department_id),
        ("wards", "code", ward_id),
        ("staff_users", "username", staff_id),
    ):
        for raw, code in query(db, f"SELECT id, {key} FROM {table}"):
            assert uuid.UUID(bytes=raw) == made(code)


def test_card_loads_demo_patients_through_the_orm(db: Database) -> None:
    with db.read() as session:
        patient_ids = session.scalars(select(Patient.id).limit(20)).all()
        cards = [load_card(session, patient_id) for patient_id in patient_ids]
    for card in cards:
        assert card is not None
        assert isinstance(card.birth_date, date)
        assert card.encounters and card.contacts
        assert all(
            e.admitted_at is not None and e.admitted_at.tzinfo is UTC for e in card.encounters
        )
        assert all(entry.at.tzinfo is UTC for entry in card.timeline)
        assert isinstance(card.tags, tuple)


def test_created_at_reads_back_as_aware_utc(db: Database) -> None:
    with db.read() as session:
        patient = session.scalars(select(Patient).limit(1)).one()
    assert patient.created_at.tzinfo is UTC
    assert patient.version == 1


def test_records_and_calls_read_back_through_the_orm(db: Database) -> None:
    with db.read() as session:
        record = session.scalars(select(FollowupRecord).limit(1)).one()
        call = session.scalars(select(Call).where(Call.answered_at.is_not(None)).limit(1)).one()
    assert record.answers["gd_recovery"] in {
        "recovered", "improved", "slightly_improved", "unchanged", "worse"
    }  # fmt: skip
    assert record.recovery_score is not None and 0 <= record.recovery_score <= 100
    assert record.completed_at.tzinfo is UTC
    assert call.direction is CallDirection.OUTBOUND
    assert call.answered_at is not None and call.ended_at is not None
    assert call.started_at < call.answered_at < call.ended_at


def test_demo_staff_cannot_log_in(db: Database) -> None:
    with db.read() as session:
        assert count_users(session) == 0


def test_worklist_pages_demo_tasks(db: Database) -> None:
    with db.read() as session:
        due = page(session, WorklistFilter(WorklistView.ALL_OPEN, TODAY), limit=50)
    assert due
    assert all(row.status is TaskStatus.PENDING and row.primary_phone for row in due)


def test_id_numbers_carry_a_valid_check_character(db: Database) -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for id_number, birth, sex in query(db, "SELECT id_number, birth_date, sex FROM patients"):
        total = sum(int(digit) * weight for digit, weight in zip(id_number, weights, strict=False))
        assert id_number[17] == "10X98765432"[total % 11]
        assert id_number[6:14] == birth.replace("-", "")
        assert int(id_number[16]) % 2 == (sex == "M")


def test_raw_numbers_normalise_to_the_stored_e164(db: Database) -> None:
    contacts = query(db, "SELECT raw_number, e164 FROM patient_contacts")
    assert all(normalise(raw) == e164 for raw, e164 in contacts)
    assert len({raw.replace(" ", "").isdigit() for raw, _ in contacts}) == 2  # varied formats


def test_some_numbers_reach_two_patients(db: Database) -> None:
    shared = query(
        db,
        "SELECT e164 FROM patient_contacts GROUP BY e164 HAVING count(DISTINCT patient_id) > 1",
    )
    assert shared
    assert len(PhoneIndex(db).find(shared[0][0])) >= 2


def test_task_statuses_mix_done_lost_and_open(db: Database) -> None:
    counts = dict(query(db, "SELECT status, count(*) FROM followup_tasks GROUP BY status"))
    assert counts["done"] > PATIENTS / 2
    assert counts["lost"] > 0
    assert 0.05 < counts["pending"] / PATIENTS < 0.30


def test_done_tasks_have_a_reached_attempt_and_a_record(db: Database) -> None:
    unreached = scalar(
        db,
        "SELECT count(*) FROM followup_tasks t WHERE t.status = 'done' AND NOT EXISTS "
        "(SELECT 1 FROM followup_attempts a JOIN followup_records r ON r.attempt_id = a.id "
        "WHERE a.task_id = t.id AND a.outcome = 'reached')",
    )
    assert unreached == 0


def test_records_open_in_their_form_as_submitted(db: Database) -> None:
    template = TemplateLibrary().load("general_discharge", "1")
    with db.read() as session:
        records = session.scalars(select(FollowupRecord).limit(50)).all()
    for record in records:
        state = FormState(template, record.answers)
        assert not state.checked.problems
        assert record.recovery_score == state.score().recovery_score
        scores = extract_feedback(template, record.answers)
        assert [getattr(record, f"satisfaction_{d.value}") for d in SatisfactionDimension] == [
            scores.score_of(d) for d in SatisfactionDimension
        ]


def test_feedback_is_routed_to_the_tasks_department_when_the_form_was_made(db: Database) -> None:
    rows = query(
        db,
        "SELECT f.kind, f.department_id = t.department_id, f.created_at = r.completed_at "
        "FROM feedback_items f JOIN followup_records r ON r.id = f.record_id "
        "JOIN followup_tasks t ON t.id = r.task_id",
    )
    assert {kind for kind, _, _ in rows} == {"praise", "complaint", "suggestion"}
    assert all(same_department and opened_then for _, same_department, opened_then in rows)


def test_the_statistics_see_satisfaction_praise_criticism_and_lost_reasons(db: Database) -> None:
    supervisor = Principal.of("boss", [Role.SUPERVISOR])
    month = Period.between(TODAY - timedelta(days=60), TODAY)
    total = StatisticsService(db).report(supervisor, month, Grouping.HOSPITAL).total
    overall = total.dimension(SatisfactionDimension.OVERALL)
    assert 0.8 < (overall.answered_rate.value or 0) < 1
    assert total.praised > 0 and total.criticised > 0
    assert None not in dict(total.lost_reasons)


def test_lost_tasks_have_three_failed_attempts_and_a_reason(db: Database) -> None:
    rows = query(
        db,
        "SELECT t.lost_reason, count(a.id), sum(a.outcome = 'reached') FROM followup_tasks t "
        "JOIN followup_attempts a ON a.task_id = t.id WHERE t.status = 'lost' GROUP BY t.id",
    )
    assert rows
    assert all(reason and attempts == 3 and reached == 0 for reason, attempts, reached in rows)


def test_attempts_fall_in_working_hours_inside_the_window(db: Database) -> None:
    rows = query(
        db,
        "SELECT a.attempted_at, t.window_start FROM followup_attempts a "
        "JOIN followup_tasks t ON t.id = a.task_id",
    )
    for attempted_at, window_start in rows:
        assert window_start <= attempted_at[:10] < TODAY.isoformat()
        assert attempted_at[11:16] <= "09:30"  # 17:30 in Beijing


def test_phone_attempts_point_at_their_call(db: Database) -> None:
    mismatched = scalar(
        db,
        "SELECT count(*) FROM followup_attempts a LEFT JOIN calls c ON c.id = a.call_id "
        "WHERE (a.channel = 'phone') != (c.id IS NOT NULL) OR c.started_at != a.attempted_at",
    )
    assert mismatched == 0


def test_a_patients_open_tasks_are_found_by_patient(db: Database) -> None:
    plan = query(
        db,
        "EXPLAIN QUERY PLAN SELECT id FROM followup_tasks WHERE patient_id = 'x' "
        "AND status = 'pending' ORDER BY due_date, priority",
    )
    assert "ix_followup_tasks_patient_id" in plan[0][3]


def test_every_reference_points_at_a_row(db: Database) -> None:
    assert query(db, "PRAGMA foreign_key_check") == []


def test_the_connection_goes_back_to_the_pool_as_it_was(db: Database) -> None:
    assert db.local is not None
    fresh = db.local.connect()
    default_cache = fresh.execute("PRAGMA cache_size").fetchone()[0]  # the build's default
    fresh.close()
    fairy = db.engine.raw_connection()
    try:
        conn = fairy.driver_connection
        assert conn is not None
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == default_cache
    finally:
        fairy.close()


def test_generating_again_adds_patients_without_clashes(tmp_path: Path) -> None:
    db = open_local(tmp_path / "db.sqlite3")
    generate(db, 40, today=TODAY)
    again = generate(db, 60, today=TODAY)
    records = [r for (r,) in query(db, "SELECT record_no FROM patients ORDER BY record_no")]
    assert (again.patients, again.departments, again.staff) == (60, 0, 0)
    assert records == [record_no(n) for n in range(1, 101)]
    assert scalar(db, "SELECT count(DISTINCT id_number) FROM patients") > 95
    db.dispose()


def test_the_same_seed_gives_the_same_hospital(tmp_path: Path) -> None:
    def people(name: str) -> list[Any]:
        db = open_local(tmp_path / name)
        generate(db, 30, today=TODAY, seed=7)
        rows = query(db, "SELECT record_no, name, id_number, address FROM patients ORDER BY 1")
        db.dispose()
        return rows

    assert people("a.sqlite3") == people("b.sqlite3")


def test_progress_is_reported_after_each_batch(tmp_path: Path) -> None:
    db = open_local(tmp_path / "db.sqlite3")
    seen: list[tuple[int, int]] = []
    generate(
        db, 25, today=TODAY, batch_size=10, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(10, 25), (20, 25), (25, 25)]
    db.dispose()


def test_other_databases_are_refused() -> None:
    db = Database(create_engine("postgresql+psycopg://demo@localhost/agent_desk"))
    with pytest.raises(ValueError, match="SQLite"):
        generate(db, 10)


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    return names | {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_the_workstation_neither_holds_nor_imports_the_demo() -> None:
    workstation = [
        path
        for path in AGENT_DESK.rglob("*.py")
        if path.relative_to(AGENT_DESK).parts[0] not in DEMO_USERS
    ]
    holding = [
        path.relative_to(AGENT_DESK)
        for path in workstation
        if path.stem.startswith("demo")
        or any(name.startswith("agent_desk.demo") for name in _imported(path))
    ]
    assert holding == []


def test_the_demo_runs_its_sql_through_the_database_package() -> None:
    modules = list((AGENT_DESK / "demo").glob("*.py"))
    assert modules
    for path in modules:
        assert not {"sqlite3", "sqlalchemy"} & {n.split(".")[0] for n in _imported(path)}, path


def test_the_demo_holds_tickets_in_every_state(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    states = {row[0] for row in query(db, "SELECT DISTINCT state FROM tickets")}
    assert states == {state.value for state in TicketState}
    assert summary.tickets == scalar(db, "SELECT count(*) FROM tickets") > 0
    kinds = {row[0] for row in query(db, "SELECT DISTINCT kind FROM tickets")}
    assert {"complaint", "dispute", "praise"} <= kinds
    assert scalar(db, "SELECT count(*) FROM dispute_cases") > 0


def test_the_callbacks_due_are_found_without_reading_the_open_tasks(db: Database) -> None:
    # The shape of db/callbacks.callbacks_due's query: before 0026 it read every open task.
    plan = query(
        db,
        "EXPLAIN QUERY PLAN SELECT id FROM followup_tasks WHERE plan_code IN ('callback') "
        "AND status = 'pending' AND callback_after <= '2026-12-07 00:00:00.000000' "
        "ORDER BY callback_after, id",
    )
    assert "ix_followup_tasks_callback_due" in plan[0][3]
