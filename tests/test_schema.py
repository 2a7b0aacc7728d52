"""Alembic alone builds the schema, on SQLite files and on a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from agent_desk.db import audit
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.knowledge_search import is_search_index_table
from agent_desk.db.migrate import (
    SCHEMA_HEAD,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
)
from agent_desk.db.models import Base, Department
from agent_desk.db.open import DatabaseUnavailable, local_file, open_local
from agent_desk.db.sqlcipher import driver
from agent_desk.domain.enums import AuditAction
from tests.pg import scratch_database


def _tables(db: Database) -> set[str]:
    """The tables, but the knowledge base's full-text index (FTS5 virtual and shadow tables,
    made by SQL in the migration; no model describes them)."""
    return {t for t in inspect(db.engine).get_table_names() if not is_search_index_table(t)}


def test_migrations_build_every_model_table_from_an_empty_file(tmp_path: Path) -> None:
    db = open_local(tmp_path / "new.sqlite3")
    assert _tables(db) == set(Base.metadata.tables) | {"alembic_version"}
    assert current_revision(db.engine) == head_revision()


def test_migrations_go_down_to_nothing_and_up_again(tmp_path: Path) -> None:
    db = open_local(tmp_path / "cycle.sqlite3")
    downgrade(db.engine, "base")
    assert _tables(db) == {"alembic_version"}
    assert ensure_schema(db.engine) is True
    assert _tables(db) == set(Base.metadata.tables) | {"alembic_version"}


def test_sqlite_connection_is_durable_and_checks_keys(db: Database) -> None:
    with db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000


def test_a_write_takes_the_lock_up_front(db: Database) -> None:
    with db.write() as session:
        statement = session.connection().exec_driver_sql("SELECT 1")
        assert statement.scalar() == 1
        # A second writer must wait for the lock instead of reading stale data and failing later.
        assert db.local is not None
        other = db.local.connect(timeout_s=0)
        with pytest.raises(driver.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_stale_update_is_refused(db: Database) -> None:
    with db.write() as session:
        department = Department(code="CARD", name="心内科")
        session.add(department)
    with db.write() as session:
        session.get(Department, department.id).name = "心血管内科"
    with pytest.raises(StaleDataError), db.write() as session:
        stale = session.merge(department, load=False)  # still carries version 1
        stale.name = "旧名"
        session.flush()
    with db.read() as session:
        assert session.get(Department, department.id).name == "心血管内科"


def test_audit_events_cannot_be_changed_or_deleted(db: Database) -> None:
    with db.write() as session:
        audit.record(session, "nurse1", AuditAction.VIEW_PATIENT, "patient", "p1")
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db.write() as session:
            session.execute(text(statement))
    with db.read() as session:
        # The workstation's first event also starts its hash chain (agent_desk.db.audit_chain).
        assert [row[0] for row in audit.recent(session)] == ["nurse1", "system"]


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    db = open_local(path)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    with pytest.raises(DatabaseUnavailable, match="newer agent_desk"):
        open_local(path)
    check = local_file(path).connect()
    assert check.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_future",)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(DatabaseUnavailable, match="damaged or not an agent_desk database"):
        open_local(path)
    assert path.read_bytes().startswith(b"this is a spreadsheet")


def test_a_locked_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    open_local(path).dispose()
    holder = local_file(path).connect()
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(DatabaseUnavailable, match="locked by another program"):
        open_local(path, busy_timeout_ms=200)
    holder.rollback()
    holder.close()


@pytest.mark.postgres
def test_same_migrations_run_on_postgresql() -> None:
    with scratch_database() as url:
        engine = make_engine(url)
        try:
            assert ensure_schema(engine) is True
            db = Database(engine)
            assert _tables(db) == set(Base.metadata.tables) | {"alembic_version"}
            with db.write() as session:
                audit.record(session, "nurse1", AuditAction.LOGIN)
            with pytest.raises(DBAPIError, match="append-only"), db.write() as session:
                session.execute(text("DELETE FROM audit_events"))
            downgrade(engine, "base")
            assert _tables(db) == {"alembic_version"}
        finally:
            engine.dispose()


def test_schema_head_constant_matches_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_migrations_match_the_models(tmp_path: Path) -> None:
    """Autogenerate finds nothing to do: the hand-kept migration and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = open_local(tmp_path / "compare.sqlite3")
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, _kind, _parent: not is_search_index_table(name or "")
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_the_planner_statistics_made_at_close_are_kept(tmp_path: Path) -> None:
    """`PRAGMA optimize` at close: its ANALYZE was rolled back, and redone at every close."""
    path = tmp_path / "stats.sqlite3"
    db = open_local(path)
    with db.write() as session:
        for n in range(50):
            audit.record(session, "nurse1", AuditAction.SEARCH, None, None, found=n)
    db.dispose()
    connection = local_file(path).connect()
    try:
        analysed = connection.execute(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'audit_events'"
        ).fetchone()[0]
    finally:
        connection.close()
    assert analysed > 0
