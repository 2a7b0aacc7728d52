"""Backup and restore as the window and the command line both do them: where the files go,
how many are kept, the lock that keeps a restore away from a running window, and the audit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from agent_desk.db import audit, audit_restore, sync_local
from agent_desk.db import backup as backups
from agent_desk.db.backup import BackupError, BackupFile, Progress, Restored
from agent_desk.db.engine import Database
from agent_desk.db.open import DatabaseUnavailable, local_file, open_local
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.paths import DataDir, private_folder
from agent_desk.sync.capture import install_capture
from agent_desk.window_lock import FolderInUse, LockMode, WindowLock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupMade:
    path: Path
    pruned: tuple[Path, ...]  # older backups deleted to keep backup.keep


def create_backup(
    db: Database,
    data_dir: DataDir,
    principal: Principal,
    keep: int,
    target: Path | None = None,
    progress: Progress | None = None,
) -> BackupMade:
    """Back up the database while it is in use: to *target*, or to a new timestamped file in
    DATA/backups, where only the newest *keep* are then kept. A backup holds every
    patient's data: only a role allowed to back up may ask for one."""
    principal.require(Permission.BACKUP)
    return _create(db, data_dir, principal.username, keep, target, progress)


def daily_backup(db: Database, data_dir: DataDir, signed_in: str, keep: int) -> BackupMade:
    """The backup the workstation makes by itself once a day (backup.daily, which an
    administrator turned on), whoever is signed in; the audit event names them as present."""
    return _create(db, data_dir, f"daily-backup:{signed_in}", keep, None, None)


def _create(
    db: Database,
    data_dir: DataDir,
    actor: str,
    keep: int,
    target: Path | None,
    progress: Progress | None,
) -> BackupMade:
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


def list_backups(data_dir: DataDir, principal: Principal) -> list[BackupFile]:
    principal.require(Permission.BACKUP)
    return _listed(data_dir)


def _listed(data_dir: DataDir) -> list[BackupFile]:
    return backups.list_backups(data_dir.backups)


def backed_up_on(data_dir: DataDir) -> date | None:
    """The day of the newest backup in DATA/backups, if any."""
    found = _listed(data_dir)
    return found[0].modified.date() if found else None


def restore_backup(data_dir: DataDir, backup: Path, principal: Principal) -> Restored:
    """Replace the database with *backup*, refused while a window has the data folder open."""
    principal.require(Permission.BACKUP)
    actor = principal.username
    lock = WindowLock(data_dir.window_lock, LockMode.EXCLUSIVE)
    try:
        lock.acquire()
    except FolderInUse:
        raise BackupError(
            "the workstation window is open on this data folder: close it, then restore"
        ) from None
    try:
        previous = _chain_end(data_dir.database)
        database = local_file(data_dir.database)  # the key the backup is read with
        restored = backups.restore(backup, database, datetime.now(), name=str(backup))
        db = open_local(data_dir.database)  # upgrades a backup of an older schema
        # Queued for the central server like every other audit event: the server's copy
        # of the chain needs the segment's first event.
        install_capture(db)
        try:
            with db.write() as session:
                # The restored chain ends where the backup did, while the central server
                # may hold its later events: the restore starts a new segment that names
                # both ends (agent_desk.db.audit_restore), so nothing clashes or forks.
                audit_restore.start_segment(
                    session,
                    sync_local.ensure_state(session).client_id,
                    actor,
                    previous,
                    "backup",
                    backup.name,
                    {
                        "path": str(backup),
                        "kept_aside": None
                        if restored.kept_aside is None
                        else str(restored.kept_aside),
                        "revision": restored.revision,
                    },
                )
        finally:
            db.dispose()
    finally:
        lock.release()
    return restored


def _chain_end(database: Path) -> audit_restore.ChainEnd | None:
    """Where the audit chain of the database about to be replaced ends, for the restore's
    link; None when there is none, or it cannot be read (a damaged database is a reason
    to restore: the restore goes on, its link without that end)."""
    if not database.is_file():
        return None
    try:
        db = open_local(database)
        try:
            with db.read() as session:
                state = sync_local.read_state(session)
                return (
                    None if state is None else audit_restore.current_end(session, state.client_id)
                )
        finally:
            db.dispose()
    except (SQLAlchemyError, OSError, DatabaseUnavailable) as exc:
        log.warning("the audit chain of %s could not be read before the restore: %s", database, exc)
        return None
