"""The workstation window: search on top, today's worklist on the left, the card on the right."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from agent_desk.db.worklist import WorklistFilter
from agent_desk.domain.enums import UnmaskReason, WorklistView
from agent_desk.domain.masking import Identifier
from agent_desk.domain.permissions import Permission, PermissionDenied
from agent_desk.domain.views import PatientCard, PatientHit, StaffView
from agent_desk.services.alerts import AlertService
from agent_desk.services.audit_log import AuditLogService
from agent_desk.services.patients import PatientService, SearchProblem
from agent_desk.services.recordings import RecordingLibrary
from agent_desk.services.settings_change import SettingsService
from agent_desk.services.worklist import WorklistService
from agent_desk.settings import Settings
from agent_desk.sync.state import SyncStatus
from agent_desk.ui.alerts_dialog import AlertsDialog
from agent_desk.ui.audit_log_view import AuditLogDialog
from agent_desk.ui.background import Background
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.call_panel import CallPanel
from agent_desk.ui.followup_panel import FollowupPanel
from agent_desk.ui.labels import label
from agent_desk.ui.patient_card import PatientCardView
from agent_desk.ui.patient_chooser import PatientChooser
from agent_desk.ui.qt_messages import loading_qt_library
from agent_desk.ui.sip_status import SipLineStatus
from agent_desk.ui.sync_status import SyncHub, SyncStatusLabel, refusal_text
from agent_desk.ui.unmask_dialog import UnmaskReasonDialog
from agent_desk.ui.window_menus import build_menus
from agent_desk.ui.worklist_model import WorklistModel
from agent_desk.ui.worklist_pane import WorklistFilterBar, WorklistTable

if TYPE_CHECKING:  # Qt Multimedia loads when the screen first opens, not at start-up
    from agent_desk.services.statistics import StatisticsService
    from agent_desk.sync.call_check import CallRefused
    from agent_desk.ui.desk_aids import KnowledgeAids, TodoAids
    from agent_desk.ui.recordings_view import RecordingsDialog
    from agent_desk.ui.statistics_view import StatisticsDialog
    from agent_desk.ui.window_tickets import WindowTickets

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        user: StaffView,
        patients: PatientService,
        worklist: WorklistService,
        settings: Settings,
        setting_changes: SettingsService,
        followup: FollowupPanel,
        today: Callable[[], date] = date.today,
        background: Background | None = None,
        audit_log: AuditLogService | None = None,
        alerts: AlertService | None = None,
        parent: Any = None,
        recordings: RecordingLibrary | None = None,
        statistics: Callable[[], StatisticsService] | None = None,  # made when first opened
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.statistics = statistics
        self._statistics_service: StatisticsService | None = None
        self.audit_log = audit_log
        self.recordings = recordings
        self.patients = patients
        self._worklist = worklist
        self._settings = settings
        # The one way the window saves a setting: checked (MANAGE_SETTINGS) and audited.
        self.setting_changes = setting_changes
        self._today = today
        self.followup = followup
        self.alerts = alerts
        self.calls: CallController | None = None
        self.tickets_ui: WindowTickets | None = None  # set by the composition root
        self.appointment_tools: Any = None  # ui.appointment_actions, when installed
        self.callbacks_label: Any = None
        self.sync: SyncHub | None = None
        self.knowledge: KnowledgeAids | None = None  # F1 and the related articles
        self.todos: TodoAids | None = None  # the to-do list, its count and tray icon
        self.background = background or Background()
        self._claiming: tuple[uuid.UUID, uuid.UUID] | None = None  # (patient, task) asked
        self.setWindowTitle(self.tr("Follow-up workstation"))
        self._fit_to_screen(1360, 820)
        self.model = WorklistModel(worklist, int(settings.get("worklist.page_size")), self)
        self._build_toolbar()
        self._build_body()
        menus = build_menus(self, settings)
        self.call_menu, self.call_action = menus.call_menu, menus.call_action
        self.dnd_action, self.auto_answer_action = menus.dnd_action, menus.auto_answer_action
        self._build_status()
        self.reload_worklist()

    # --- layout ------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        # The departments in the user's scope; one alone is fixed (the service keeps to
        # the scope whatever is chosen here).
        departments = self._worklist.departments()
        only = self._worklist.fixed_department(departments)
        self.filter_bar = WorklistFilterBar(
            departments if only is None else [],
            None if only is None else (only.id, only.name),
            self,
        )
        self.addToolBar(self.filter_bar)
        self.search_box = self.filter_bar.search_box
        self.view_combo = self.filter_bar.view_combo
        self.department_combo = self.filter_bar.department_combo
        self.search_box.returnPressed.connect(self.run_search)
        # An administrator who is not also a supervisor sees no patient (the services
        # refuse, and the worklist is empty): nothing to search with.
        self.search_box.setEnabled(self.user.principal.may(Permission.FIND_PATIENT))
        self.view_combo.currentIndexChanged.connect(self.reload_worklist)
        self.department_combo.currentIndexChanged.connect(self.reload_worklist)

    def _build_body(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = WorklistTable(self.model)
        self.table.patient_chosen.connect(self.open_patient)
        splitter.addWidget(self.table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.call_panel = CallPanel()
        right_layout.addWidget(self.call_panel)
        self.card = PatientCardView(language=self.followup.language)
        self.card.may_unmask = self.user.principal.may(Permission.UNMASK)
        self.card.unmask_requested.connect(self._unmask)
        self.card.recording_requested.connect(self.open_recordings)
        right_layout.addWidget(self.card, 1)
        self.card.tabs.addTab(self.followup, self.tr("Follow-up form"))
        self.card.tabs.currentChanged.connect(
            lambda _index: self.card.set_compact(self.card.tabs.currentWidget() is self.followup)
        )
        self.card.card_shown.connect(self._open_form_after_paint)
        self.card.card_shown.connect(lambda card: self.table.highlight_patient(card.id))
        self.card.task_selected.connect(self._on_task_selected)
        self.card.cleared.connect(self.followup.close_form)
        self.followup.submitted.connect(self._after_submit)
        self.followup.drafts_changed.connect(self._show_drafts)
        splitter.addWidget(right)
        splitter.setSizes([760, 600])
        self.setCentralWidget(splitter)

    def _build_status(self) -> None:
        roles = "、".join(label(role) for role in self.user.roles)  # an admin may supervise too
        who = f"{self.user.display_name} · {roles}"
        if self.user.department_name:
            who += f" · {self.user.department_name}"
        self.user_label = QLabel(who)
        self.count_label = QLabel()
        # A flat button: a click on the count opens the alerts screen.
        self.alert_label = QPushButton()
        self.alert_label.setFlat(True)
        self.alert_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.alert_label.setStyleSheet("QPushButton { color: #b3261e; font-weight: bold; }")
        self.alert_label.clicked.connect(self.open_alerts)
        self.statusBar().addPermanentWidget(self.alert_label)
        self.reminder_label = QLabel()
        self.reminder_label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; }")
        self.statusBar().addPermanentWidget(self.reminder_label)
        self.drafts_label = QLabel()
        self.drafts_label.setStyleSheet("QLabel { color: #8a5a00; font-weight: bold; }")
        self.statusBar().addPermanentWidget(self.drafts_label)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.user_label)

    def show_not_encrypted(self) -> None:
        """The database stays plain where there is no OS keyring to keep its key: said for
        as long as the window runs, as a missing keyring is said for passwords."""
        self.not_encrypted_label = QLabel(self.tr("Database not encrypted: no OS keyring"))
        self.not_encrypted_label.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }")
        self.not_encrypted_label.setToolTip(
            self.tr(
                "Patient data is stored unencrypted on this computer. Install and unlock an "
                "OS keyring (Windows Credential Manager, GNOME Keyring or KWallet), then "
                "restart: the database is encrypted at the next start."
            )
        )
        self.statusBar().insertPermanentWidget(0, self.not_encrypted_label)

    # --- behaviour ---------------------------------------------------------------------

    def current_filter(self) -> WorklistFilter:
        return self.filter_bar.current_filter(self._today())

    def reload_worklist(self) -> None:
        flt = self.current_filter()
        self.model.set_filter(flt)
        self.count_label.setText(self.tr("%1 tasks").replace("%1", f"{self.model.total:,}"))
        self._show_drafts()
        self._highlight_card_row()
        self._show_alerts()
        tomorrow = self._worklist.count(replace(flt, view=WorklistView.TOMORROW))
        self.reminder_label.setText(
            self.tr("Due tomorrow: %1").replace("%1", f"{tomorrow:,}") if tomorrow else ""
        )

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def run_search(self) -> None:
        text = self.search_box.text()
        principal = self.user.principal
        if not principal.may(Permission.FIND_PATIENT):
            return  # the box is disabled for such a role (an administrator)
        result = self.patients.search(text, principal)
        if result.problem is not None:
            self.statusBar().showMessage(self._problem_text(result.problem, text), 8000)
            return
        hits = list(result.hits)
        if len(hits) == 1:
            self.open_patient(hits[0].id)
            return
        prompt = self.tr("%1 patients match '%2'. Choose one:")
        prompt = prompt.replace("%1", str(len(hits))).replace("%2", text.strip())
        chosen = self.choose_patient(hits, prompt)
        if chosen is not None:
            self.open_patient(chosen.id)

    def choose_patient(self, hits: list[PatientHit], prompt: str) -> PatientHit | None:
        dialog = PatientChooser(hits, prompt, self)
        return dialog.chosen() if dialog.exec() == PatientChooser.DialogCode.Accepted else None

    def _problem_text(self, problem: SearchProblem, text: str) -> str:
        match problem:
            case SearchProblem.EMPTY:
                return self.tr("Type a phone number, a name or a record number to search.")
            case SearchProblem.INVALID_PHONE:
                return self.tr(
                    "'%1' is not a valid phone number, and no record number matches it."
                ).replace("%1", text.strip())
            case SearchProblem.NO_MATCH:
                return self.tr("No patient matches '%1'.").replace("%1", text.strip())

    def open_patient(self, patient_id: uuid.UUID) -> None:
        try:
            card = self.patients.open_card(patient_id, self.user.principal)
        except PermissionDenied:
            # Outside the user's departments (found by search): the card stays as it was.
            self.statusBar().showMessage(
                self.tr("This patient is not in your departments: the card stays closed."), 8000
            )
            return
        if card is None:
            self.card.clear()
            self.statusBar().showMessage(self.tr("This patient no longer exists."), 8000)
            return
        self.card.show_card(card, self._today())
        self._open_form(card)  # the agent chose this patient: the form is there at once

    def _open_form_after_paint(self, card: PatientCard) -> None:
        # On a pop the caller's card comes first: building the form's widgets (about 15 ms)
        # waits for the next turn of the event loop, after the card has been painted.
        QTimer.singleShot(0, self, lambda: self._open_form(card))

    def _open_form(self, card: PatientCard) -> None:
        if self.card.card is not card or self.followup.card is card:
            return  # another patient came meanwhile, or the form is already this card's
        self.followup.open_for(card, self.card.selected_task())

    def _unmask(self, patient_id: uuid.UUID, identifier: Identifier) -> None:
        def submit(reason: UnmaskReason | None, note: str) -> None:
            self.patients.record_unmask(patient_id, identifier, self.user.principal, reason, note)

        # Shown only once the reason is in the audit log; a cancel shows and writes nothing.
        if UnmaskReasonDialog(submit, self).exec() == QDialog.DialogCode.Accepted:
            self.card.reveal(identifier)

    def _show_alerts(self) -> None:
        """Supervisors see the alerts forms raised for them (PHQ-9 item 9, BP crisis)."""
        principal = self.user.principal
        handles = self.alerts is not None and principal.may(Permission.HANDLE_ALERTS)
        alerts = self.alerts.lists(principal).open if self.alerts is not None and handles else []
        self.alert_label.setText(
            self.tr("Alerts: %1").replace("%1", str(len(alerts))) if alerts else ""
        )
        self.alert_label.setToolTip("\n".join(alert.text for alert in alerts[:20]))
        self.alert_label.setVisible(bool(alerts))

    def open_alerts(self) -> None:
        """The supervisors' alerts screen; the count is brought up to date when it closes."""
        if self.alerts is None:
            return
        AlertsDialog(self.alerts, self.user, self).exec()
        self._show_alerts()

    def _on_task_selected(self, task: object) -> None:
        if self.card.card is not None:
            self.followup.open_for(self.card.card, task)  # type: ignore[arg-type]

    def _highlight_card_row(self) -> None:
        card = self.card.card
        self.table.highlight_patient(card.id if card is not None else None)

    def _show_drafts(self) -> None:
        """Forms left unfinished (a crash, a power cut, another patient first) are offered:
        marked in the worklist, and counted in the status bar."""
        drafts = self.followup.drafts()
        task_ids = set()
        for draft in drafts:
            if draft.task_id is not None:
                try:
                    task_ids.add(uuid.UUID(draft.task_id))
                except ValueError:
                    continue  # a draft of another kind of work: counted, not marked
        self.model.set_drafted(task_ids)
        self.drafts_label.setText(
            self.tr("Drafts: %1").replace("%1", str(len(drafts))) if drafts else ""
        )

    def open_next_task(self) -> bool:
        """下一位: the row after the highlighted one (the first when none is), with its card."""
        row = self.table.selected_row()
        following = 0 if row is None else row + 1
        if following >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        if following >= self.model.rowCount():
            self.statusBar().showMessage(self.tr("No more tasks in this list."), 8000)
            return False
        self.table.selectRow(following)  # opens the card and its form
        return True

    def _after_submit(self, _result: object) -> None:
        """The worklist moves on: the next task opens, unless a call is still going on
        (the card stays with the patient on the line; Ctrl+N moves on after it)."""
        card = self.card.card
        row = self.table.selected_row()
        done = self.model.row_at(row).task_id if row is not None else None
        self.reload_worklist()
        talking = self.calls is not None and self.calls.current_line() is not None
        if row is not None and not talking:
            # The submitted task has usually left the list, so the next one is in its place.
            still_listed = row < self.model.rowCount() and self.model.row_at(row).task_id == done
            self.table.select_quietly(row if still_listed else row - 1)
            if self.open_next_task():
                self.statusBar().showMessage(self.tr("Follow-up saved. Next patient."), 8000)
                return
        if card is not None:
            self.open_patient(card.id)
        self.statusBar().showMessage(self.tr("Follow-up saved."), 8000)

    def attach_calls(self, controller: CallController) -> None:
        self.calls = controller
        self.followup.call_id_source = controller.current_call_log_id
        controller.answered.connect(lambda: self.card.tabs.setCurrentWidget(self.followup))

    def attach_registration(self, status: SipLineStatus, set_password: Callable[[], None]) -> None:
        """The softphone's registration in the status bar, and what to do when it fails."""
        self.statusBar().insertPermanentWidget(0, status)
        self.call_menu.addSeparator()
        register = QAction(self.tr("Register again"), self)
        register.triggered.connect(status.register_again.emit)
        self.call_menu.addAction(register)
        password = QAction(self.tr("SIP password…"), self)
        password.triggered.connect(set_password)
        self.call_menu.addAction(password)

    def call_current_patient(self) -> None:
        card = self.card.card
        if card is None:
            self.statusBar().showMessage(self.tr("Open a patient first."), 8000)
            return
        if self.calls is None:
            return
        task = self.card.selected_task()
        if not self.calls.can_dial(card):
            return  # nobody to call: no task is taken for it either
        if task is None or self.sync is None or self.sync.queue is None:
            self.calls.dial_card(card, task.id if task else None)
            return
        if self._claiming is not None:
            self.statusBar().showMessage(self.tr("Still asking the central server…"), 8000)
            return
        # Shared queue: the task is taken (leased) for this workstation, and the lease
        # checked by the server, before anyone dials. That waits on the network: off the
        # GUI thread, so the window (and a ringing line) stays live meanwhile.
        claim = self._claiming = (card.id, task.id)
        self.statusBar().showMessage(self.tr("Asking the central server…"))
        hub = self.sync
        self.background.run(
            self,
            lambda: hub.may_call(task.id),
            lambda refused: self._after_claim(claim, refused),
            lambda error: self._claim_failed(claim, error),
        )

    def _after_claim(self, claim: tuple[uuid.UUID, uuid.UUID], refused: CallRefused | None) -> None:
        self._claiming = None
        self.statusBar().clearMessage()
        if refused is not None:
            self._tell_not_called(refusal_text(refused))
            return
        card, task = self.card.card, self.card.selected_task()
        if card is None or task is None or (card.id, task.id) != claim or self.calls is None:
            # The agent moved on while the server answered: the task is held, not dialled.
            self.statusBar().showMessage(
                self.tr("The card changed meanwhile, so nobody was called."), 8000
            )
            return
        self.calls.dial_card(card, task.id)

    def _claim_failed(self, claim: tuple[uuid.UUID, uuid.UUID], error: Exception) -> None:
        self._claiming = None
        self.statusBar().clearMessage()
        log.error("taking task %s failed", claim[1], exc_info=error)
        self._tell_not_called(
            self.tr("The central server could not take this task: %1").replace(
                "%1", str(error).splitlines()[0] if str(error) else type(error).__name__
            )
        )

    def _tell_not_called(self, reason: str) -> None:
        # Not modal: the window goes on (a call may come in) while the reason is read.
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Not called"), reason, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- central sync ------------------------------------------------------------------

    def attach_sync(self, hub: SyncHub) -> None:
        self.sync = hub
        self.sync_label = SyncStatusLabel()
        self.sync_label.clicked.connect(self.review_sync)
        self.statusBar().insertPermanentWidget(0, self.sync_label)
        hub.status_changed.connect(self._on_sync_status)
        self.sync_label.show_status(hub.status)
        sync_menu = self.menuBar().addMenu(self.tr("&Sync"))
        now = QAction(self.tr("Sync now"), self)
        now.triggered.connect(hub.runner.sync_now)
        sync_menu.addAction(now)
        if self.user.principal.may(Permission.REVIEW_SYNC):
            review = QAction(self.tr("Review what the server refused…"), self)
            review.triggered.connect(self.review_sync)
            sync_menu.addAction(review)

    def _on_sync_status(self, status: SyncStatus) -> None:
        self.sync_label.show_status(status)
        if status.received:
            self._refresh_keeping_selection()

    def _refresh_keeping_selection(self) -> None:
        """Colleagues' changes came in: the list shows them, and the row the agent is on
        stays selected (without opening the card again: that is an audited access)."""
        selected = self.table.selected_task()
        self.model.refresh()
        self.count_label.setText(self.tr("%1 tasks").replace("%1", f"{self.model.total:,}"))
        if selected is not None:
            self.table.reselect_task(selected)

    def review_sync(self) -> None:
        """Supervisors and administrators decide what the server refused (REVIEW_SYNC);
        for other roles the status bar only counts it."""
        if self.sync is None or not self.user.principal.may(Permission.REVIEW_SYNC):
            return
        from agent_desk.ui.sync_review import SyncReviewDialog

        dialog = SyncReviewDialog(self.sync.db, self.user.principal, self)
        dialog.resolved.connect(self.sync.runner.sync_now)
        dialog.exec()

    def open_audit_log(self) -> AuditLogDialog | None:
        """Not modal: a supervisor can keep it open beside the worklist."""
        if self.audit_log is None:
            return None
        dialog = AuditLogDialog(self.audit_log, self.user, self._today(), self.background, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _fit_to_screen(self, width: int, height: int) -> None:
        # Ward PCs are often 1366x768: a window taller than the screen hides its status bar
        # (registration, sync, the not-encrypted warning) below the taskbar.
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)

    def open_recordings(self, call_id: uuid.UUID | None = None) -> RecordingsDialog | None:
        """录音, not modal; with a call (the card's history) its recording starts playing.
        Nothing opens for a role that may not listen (the service would refuse anyway)."""
        library = self.recordings
        if library is None or not library.principal.may(Permission.PLAY_RECORDINGS):
            return None
        with loading_qt_library():  # its player loads Qt Multimedia (ui.qt_messages)
            from agent_desk.ui.recordings_view import RecordingsDialog
        dialog = RecordingsDialog(library, self._today(), self.background, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        if call_id is not None:
            dialog.play(call_id)
        return dialog

    def open_statistics(self) -> StatisticsDialog | None:
        """统计, not modal; nothing opens for a role without VIEW_STATISTICS (the service
        would refuse anyway). A task listed there opens its card if the role sees records."""
        if self.statistics is None or not self.user.principal.may(Permission.VIEW_STATISTICS):
            return None
        with loading_qt_library():  # QtCharts loads on demand (ui.qt_messages)
            from agent_desk.ui.statistics_view import StatisticsDialog
        if self._statistics_service is None:
            self._statistics_service = self.statistics()
        may_open = self.user.principal.may(Permission.VIEW_RECORDS)
        dialog = StatisticsDialog(
            self._statistics_service,
            self._worklist,
            self.user,
            self._today(),
            self.background,
            self.open_patient if may_open else None,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def dial_number(self) -> None:
        number, ok = QInputDialog.getText(self, self.tr("Dial"), self.tr("Number to dial:"))
        if ok and number.strip() and self.calls is not None:
            self.calls.dial_number(number.strip())
