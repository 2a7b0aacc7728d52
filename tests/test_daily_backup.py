"""`backup.daily`: the window makes one backup a day in the background, and says so when not."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QMainWindow

from agent_desk.db.engine import Database
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from agent_desk.ui.background import Background
from agent_desk.ui.daily_backup import DailyBackup
from tests.backup_files import add_filler, small_disk
from tests.executors import Immediate


def daily(window: QMainWindow, db: Database, data_dir: DataDir, today: date) -> DailyBackup:
    settings = Settings(data_dir.settings)
    settings.set("backup.daily", "true")
    settings.set("backup.keep", "2")
    return DailyBackup(
        window, Background(Immediate()), db, data_dir, settings, "nurse1", today=lambda: today
    )


def test_one_backup_a_day_and_the_oldest_beyond_keep_go(
    qtbot, db: Database, data_dir: DataDir
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    daily(window, db, data_dir, date.today()).check()
    daily(window, db, data_dir, date.today()).check()  # already made today
    assert len(list(data_dir.backups.iterdir())) == 1
    assert window.statusBar().currentMessage() == "Daily backup saved."
    for days in (1, 2):
        daily(window, db, data_dir, date.today() + timedelta(days=days)).check()
    assert len(list(data_dir.backups.iterdir())) == 2


def test_a_failed_backup_is_said_in_the_status_bar(qtbot, db: Database, data_dir: DataDir) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    add_filler(data_dir.database, 2)
    with small_disk(data_dir.backups, "1m"):
        daily(window, db, data_dir, date.today()).check()
    message = window.statusBar().currentMessage()
    assert message.startswith("Daily backup failed: ") and "is full" in message
