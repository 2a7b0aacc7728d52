"""The daily backup (`backup.daily`): made in the background while the window is open.

Checked soon after the window opens and then every hour: when no backup in DATA/backups was
made today, one is made off the GUI thread, and the oldest beyond `backup.keep` go. A failure
(a full disk, most likely) is said in the status bar and the log; earlier backups stay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow

from agent_desk.db.engine import Database
from agent_desk.paths import DataDir
from agent_desk.services.backup import BackupMade, backed_up_on, daily_backup
from agent_desk.settings import Settings
from agent_desk.ui.background import Background

log = logging.getLogger(__name__)

FIRST_CHECK_MS = 60_000  # after the start-up work, not competing with the first call
CHECK_EVERY_MS = 60 * 60 * 1000


class DailyBackup(QObject):
    def __init__(
        self,
        window: QMainWindow,
        background: Background,
        db: Database,
        data_dir: DataDir,
        settings: Settings,
        actor: str,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._background = background
        self._db = db
        self._data_dir = data_dir
        self._settings = settings
        self._actor = actor
        self._today = today
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        if not self._settings.get("backup.daily"):
            return
        QTimer.singleShot(FIRST_CHECK_MS, self, self.check)
        self._timer.start()

    def check(self) -> None:
        """Make today's backup unless it is made or under way."""
        if self._running or backed_up_on(self._data_dir) == self._today():
            return
        self._running = True
        keep = self._settings.get("backup.keep")
        self._background.run(
            self._window,
            lambda: daily_backup(self._db, self._data_dir, self._actor, keep),
            self._made,
            self._failed,
        )

    def _made(self, made: BackupMade) -> None:
        self._running = False
        log.info("daily backup written to %s; %d old ones deleted", made.path, len(made.pruned))
        self._window.statusBar().showMessage(self.tr("Daily backup saved."), 8000)

    def _failed(self, error: Exception) -> None:
        self._running = False
        log.error("daily backup failed: %s", error)
        # Stays until the next message: a failed backup must not go unseen.
        self._window.statusBar().showMessage(
            self.tr("Daily backup failed: %1").replace("%1", str(error))
        )
