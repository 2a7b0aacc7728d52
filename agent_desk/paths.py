"""Where the workstation keeps its data: one folder, chosen once per process."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "AGENT_DESK_HOME"
APP_NAME = "agent_desk"

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
# Windows has no owner/group/other modes (os.chmod only sets the read-only flag); there the
# user profile's ACLs keep the data folder private, so the helpers below change nothing.
_HAS_MODES = os.name != "nt"


def private_folder(path: Path) -> Path:
    """Create *path* (and missing parents) readable by its owner only, whatever the umask.

    An existing folder is tightened too: it holds patient data. A folder we do not own is
    left as it is (chmod would fail), as the administrator set it up.
    """
    path.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create *path* empty if missing, or keep it, readable and writable by its owner only.

    For files that a library opens itself (SQLite, the call recorder): they keep the mode of
    the file they find, so creating it first is what makes them private.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    _tighten(path, PRIVATE_FILE_MODE)
    return path


def write_atomically(path: Path, data: bytes, temp_prefix: str = ".tmp-") -> None:
    """Replace *path* with *data*, owner-only: a power cut leaves the old file or the new one.

    The temporary file (mkstemp makes it 0600) sits in the same folder; it is removed when
    anything fails, so no half-written file is ever left behind.
    """
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make the rename itself durable. Windows cannot open a folder for this; NTFS journals it."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tighten(path: Path, mode: int) -> None:
    if not _HAS_MODES:
        return
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except PermissionError:
        pass  # not ours: the administrator who made it shared chose so


class DataDirError(RuntimeError):
    """The data folder is missing, not a folder, or not writable; the message says which."""


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "agent_desk.sqlite3"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def recordings(self) -> Path:
        return self.root / "recordings"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def window_lock(self) -> Path:
        return self.root / "window.lock"

    @property
    def sms_gateway_status(self) -> Path:
        """The SMS gateway's last word on its modem, for `sms status` in another process."""
        return self.root / "sms_gateway.json"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    """`--data-dir`, else $AGENT_DESK_HOME, else the platform's user data folder.

    A folder the user named must already exist (an empty one is fine), so that a
    typo never silently starts a second, empty hospital database. The platform
    default is created on first run.
    """
    named = explicit if explicit is not None else os.environ.get(ENV_HOME) or None
    if named is None:
        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        private_folder(root)
    else:
        root = Path(named).expanduser()
        if not root.exists():
            raise DataDirError(f"data directory does not exist: {root}")
        if not root.is_dir():
            raise DataDirError(f"data directory is not a directory: {root}")
    if not os.access(root, os.W_OK | os.X_OK):
        raise DataDirError(f"data directory is not writable: {root}")
    data_dir = DataDir(root.resolve())
    private_folder(data_dir.root)
    private_folder(data_dir.logs)
    return data_dir
