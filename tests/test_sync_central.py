"""`agent-desk central init|status` and `sync --once`, and their one-line refusals."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import text

from agent_desk.cli.central import run_central_status
from agent_desk.cli.sync import run_sync, status_line
from agent_desk.db.engine import make_engine
from agent_desk.db.migrate import SCHEMA_HEAD, downgrade
from agent_desk.domain.enums import SyncConnection
from agent_desk.sync.central import CentralConfig, central_init, central_status
from agent_desk.sync.cycle import sync_once
from agent_desk.sync.errors import (
    CentralConfigError,
    CentralSchemaMismatch,
    CentralUnavailable,
)
from agent_desk.sync.state import SyncStatus
from tests.pg import scratch_database
from tests.test_sync_support import add_patient, workstation

pytestmark = pytest.mark.postgres


def test_init_is_idempotent_and_status_lists_the_workstations(
    tmp_path: Path, central: CentralConfig
) -> None:
    assert "up to date" in central_init(central).summary()
    ws = workstation(tmp_path, "ward3")
    add_patient(ws, "D1")
    sync_once(ws, central)
    status = central_status(central)
    assert status.revision == SCHEMA_HEAD and status.applied_mutations == 1
    assert status.feed_rows >= 1 and len(status.clients) == 1
    out = io.StringIO()
    assert run_central_status(central, out) == 0
    assert "workstations      1" in out.getvalue()


def test_sync_once_prints_one_summary_line(tmp_path: Path, central: CentralConfig) -> None:
    ws = workstation(tmp_path, "a")
    add_patient(ws, "D1")
    out = io.StringIO()
    assert run_sync(ws, central, out, once=True) == 0
    assert out.getvalue().startswith("uploaded 1, resynced 1, 0 waiting")


def test_an_unreachable_server_is_one_clear_sentence(tmp_path: Path) -> None:
    ws = workstation(tmp_path, "a")
    add_patient(ws, "D1")
    config = CentralConfig(url="postgresql://postgres@127.0.0.1:9/agent_desk", connect_timeout_s=2)
    with pytest.raises(CentralUnavailable) as caught:
        sync_once(ws, config)
    message = str(caught.value)
    assert "127.0.0.1:9/agent_desk cannot be reached" in message and "\n" not in message


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    config = CentralConfig(url="postgresql://postgres@127.0.0.1:5432/agent_desk_no_such_db")
    with pytest.raises(Exception, match='database "agent_desk_no_such_db" does not exist'):
        sync_once(workstation(tmp_path, "a"), config)


def test_a_password_in_the_url_is_refused() -> None:
    with pytest.raises(CentralConfigError, match="must not contain the password"):
        CentralConfig(url="postgresql://nurse:secret@db/agent_desk")


def test_a_url_that_is_not_postgresql_is_refused() -> None:
    with pytest.raises(CentralConfigError, match="not a PostgreSQL URL"):
        CentralConfig(url="mysql://db/agent_desk").where  # noqa: B018


def test_no_url_says_how_to_set_one() -> None:
    with pytest.raises(CentralConfigError, match=r"agent-desk config set central\.url"):
        CentralConfig(url="")


def test_a_newer_central_schema_is_refused_untouched(
    tmp_path: Path, central: CentralConfig
) -> None:
    engine = make_engine(central.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(CentralSchemaMismatch, match="newer than this agent_desk"):
        sync_once(workstation(tmp_path, "a"), central)
    with pytest.raises(CentralSchemaMismatch, match="upgrade this workstation"):
        central_init(central)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert revision == "9999_future"
    engine.dispose()


def test_an_older_central_schema_asks_for_init(tmp_path: Path, central: CentralConfig) -> None:
    engine = make_engine(central.url)
    downgrade(engine, "0004")
    engine.dispose()
    with pytest.raises(CentralSchemaMismatch, match="older schema 0004"):
        sync_once(workstation(tmp_path, "a"), central)
    assert "migrated from 0004 to schema" in central_init(central).summary()


def test_an_empty_database_asks_for_init(tmp_path: Path) -> None:
    with scratch_database() as url:
        config = CentralConfig(url=url.set(drivername="postgresql").render_as_string(False))
        with pytest.raises(CentralSchemaMismatch, match="not initialised"):
            sync_once(workstation(tmp_path, "a"), config)


def test_the_status_line_says_what_the_window_shows() -> None:
    status = SyncStatus(SyncConnection.OFFLINE, None, 12, 0, 1, "the server is away")
    assert (
        status_line(status)
        == "offline: last sync never, 12 waiting, 1 to review — the server is away"
    )
