"""Opening the workstation's database, turning every failure into one clear sentence."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, OperationalError

from agent_desk.db.engine import BUSY_TIMEOUT_MS, Database, make_local_engine
from agent_desk.db.migrate import SchemaTooNew, ensure_schema
from agent_desk.db.sqlcipher import FileState, LocalFile, driver, encrypt_plain_file, file_state
from agent_desk.logs import FILE_ONLY
from agent_desk.paths import DataDir, private_file

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used; str() is the message for the user."""


def open_local(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open (creating, encrypting and migrating when needed) the workstation's database at
    *path*, with the data key of its folder (see local_file)."""
    if path.exists() and not path.is_file():
        raise DatabaseUnavailable(f"database path is not a file: {path}")
    _keep_private(path)
    return open_file(_encrypted_file(path), busy_timeout_ms)


def open_file(file: LocalFile, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open the SQLite *file* with its key as it is (the benchmarks' copies; open_local for
    the workstation's own database)."""
    path = file.path
    engine = make_local_engine(file, busy_timeout_ms)
    try:
        with engine.connect() as connection:
            # Reading the schema catches a non-database file (or a wrong key) before
            # Alembic touches it.
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
    return Database(engine, file)


def local_file(path: Path) -> LocalFile:
    """The database at *path* as it is now, with the key that opens it (the data key of its
    folder); a plain one as plain. For the raw connections: open_local is how the
    workstation opens it, encrypting a plain one first."""
    state = file_state(path)
    if state is FileState.PLAIN:
        return LocalFile(path, None)
    data_dir = DataDir(path.parent)
    key = _stored_key(path, data_dir) if state is FileState.ENCRYPTED else _new_key(path, data_dir)
    return LocalFile(path, key)


def _encrypted_file(path: Path) -> LocalFile:
    """local_file, with a plain database encrypted first, once.

    Where the computer has no OS keyring to keep the key, a new or plain database stays
    plain (Database.local.encrypted is False, and the window and the command line say so);
    an encrypted one cannot be opened without its key.
    """
    file = local_file(path)
    if file.key is None and file_state(path) is FileState.PLAIN:
        key = _new_key(path, DataDir(path.parent))
        if key is not None:
            _encrypt(path, key)
            return LocalFile(path, key)
    return file


def _new_key(path: Path, data_dir: DataDir) -> bytes | None:
    """The folder's data key, made now if needed; None where there is no OS keyring."""
    # Here, not at the top: the keyring loads only when a database is opened, never for
    # the command line's parser (start-up is measured).
    from agent_desk.data_key import data_key
    from agent_desk.secrets import SecretStoreUnavailable

    try:
        return data_key(data_dir)
    except SecretStoreUnavailable:
        # The caller says so on screen (status bar, standard error): here the log file only.
        log.warning("database %s is not encrypted: no OS keyring", path, extra=FILE_ONLY)
        return None


def _stored_key(path: Path, data_dir: DataDir) -> bytes:
    from agent_desk.data_key import key_was_made, stored_data_key
    from agent_desk.secrets import SecretStoreUnavailable

    try:
        key = stored_data_key(data_dir)
    except SecretStoreUnavailable as exc:
        raise DatabaseUnavailable(
            f"database {path} is encrypted, and no OS keyring is available to give its "
            "key: unlock or install the keyring it was made with"
        ) from exc
    if key is None and not key_was_made(data_dir):
        raise DatabaseUnavailable(
            f"database {path} is damaged or not an agent_desk database (not SQLite, and no "
            "data key was ever made for its folder); restore it from a backup or move it aside"
        )
    if key is None:
        raise DatabaseUnavailable(
            f"database {path} cannot be opened: its key is not in this computer's OS keyring "
            "(it was made under another user or keyring, or is damaged); nothing was changed"
        )
    return key


def _encrypt(path: Path, key: bytes) -> None:
    try:
        if encrypt_plain_file(path, key):
            log.info("database %s encrypted with the data key", path)
    except (driver.Error, OSError) as exc:
        raise DatabaseUnavailable(
            f"database {path} could not be encrypted ({exc}); it is left plain and "
            "unchanged: free disk space or close the other programs using it, then start again"
        ) from exc


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
    if isinstance(error, driver.OperationalError) and "locked" in message:
        return (
            f"database {path} is locked by another program (another agent_desk, "
            "or a backup): close it and try again"
        )
    if "unable to open" in message or "readonly" in message:
        return f"database {path} cannot be opened for writing: {message}"
    return f"database {path} cannot be used: {message}"
