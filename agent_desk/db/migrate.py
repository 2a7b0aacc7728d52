"""Schema migrations: Alembic alone creates and upgrades every database, at start.

Alembic itself is imported only when a database is not at SCHEMA_HEAD: importing it
costs a fifth of a second, which every start of the workstation would otherwise pay.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; tests/test_schema.py keeps the two in step.
SCHEMA_HEAD = "0026"
_VERSION_TABLE = "alembic_version"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer agent_desk than this one."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(_VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()


def ensure_schema(engine: Engine) -> bool:
    """Bring the database to the newest schema; return True when anything was applied.

    Refuses (SchemaTooNew) a database whose revision this build does not know,
    rather than running against columns it cannot understand.
    """
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return False
    from alembic import command

    if current is not None and not _knows(_script(), current):
        raise SchemaTooNew(current)
    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        command.upgrade(_config(connection), "head")
    return True


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite's foreign keys off while migrations run, as its own procedure for schema
    changes asks: otherwise every changed key (0024 rewrites them all) looks for the rows
    that refer to it, a scan of each unindexed referring column. A migration that changes
    keys checks them itself (PRAGMA foreign_key_check). Set on the connection outside any
    transaction, where SQLite takes it; the engine's connections have them on."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def knows_revision(revision: str) -> bool:
    """Whether *revision* is one of this build's migrations (older than or at SCHEMA_HEAD)."""
    return revision == SCHEMA_HEAD or _knows(_script(), revision)


def _knows(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util.exc import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        command.downgrade(_config(connection), revision)
