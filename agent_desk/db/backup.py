"""Backups of the workstation's SQLite database: made online, checked, and restored whole.

A backup is encrypted with the database's own key (the workstation's data key, in the OS
keyring): a copy carried off the computer is unreadable, and a backup restores where the
key is, on the workstation (and user account) that made it. A plain database (no OS
keyring) gives plain backups; a plain backup from before encryption still restores, and is
encrypted when the workstation next opens it.

A backup is written to a temporary file beside its final name and renamed only once it is
complete, on disk and checked: a process killed half way leaves the previous backup as it
was, and the half file keeps a hidden name that no listing offers. A restore checks the
file before anything is touched and keeps the current database aside, so it can be undone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agent_desk.db.migrate import SCHEMA_HEAD, knows_revision
from agent_desk.db.sqlcipher import FileState, LocalFile, driver, file_state
from agent_desk.errors import UserError
from agent_desk.paths import fsync_folder

BACKUP_SUFFIX = ".sqlite3"
_NAME_PREFIX = "agent_desk-"
_TEMP_PREFIX = ".backup-"
_RESTORE_PREFIX = ".restore-"
# 4 MiB of 4 KiB pages per step: the progress moves, and each step is short.
PAGES_PER_STEP = 1024
HALF_FILE_STALE_S = 24 * 60 * 60
_DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}

Progress = Callable[[int, int], None]  # pages copied, pages in all


class BackupError(UserError):
    """A backup or a restore that cannot be done; str() is one line for the user."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    modified: datetime


@dataclass(frozen=True)
class Restored:
    kept_aside: Path | None  # the database that was replaced; None when there was none
    revision: str  # the schema revision of the backup, upgraded at the next start if older


def new_backup_path(folder: Path, now: datetime) -> Path:
    """A timestamped name in *folder* that no earlier backup holds."""
    stem = f"{_NAME_PREFIX}{now:%Y%m%d-%H%M%S}"
    path, serial = folder / f"{stem}{BACKUP_SUFFIX}", 1
    while path.exists():
        serial += 1
        path = folder / f"{stem}-{serial}{BACKUP_SUFFIX}"
    return path


def create(database: LocalFile, target: Path, progress: Progress | None = None) -> None:
    """Copy *database* to *target*, under the same key, while other connections go on
    writing to it.

    The copy is of one moment (a single read snapshot), written to a hidden temporary file
    in target's folder, checked with quick_check, flushed to disk, then renamed to *target*.
    """
    if not database.path.is_file():
        raise BackupError(f"there is no database to back up at {database.path}")
    if target.resolve() == database.path.resolve():
        raise BackupError(f"a backup cannot replace the database it copies: {target}")
    _remove_half_files(target.parent)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX, suffix=".tmp")
    os.close(fd)  # mkstemp made it 0600: SQLite keeps the mode of the file it finds
    temp = Path(temp_name)
    try:
        _copy_online(database, database.beside(temp), progress)
        _check(database.beside(temp), "quick_check", what=f"the backup written to {target}")
        _fsync_file(temp)
        os.replace(temp, target)
    except BaseException as exc:
        _remove_with_sidecars(temp)
        if _disk_full(exc):
            raise BackupError(
                f"the disk holding {target.parent} is full: no backup was made, "
                "and the earlier backups are kept"
            ) from exc
        if isinstance(exc, driver.Error | OSError):
            raise BackupError(f"the backup to {target} failed: {_reason(exc)}") from exc
        raise
    fsync_folder(target.parent)


def _remove_half_files(folder: Path) -> None:
    """Temporary files of backups killed half way. A backup under way writes to its file
    all the time, so one untouched for a day is no longer anybody's."""
    stale_before = time.time() - HALF_FILE_STALE_S
    for path in folder.glob(f"{_TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < stale_before:
                _remove_with_sidecars(path)


def _copy_online(database: LocalFile, temp: LocalFile, progress: Progress | None) -> None:
    source = database.connect()
    try:
        # One read transaction around every step: the steps all copy the same snapshot, so
        # another connection's writes never make the backup start over. The database is in
        # WAL mode, where a reader does not hold writers back.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Keyed like the source: the backup API copies through both page caches, so
        # SQLCipher decrypts each page and encrypts it again under the target's key.
        target = temp.connect(create=True)
        try:
            source.backup(
                target,
                pages=PAGES_PER_STEP,
                progress=None
                if progress is None
                else lambda _status, remaining, total: progress(total - remaining, total),
            )
            # The copy stands alone: no -wal file is needed beside it to read it.
            target.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            target.close()
        source.execute("ROLLBACK")
    finally:
        source.close()


def verify(file: LocalFile) -> str:
    """The schema revision of the agent_desk database *file*, after checking it whole.

    BackupError when the file is damaged, is not an agent_desk database, or was written by
    a newer agent_desk than this one.
    """
    path = file.path
    _check(file, "integrity_check", what=str(path))
    connection = file.connect()
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except driver.Error:
        row = None
    finally:
        connection.close()
    if row is None:
        raise BackupError(f"{path} is not an agent_desk database")
    revision = str(row[0])
    if not knows_revision(revision):
        raise BackupError(
            f"{path} was written by a newer agent_desk (schema {revision}, this one knows up "
            f"to {SCHEMA_HEAD}): restore it with that version"
        )
    return revision


def restore(backup: Path, database: LocalFile, now: datetime, name: str | None = None) -> Restored:
    """Replace *database* with a checked copy of *backup*; the current one is kept aside.

    An encrypted backup is read with *database*'s key; a plain one (made before the
    database was encrypted) as it is.

    *name* is how the backup is called in messages (the path the user typed). The caller
    makes sure no workstation has the database open (see agent_desk.window_lock).
    """
    name = name or str(backup)
    if not backup.is_file():
        raise BackupError(f"no backup file at {name}")
    copy_key = None if file_state(backup) is FileState.PLAIN else database.key
    if copy_key is None and file_state(backup) is FileState.ENCRYPTED:
        # Not a plain SQLite file: an encrypted backup, or no database at all.
        raise BackupError(
            f"{name} is not a plain database: it is an encrypted backup, which this "
            "workstation cannot read without an OS keyring, or not a backup at all"
        )
    fd, temp_name = tempfile.mkstemp(
        dir=database.path.parent, prefix=_RESTORE_PREFIX, suffix=".tmp"
    )
    os.close(fd)
    temp = Path(temp_name)
    try:
        # Checked as the copy that will be used, so the backup itself is only ever read.
        shutil.copyfile(backup, temp)
        _fsync_file(temp)
        try:
            revision = verify(LocalFile(temp, copy_key))
        except BackupError as exc:
            raise BackupError(str(exc).replace(str(temp), name)) from None
        kept_aside = _keep_aside(database, now)
        os.replace(temp, database.path)
    except BaseException as exc:
        _remove_with_sidecars(temp)
        if isinstance(exc, OSError):
            raise BackupError(f"the restore of {name} failed: {_reason(exc)}") from exc
        raise
    fsync_folder(database.path.parent)
    return Restored(kept_aside, revision)


def _keep_aside(file: LocalFile, now: datetime) -> Path | None:
    """Fold the WAL into *database*, then give it a second, timestamped name.

    A hard link costs nothing and keeps the file whole whatever happens next: the rename of
    the restored copy over *database* is atomic, so a crash leaves one database or the other.
    """
    database = file.path
    if not database.exists():
        return None
    connection = file.connect()
    try:
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except driver.Error as exc:
        raise BackupError(f"the current database {database} cannot be read: {exc}") from exc
    finally:
        connection.close()
    wal, shm = _sidecars(database)
    if busy or (wal.exists() and wal.stat().st_size > 0):
        raise BackupError(
            f"the database {database} is in use by another program: close it, then restore"
        )
    aside = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    serial = 1
    while aside.exists():
        serial += 1
        aside = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}-{serial}")
    try:
        os.link(database, aside)
    except OSError:  # a file system without hard links: a full copy instead
        shutil.copy2(database, aside)
        _fsync_file(aside)
    # Empty now (the checkpoint emptied the WAL); left behind, they would be taken for the
    # restored database's own.
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)
    return aside


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in *folder*, newest first; half-written temporary files are not listed."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.suffix != BACKUP_SUFFIX or not path.is_file():
            continue
        stat = path.stat()
        found.append(BackupFile(path, stat.st_size, datetime.fromtimestamp(stat.st_mtime)))
    return sorted(found, key=lambda f: (f.modified, f.path.name), reverse=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest timestamped backups beyond the newest *keep*; return them."""
    ours = [f for f in list_backups(folder) if f.path.name.startswith(_NAME_PREFIX)]
    removed = []
    for old in ours[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def _check(file: LocalFile, pragma: str, what: str) -> None:
    try:
        connection = file.connect()  # never creates: a missing file is an error
        try:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            connection.close()
    except driver.DatabaseError as exc:
        if _disk_full(exc):
            raise
        if file.encrypted and "not a database" in str(exc):
            raise BackupError(
                f"{what} cannot be read with this workstation's data key: it is damaged, "
                "not a database, or a backup made on another workstation or user account"
            ) from exc
        raise BackupError(f"{what} is damaged or not a database ({exc})") from exc
    if [tuple(row) for row in rows] != [("ok",)]:
        # SQLite may list every damaged page, in one row or many: the first says enough.
        problems = [line for row in rows for line in str(row[0]).splitlines() if line.strip()]
        more = f", and {len(problems) - 1} more problems" if len(problems) > 1 else ""
        first = problems[0] if problems else "no answer"
        raise BackupError(f"{what} is damaged ({pragma}: {first}{more})")


def _sidecars(database: Path) -> tuple[Path, Path]:
    return database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")


def _remove_with_sidecars(path: Path) -> None:
    for leftover in (path, *_sidecars(path), path.with_name(path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, driver.Error):
        return getattr(exc, "sqlite_errorcode", None) == driver.SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
