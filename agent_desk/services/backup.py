"""Backup and restore as the window and the command line both do them: where the files go,
how many are kept, the lock that keeps a restore away from a running window, and the audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from agent_desk.db import audit
from agent_desk.db import backup as backups
from agent_desk.db.backup import BackupError, BackupFile, Progress, Restored
from agent_desk.db.engine import Database
from agent_desk.db.open import local_file, open_local
from agent_desk.domain.enums import AuditAction
from agent_desk.paths import DataDir, private_folder
from agent_desk.window_lock import FolderInUse, LockMode, WindowLock


@dataclass(frozen=True)
class BackupMade:
    path: Path
    pruned: tuple[Path, ...]  # older backups deleted to keep backup.keep


def create_backup(
    db: Database,
    data_dir: DataDir,
    actor: str,
    keep: int,
    target: Path | None = None,
    progress: Progress | None = None,
) -> BackupMade:
    """Back up the database while it is in use: to *target*, or to a new timestamped file in
    DATA/backups, where only the newest *keep* are then kept."""
    if target is None:
        folder = private_folder(data_dir.backups)
        path = backups.new_backup_path(folder, datetime.now())
    else:
        path = target
        if not path.parent.is_dir():
            raise BackupError(f"folder does not exist: {path.parent}")
    backups.create(db.local or local_file(data_dir.database), path, progress)
    pruned = tuple(backups.prune(data_dir.backups, keep)) if target is None else ()
    with db.write() as session:
        audit.record(session, actor, AuditAction.BACKUP, "backup", path.name, path=str(path))
    return BackupMade(path, pruned)


def list_backups(data_dir: DataDir) -> list[BackupFile]:
    return backups.list_backups(data_dir.backups)


def backed_up_on(data_dir: DataDir) -> date | None:
    """The day of the newest backup in DATA/backups, if any."""
    found = list_backups(data_dir)
    return found[0].modified.date() if found else None


def restore_backup(data_dir: DataDir, backup: Path, actor: str) -> Restored:
    """Replace the database with *backup*, refused while a window has the data folder open."""
    lock = WindowLock(data_dir.window_lock, LockMode.EXCLUSIVE)
    try:
        lock.acquire()
    except FolderInUse:
        raise BackupError(
            "the workstation window is open on this data folder: close it, then restore"
        ) from None
    try:
        database = local_file(data_dir.database)  # the key the backup is read with
        restored = backups.restore(backup, database, datetime.now(), name=str(backup))
        db = open_local(data_dir.database)  # upgrades a backup of an older schema
        try:
            with db.write() as session:
                audit.record(
                    session,
                    actor,
                    AuditAction.RESTORE,
                    "backup",
                    backup.name,
                    path=str(backup),
                    kept_aside=None if restored.kept_aside is None else str(restored.kept_aside),
                    revision=restored.revision,
                )
        finally:
            db.dispose()
    finally:
        lock.release()
    return restored
