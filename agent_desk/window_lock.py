"""Whether a workstation window is using a data folder: a lock the operating system holds.

Every window holds a shared lock on DATA/window.lock while it runs; a restore takes it
exclusively, so it is refused while any window runs, and a window cannot start while a
restore replaces the database. The operating system releases the lock when the process
ends, however it ends, so a crashed window never blocks a restore.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from types import TracebackType

from agent_desk.paths import PRIVATE_FILE_MODE


class LockMode(Enum):
    SHARED = "shared"  # a window: several may run on one folder
    EXCLUSIVE = "exclusive"  # a restore: alone


class FolderInUse(RuntimeError):
    """The lock is held by another process in a mode that excludes ours."""


class WindowLock:
    """The lock file of one data folder; `with WindowLock(path, mode):` or acquire()/release()."""

    def __init__(self, path: Path, mode: LockMode) -> None:
        self.path = path
        self.mode = mode
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting; FolderInUse when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            _lock(fd, self.mode)
        except OSError:
            os.close(fd)
            raise FolderInUse(str(self.path)) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None

    def __enter__(self) -> WindowLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int, mode: LockMode) -> None:
        # Windows byte-range locks have no shared mode: there every lock is exclusive, so a
        # second window on the same folder is refused as a restore would be.
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(fd: int, mode: LockMode) -> None:
        kind = fcntl.LOCK_SH if mode is LockMode.SHARED else fcntl.LOCK_EX
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
