"""Opening the workstation's database, turning every failure into one clear sentence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, OperationalError

from agent_desk.db.engine import BUSY_TIMEOUT_MS, Database, make_engine, sqlite_url
from agent_desk.db.migrate import SchemaTooNew, ensure_schema
from agent_desk.paths import private_file


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used; str() is the message for the user."""


def open_local(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open (creating and migrating when needed) the embedded SQLite database at *path*."""
    if path.exists() and not path.is_file():
        raise DatabaseUnavailable(f"database path is not a file: {path}")
    _keep_private(path)
    engine = make_engine(sqlite_url(path), busy_timeout_ms)
    try:
        with engine.connect() as connection:
            # Reading the schema catches a non-database file before Alembic touches it.
            connection.execute(text("SELECT count(*) FROM sqlite_master"))
        ensure_schema(engine)
    except SchemaTooNew as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"database {path} was written by a newer agent_desk (schema {exc}); "
            "install the newer version, or point --data-dir at another folder"
        ) from exc
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(explain(path, exc.orig)) from exc
    except DatabaseError as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"database {path} is damaged or not an agent_desk database ({exc.orig}); "
            "restore it from a backup or move it aside"
        ) from exc
    return Database(engine)


def _keep_private(path: Path) -> None:
    """The database holds patient data: owner only. SQLite creates its WAL and shared-memory
    files with the database file's mode, so creating that file private is enough for new
    ones; those left by an older version are tightened here."""
    try:
        private_file(path)
        for sidecar in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if sidecar.exists():
                private_file(sidecar)
    except OSError as exc:
        raise DatabaseUnavailable(explain(path, exc)) from exc


def explain(path: Path, error: BaseException | None) -> str:
    message = str(error)
    if isinstance(error, sqlite3.OperationalError) and "locked" in message:
        return (
            f"database {path} is locked by another program (another agent_desk, "
            "or a backup): close it and try again"
        )
    if "unable to open" in message or "readonly" in message:
        return f"database {path} cannot be opened for writing: {message}"
    return f"database {path} cannot be used: {message}"
