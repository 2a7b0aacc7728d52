"""A restore rolls the local audit chain back to the backup while the central server holds
its later events: the restore starts a new segment that names both ends, and the chain
verifies on the workstation and on the server, with every event uploaded once; a change,
removal or insertion still breaks it. Against the real PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.cli.audit import report_chains, verify_chains
from agent_desk.cli.central import run_central_audit_verify
from agent_desk.cli.context import CliError
from agent_desk.db import audit
from agent_desk.db.audit_chain import link_event
from agent_desk.db.engine import Database
from agent_desk.db.models import AuditChainHead, AuditEvent
from agent_desk.db.open import open_local
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.permissions import Principal
from agent_desk.paths import DataDir
from agent_desk.services.backup import create_backup, restore_backup
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig
from tests.test_audit_chain import _tamper
from tests.test_sync_support import central_engine, pg_connect, settle

ADMIN = Principal.of("admin", [Role.ADMIN])

pytestmark = pytest.mark.postgres


def _open(data_dir: DataDir) -> Database:
    db = open_local(data_dir.database)
    install_capture(db)
    return db


def _events(db: Database, actor: str, count: int) -> None:
    for number in range(count):
        with db.write() as session:
            audit.record(session, actor, AuditAction.SEARCH, None, None, n=number)


@pytest.fixture
def restored(tmp_path: Path, data_dir: DataDir, central: CentralConfig) -> Iterator[Database]:
    """Events, sync, backup, more events, sync, restore, more events, sync."""
    db = _open(data_dir)
    _events(db, "before-backup", 3)
    settle(db, central)
    backup = tmp_path / "backup.sqlite3"
    create_backup(db, data_dir, ADMIN, keep=3, target=backup)
    _events(db, "after-backup", 2)
    settle(db, central)
    db.dispose()
    restore_backup(data_dir, backup, ADMIN)
    db = _open(data_dir)
    _events(db, "after-restore", 2)
    settle(db, central)
    yield db
    db.dispose()


def _verify_here(db: Database) -> None:
    report_chains(verify_chains(db), io.StringIO())  # raises CliError when broken


def _server_count(central: CentralConfig, actor: str) -> int:
    engine = central_engine(central)
    try:
        with engine.connect() as connection:
            query = select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == actor)
            return int(connection.scalar(query) or 0)
    finally:
        engine.dispose()


def test_after_a_restore_both_verifies_pass_and_every_event_reached_the_server(
    restored: Database, central: CentralConfig
) -> None:
    _verify_here(restored)
    out = io.StringIO()
    assert run_central_audit_verify(central, out) == 0, out.getvalue()
    counts = {a: _server_count(central, a) for a in ("after-backup", "after-restore", "admin")}
    assert counts == {"after-backup": 2, "after-restore": 2, "admin": 2}  # backup, restore


def test_the_restore_names_where_the_backup_and_the_replaced_chain_ended(
    restored: Database,
) -> None:
    with restored.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.RESTORE))
        assert event is not None
        old_chain = session.scalar(
            select(AuditEvent.workstation).where(AuditEvent.actor == "before-backup")
        )
    assert event.chain_seq == 1 and event.workstation != old_chain
    detail = event.detail
    assert detail["restored_chain"] == detail["previous_chain"] == str(old_chain)
    # chain_started, 3 events (the backup's end); then the backup's own event and 2 more.
    assert (detail["restored_seq"], detail["previous_seq"]) == (4, 7)
    assert event.prev_hash == detail["restored_hash"]


def test_the_restored_workstation_pulls_the_old_chains_tail_and_still_verifies(
    restored: Database, central: CentralConfig
) -> None:
    settle(restored, central)
    with restored.read() as session:
        pulled = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == "after-backup")
        )
    assert pulled == 2  # the server's copies of what the replaced database wrote
    _verify_here(restored)


def _on_server(central: CentralConfig, statement: str, actor: str) -> None:
    with pg_connect(central) as connection:
        connection.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        connection.execute(statement, (actor,))
        connection.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET detail = '{\"n\": 9}' WHERE actor = %s AND chain_seq = 3",
        "DELETE FROM audit_events WHERE actor = %s AND chain_seq = 2",
    ],
)
def test_a_change_or_removal_in_the_new_segment_fails_on_the_server(
    restored: Database, central: CentralConfig, statement: str
) -> None:
    _on_server(central, statement, "after-restore")
    assert run_central_audit_verify(central, io.StringIO()) == 1


def test_an_old_event_removed_on_the_server_breaks_the_restore_link(
    restored: Database, central: CentralConfig
) -> None:
    # The last event the replaced database wrote: the old chain then ends short of the
    # end the restore found, and nothing else would show it.
    _on_server(
        central, "DELETE FROM audit_events WHERE actor = %s AND chain_seq = 7", "after-backup"
    )
    out = io.StringIO()
    assert run_central_audit_verify(central, out) == 1
    assert "never uploaded" in out.getvalue()


def test_a_changed_restore_event_fails_here(restored: Database, data_dir: DataDir) -> None:
    _tamper(
        data_dir.database,
        "UPDATE audit_events SET detail = json_set(detail, '$.restored_seq', 2) "
        "WHERE action = 'restore'",
    )
    with pytest.raises(CliError, match="broken"):
        _verify_here(restored)


def test_an_event_appended_to_the_old_chain_after_the_restore_fails_on_the_server(
    restored: Database, central: CentralConfig
) -> None:
    """A fork: the replaced database (kept aside) used again and synced. Its event is
    hashed correctly onto the old chain, so only the restore's link shows it."""
    engine = central_engine(central)
    try:
        with Session(engine) as session, session.begin():
            old, last = session.execute(
                select(AuditEvent.workstation, AuditEvent.hash).where(
                    AuditEvent.actor == "after-backup", AuditEvent.chain_seq == 7
                )
            ).one()
            head = AuditChainHead(workstation=old, chain_seq=7, hash=last)
            link_event(session, head, "forked", AuditAction.SEARCH, None, None, {})
    finally:
        engine.dispose()
    out = io.StringIO()
    assert run_central_audit_verify(central, out) == 1
    assert "went on after it was restored over" in out.getvalue()
