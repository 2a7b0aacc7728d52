"""The workstation's first steps before its window, on a thread of their own: the data
folder's window lock, the database (its key from the OS keyring) and, when the command
line names the user, the login and the worklist's first reads.

They wait mostly outside Python (the keyring's look-up, SQLite, the password hash, which
takes a tenth of a second by design), so they run while the GUI thread loads Qt and the
window's modules: `agent-desk run` starts them before that import, the window takes the
result (`Opened.result()`), and says any failure in its own way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.domain.views import StaffView
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountService
from agent_desk.services.worklist import WorklistService
from agent_desk.window_lock import LockMode, WindowLock

log = logging.getLogger(__name__)

# What `agent-desk run --quit-when-ready` prints on standard output once the window is
# usable (shown, logged in, its phone lines listening, its event loop turning): an install
# check, and the start-up benchmark, time the start to this line, not to the exit.
READY_LINE = "agent-desk: ready"


@dataclass
class Opened:
    """What the thread left: the lock (held), the database, and the user when logged in
    (None with no user named, or a wrong password), with the user's worklist and its first
    reads made. An exception the thread met (the folder in use, the database unavailable,
    the account locked) is raised by result()."""

    lock: WindowLock
    db: Database | None = None
    accounts: AccountService | None = None
    user: StaffView | None = None
    worklist: WorklistService | None = None


class OpenWorkstation:
    """*synced*: a central server is set up, so the outbox's capture goes on before the
    login, whose audit event must go up with the rest (the central audit chain has no
    gap, and a first sync does not find a row that never went through the outbox).
    *worklist_page*: the worklist's page size, for its first reads (none when 0), which
    are *today*'s, as the window's are."""

    def __init__(
        self,
        data_dir: DataDir,
        user: str | None,
        password: str | None,
        *,
        synced: bool = False,
        worklist_page: int = 0,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._opened = Opened(WindowLock(data_dir.window_lock, LockMode.SHARED))
        self._error: BaseException | None = None
        self._worklist_page = worklist_page
        self._today = today
        self._thread = threading.Thread(
            target=self._run,
            args=(data_dir.database, user, password, synced),
            name="open-workstation",
        )
        self._thread.start()

    def _run(self, database: Path, user: str | None, password: str | None, synced: bool) -> None:
        opened = self._opened
        try:
            # Held until the process ends: a restore is refused while the window runs.
            opened.lock.acquire()
            opened.db = open_local(database)
            if synced:
                from agent_desk.sync.capture import install_capture

                install_capture(opened.db)
            opened.accounts = AccountService(opened.db)
            if user is not None:
                opened.user = opened.accounts.login(user, password or "")
        except BaseException as exc:  # handed to the GUI thread, which says it
            self._error = exc
            return
        if opened.user is not None and self._worklist_page:
            self._read_ahead(opened.db, opened.user)

    def _read_ahead(self, db: Database, user: StaffView) -> None:
        worklist = WorklistService(db, user.principal)
        try:
            worklist.read_ahead(self._today(), self._worklist_page)
        except Exception:  # only slower: the window reads them itself
            log.exception("the worklist's first reads failed")
            return
        self._opened.worklist = worklist

    def result(self) -> Opened:
        """Wait for the thread; raises what it raised (the lock is then released by the
        caller's release(), as for a successful start)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._opened

    def release(self) -> None:
        self._thread.join()
        self._opened.lock.release()
