"""The composition root: settings, database, services and windows are built and wired here."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from agent_desk import __version__
from agent_desk.db.engine import Database
from agent_desk.db.open import DatabaseUnavailable
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.views import StaffView
from agent_desk.errors import UserError
from agent_desk.forms import DraftStore, default_library
from agent_desk.logs import LOG_NAME
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountLocked
from agent_desk.services.alerts import AlertService
from agent_desk.services.audit_log import AuditLogService
from agent_desk.services.followup import FollowupService
from agent_desk.services.knowledge import KnowledgeService
from agent_desk.services.patients import PatientService
from agent_desk.services.recording_store import RecordingStore, open_store
from agent_desk.services.recordings import RecordingLibrary
from agent_desk.services.settings_change import SettingsService
from agent_desk.services.tickets import TicketService
from agent_desk.services.todo import TodoService, default_sources
from agent_desk.services.worklist import WorklistService
from agent_desk.services.workstation_open import READY_LINE, Opened, OpenWorkstation
from agent_desk.settings import Settings
from agent_desk.ui import excepthook
from agent_desk.ui.appointment_actions import AppointmentTools
from agent_desk.ui.appointment_actions import install as install_appointments
from agent_desk.ui.background import Background
from agent_desk.ui.daily_backup import DailyBackup
from agent_desk.ui.desk_aids import attach_knowledge, attach_todos
from agent_desk.ui.followup_panel import AUTOSAVE_MS, FollowupPanel
from agent_desk.ui.i18n import install_translators
from agent_desk.ui.interpreter import settle_after_start
from agent_desk.ui.login_dialog import LoginDialog
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.qt_messages import log_qt_messages
from agent_desk.ui.quit_signals import QuitOnSignals
from agent_desk.ui.sms_status import attach_sms
from agent_desk.ui.sync_setup import prepare_sync
from agent_desk.ui.sync_status import SyncHub
from agent_desk.ui.telephony_setup import begin_telephony, finish_telephony
from agent_desk.ui.window_tickets import WindowTickets
from agent_desk.window_lock import FolderInUse

if TYPE_CHECKING:
    from agent_desk.services.sms import SmsService
    from agent_desk.services.statistics import StatisticsService

log = logging.getLogger(__name__)

WARM_UP_DELAY_MS = 500


def build_main_window(
    db: Database,
    settings: Settings,
    user: StaffView,
    sync: SyncHub | None = None,
    autosave_ms: int = AUTOSAVE_MS,
    background: Background | None = None,
    recordings: RecordingStore | None = None,
    today: Callable[[], date] = date.today,
    worklist: WorklistService | None = None,
) -> MainWindow:
    """*worklist*: the user's, when its first reads were made ahead (OpenWorkstation)."""
    language = "en" if settings.get("ui.language") == "en" else "zh"
    drafts = DraftStore(settings.path.parent / "drafts")
    drafts.remove_stale_temp_files()  # half-written temp files of a crash; drafts stay
    # With a shared work queue, attempts on leased tasks are finished through it.
    service = FollowupService(
        db,
        held=sync.queue if sync is not None else None,
        thresholds=_recovery_thresholds(settings.path.parent),
    )
    alerts = AlertService(db)
    followup = FollowupPanel(
        service,
        drafts,
        default_library(),
        user.id,
        language,
        autosave_ms,
        hospital_name=settings.get("hospital.name"),
        alerts=alerts,
        principal=user.principal,
    )
    window = MainWindow(
        user,
        PatientService(db, settings.phone_plan, PhoneIndex(db)),
        worklist or WorklistService(db, user.principal),
        settings,
        SettingsService(db, settings),
        followup,
        background=background,
        audit_log=AuditLogService(db),
        alerts=alerts,
        recordings=None
        if recordings is None
        else RecordingLibrary(db, recordings, user.principal, user.username),
        statistics=lambda: _statistics(db, settings),
        today=today,
    )
    tickets = TicketService(db, office=lambda: str(settings.get("tickets.office")))
    window.tickets_ui = WindowTickets(window, tickets, settings)
    tools = AppointmentTools.build(db, settings, window)
    if tools is not None:
        install_appointments(window, tools)
    if sync is not None:
        window.attach_sync(sync)
    window.knowledge = attach_knowledge(window, KnowledgeService(db), window.background)
    todo_sources = default_sources(db, alerts, lambda: _sms_service(db, settings))
    todos = TodoService(todo_sources, today)
    window.todos = attach_todos(window, todos, alerts, window.background)
    if db.local is not None and not db.local.encrypted:
        window.show_not_encrypted()
    return window


# The screens and services the first window does not show are made when first used: their
# modules (the statistics' queries, SMS with its modem library) load then, not at start-up.


def _statistics(db: Database, settings: Settings) -> StatisticsService:
    from agent_desk.services.statistics import StatisticsService
    from agent_desk.services.statistics_source import central_figures

    return StatisticsService(db, central=central_figures(settings))


def _sms_service(db: Database, settings: Settings) -> SmsService:
    from agent_desk.services.sms import SmsService

    return SmsService(db, settings)


def _recovery_thresholds(data_root: Path) -> Callable[[str], float | None]:
    """Each plan's recoveryThreshold, the plans read when a form is first submitted (the
    import's modules load then); plans that do not load (the import reports them) open no
    red flags for low scores."""
    loaded: list[Callable[[str], float | None]] = []

    def threshold(plan: str) -> float | None:
        if not loaded:
            from agent_desk.services.intake import load_plan_set

            try:
                loaded.append(load_plan_set(data_root).recovery_threshold)
            except UserError as exc:
                log.warning("plans not loaded, no recovery thresholds: %s", exc)
                loaded.append(lambda _plan: None)
        return loaded[0](plan)

    return threshold


def _say_ready_and_quit(app: QApplication) -> None:
    """Run by the event loop's first turn: the window is usable from here on; what follows
    (the lines and threads shut down, the database put away) is the exit."""
    print(READY_LINE, flush=True)
    app.quit()


def run_workstation(
    data_dir: DataDir,
    settings: Settings,
    opening: OpenWorkstation,
    *,
    user: str | None = None,
    quit_when_ready: bool = False,
) -> int:
    """The window, once *opening* (started before Qt was loaded) has the lock, the database
    and, for *user* named on the command line, the login."""
    log_qt_messages()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("agent_desk")
    app.setApplicationVersion(__version__)
    translators = install_translators(app, settings.get("ui.language"))
    excepthook.install(data_dir.logs / LOG_NAME)
    # SIGTERM/SIGINT/SIGHUP leave the event loop, so that the clean-up below runs.
    quit_on_signals = QuitOnSignals(app.quit)
    try:
        return _run(app, data_dir, settings, opening, user, quit_when_ready)
    finally:
        quit_on_signals.uninstall()
        opening.release()
        del translators  # kept alive until here: Qt does not own them


def _run(
    app: QApplication,
    data_dir: DataDir,
    settings: Settings,
    opening: OpenWorkstation,
    user: str | None,
    quit_when_ready: bool,
) -> int:
    try:
        opened = opening.result()
    except FolderInUse:
        message = app.translate("App", "A backup is being restored into this data folder.")
        print(f"agent-desk: {message}", file=sys.stderr)
        if user is None:
            QMessageBox.critical(None, app.translate("App", "Cannot open the database"), message)
        return 1
    except DatabaseUnavailable as exc:
        print(f"agent-desk: {exc}", file=sys.stderr)
        if user is None:  # someone is at the screen; an unattended station has only the log
            QMessageBox.critical(None, app.translate("App", "Cannot open the database"), str(exc))
        return 1
    except AccountLocked as locked:
        print(f"agent-desk: {locked}", file=sys.stderr)
        return 1
    return _run_opened(app, data_dir, settings, opened, user, quit_when_ready)


def _run_opened(
    app: QApplication,
    data_dir: DataDir,
    settings: Settings,
    opened: Opened,
    user: str | None,
    quit_when_ready: bool,
) -> int:
    db, accounts = opened.db, opened.accounts
    assert db is not None and accounts is not None
    if user is not None:
        if opened.user is None:
            print(f"agent-desk: wrong user name or password for {user!r}", file=sys.stderr)
            return 1
        staff = opened.user
    else:
        dialog = LoginDialog(accounts)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.user is None:
            return 0
        staff = dialog.user
    # Before the window: from the first edit on, changes are captured for the server.
    recordings = open_store(db, data_dir, settings)
    sync, sync_warning = prepare_sync(db, settings, data_dir, staff, recordings)
    # The SIP line comes up on its own thread while the window is built.
    starting = begin_telephony(settings, data_dir, staff)
    # The window's first reads in the background (the to-do list...) wait until it is up
    # and its lines listen: until then the GUI thread's own steps come first.
    background = Background()
    background.hold()
    try:
        window = build_main_window(
            db,
            settings,
            staff,
            sync,
            background=background,
            recordings=recordings,
            worklist=opened.worklist,  # read ahead only for a user named on the command line
        )
    except BaseException:
        if starting is not None:
            starting.abandon()
        raise
    window.show()
    telephony = (
        None
        if starting is None
        else finish_telephony(starting, window, db, settings, staff, recordings)
    )
    background.release()
    if sync is not None:
        sync.start()
    if sync_warning is not None:
        QMessageBox.warning(window, app.translate("App", "Central server"), sync_warning)
    if settings.problems:
        # Not modal: the window works on the defaults meanwhile, and an unattended station
        # (already told on standard error and in the log) is not held up by the dialog.
        settings_box = QMessageBox(
            QMessageBox.Icon.Warning,
            app.translate("App", "Settings"),
            app.translate("App", "Some settings could not be used; the defaults are used instead."),
            parent=window,
        )
        settings_box.setInformativeText("\n\n".join(settings.problems))
        settings_box.open()
    sms = attach_sms(window, db, settings, data_dir, staff.principal, background)
    DailyBackup(window, background, db, data_dir, settings, staff.username).start()

    def leave_session() -> None:
        if telephony is not None:
            telephony.stop()
        app.quit()

    if sys.platform == "win32":
        # Windows asks (WM_QUERYENDSESSION) only when the user logs off or shuts down, and
        # may end the process soon after we answer: hang up and un-register now. X11
        # session managers also ask for mere checkpoints, and end a session with SIGTERM
        # or SIGHUP, which QuitOnSignals handles.
        app.commitDataRequest.connect(lambda _manager: leave_session())
    # Once the window is up, off the GUI thread: warm before the first call comes in.
    QTimer.singleShot(
        WARM_UP_DELAY_MS,
        lambda: background.run(
            window,
            window.patients.warm_up,
            lambda _done: log.info("phone lookup and card warmed up"),
            # Only slower: the first call reads from the disk what the warm-up would have.
            lambda error: log.warning("phone lookup and card warm-up failed: %s", error),
        ),
    )
    if telephony is not None:  # the ring tone: on this thread, as Qt's widgets and sounds are
        QTimer.singleShot(WARM_UP_DELAY_MS, telephony.controller.warm_up)
    settle_after_start()
    log.info("workstation ready for %s", staff.username)
    if quit_when_ready:
        QTimer.singleShot(0, lambda: _say_ready_and_quit(app))
    try:
        return app.exec()
    finally:
        if telephony is not None:
            telephony.stop()
        if sms is not None:
            sms.stop()
        background.shutdown()
        accounts.logout(staff)
        if sync is not None:
            sync.stop()
        db.dispose()
