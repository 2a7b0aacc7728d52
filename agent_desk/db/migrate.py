"""Schema migrations: Alembic alone creates and upgrades every database, at start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaTooNew(RuntimeError):
    """The database was written by a newer agent_desk than this one."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> bool:
    """Bring the database to the newest schema; return True when anything was applied.

    Refuses (SchemaTooNew) a database whose revision this build does not know,
    rather than running against columns it cannot understand.
    """
    script = ScriptDirectory.from_config(_config())
    current = current_revision(engine)
    if current == script.get_current_head():
        return False
    if current is not None and not _knows(script, current):
        raise SchemaTooNew(current)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    return True


def _knows(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)
