"""The follow-up form beside the card: fill while talking, drafts kept, one submit.

A draft is saved every few seconds and whenever the focus moves, the text of a field still
being typed included, so a crash or a power cut loses at most the last seconds of typing;
opening the same task again restores it, with the template version it was started on.
The outcome is chosen afresh for every patient: a stale one would be stored without a thought.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.enums import AttemptOutcome, Channel
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.domain.views import PatientCard, TaskView
from agent_desk.errors import UserError
from agent_desk.forms import (
    Draft,
    DraftStore,
    FormsError,
    FormState,
    FormTemplate,
    GuidanceKind,
    Item,
    TemplateLibrary,
)
from agent_desk.forms.scoring import Alert
from agent_desk.forms.scripts import ScriptFacts, facts_for, fill_script
from agent_desk.services.alerts import AlertService
from agent_desk.services.followup import (
    FollowupService,
    FormIncomplete,
    FormSubmission,
    TaskNotOpen,
)
from agent_desk.ui.form_view import AnswerCombo, FormView
from agent_desk.ui.labels import label

log = logging.getLogger(__name__)

AUTOSAVE_MS = 3000
DEFAULT_TEMPLATE = "general_discharge"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The general form's question 是否需要帮助预约复诊 (resources/forms/general_discharge).
REVISIT_HELP = "gd_revisit_help"


class FollowupPanel(QWidget):
    submitted = Signal(object)  # SubmitResult or AttemptResult
    drafts_changed = Signal()  # a draft was started or finished: the worklist marks them
    # The patient wants help booking the revisit (需要帮助预约复诊 answered yes): the
    # window offers the next free slots at once. Once per form.
    revisit_wanted = Signal()

    def __init__(
        self,
        followup: FollowupService,
        drafts: DraftStore,
        library: TemplateLibrary,
        staff_id: uuid.UUID | None,
        language: str = "zh",
        autosave_ms: int = AUTOSAVE_MS,
        hospital_name: str = "",
        alerts: AlertService | None = None,
        *,
        principal: Principal,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.followup = followup
        self._drafts = drafts
        self._library = library
        self._staff_id = staff_id
        self._alerts = alerts
        self._principal = principal  # who fills forms and escalates, as audited
        self.language = language
        self._hospital_name = hospital_name
        self.card: PatientCard | None = None
        self.task: TaskView | None = None
        self.view: FormView | None = None
        self._dirty = False
        self._revisit_offered = False
        # Set by the window when a phone line exists: the call a submit belongs to.
        self.call_id_source: Callable[[], uuid.UUID | None] = lambda: None
        self._build()
        self._autosave = QTimer(self)
        self._autosave.timeout.connect(self.save_draft)
        self._autosave.start(autosave_ms)
        app = QApplication.instance()
        if app is not None:
            # A method, not a lambda: Qt disconnects it when the panel is deleted.
            app.focusChanged.connect(self._focus_moved)  # type: ignore[attr-defined]

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Form:")))
        self.template_combo = QComboBox()
        self.template_combo.activated.connect(lambda _i: self._start(self._chosen_template()))
        top.addWidget(self.template_combo, 1)
        layout.addLayout(top)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        split = QSplitter()
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        # Tab goes from field to field; the scroll area and the notes are not stops on the way.
        self.form_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        split.addWidget(self.form_area)
        self.guidance = QTextBrowser()
        self.guidance.setMinimumWidth(180)
        self.guidance.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        split.addWidget(self.guidance)
        split.setSizes([520, 220])
        layout.addWidget(split, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Outcome:")))
        self.outcome = AnswerCombo()
        self.outcome.addItem("—", None)
        for outcome in AttemptOutcome:
            self.outcome.addItem(label(outcome), outcome.value)
        self.outcome.name_number_keys()
        bottom.addWidget(self.outcome)
        bottom.addStretch(1)
        self.submit_button = QPushButton(self.tr("Submit (Ctrl+Enter)"))
        self.submit_button.clicked.connect(self.submit)
        bottom.addWidget(self.submit_button)
        layout.addLayout(bottom)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit)
        self.setEnabled(False)

    # --- opening -----------------------------------------------------------------------

    def draft_id(self) -> str | None:
        if self.task is not None:
            return str(self.task.id)
        return f"patient-{self.card.id}" if self.card is not None else None

    def open_for(self, card: PatientCard, task: TaskView | None) -> None:
        """Show the form for this patient and task: the saved draft if there is one."""
        self.save_draft()
        self._fill_catalogue()
        self.card, self.task = card, task
        self._revisit_offered = False
        self.setEnabled(True)
        draft_id = self.draft_id()
        draft = self._drafts.load(draft_id) if draft_id else None
        if draft is not None:
            try:
                template = self._library.load(draft.template_code, draft.template_version)
            except FormsError as exc:
                self.notice.setText(str(exc))
                template = self._library.load(DEFAULT_TEMPLATE)
                draft = None
        else:
            template = self._library.load(DEFAULT_TEMPLATE)
        self.outcome.setCurrentIndex(0)
        self._start(
            template, dict(draft.answers) if draft else None, draft.typed if draft else None
        )
        if draft is not None:
            self.notice.setText(
                self.tr("Draft restored (saved %1).").replace(
                    "%1", draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
                )
            )

    def close_form(self) -> None:
        """No patient on the card: keep the draft, and take the form off the screen."""
        self.save_draft()
        self.card, self.task, self.view = None, None, None
        # takeWidget() hands the form back without a parent: deleted here, or every call
        # left its form's few hundred widgets behind (1.5 MB a call).
        form = self.form_area.takeWidget()
        if form is not None:
            form.deleteLater()
        self.guidance.clear()
        self.notice.setText("")
        self.setEnabled(False)

    def _fill_catalogue(self) -> None:
        # Reading every template costs a tenth of a second: paid at the first card, not at start.
        if self.template_combo.count():
            return
        for template in self._library.catalogue():
            self.template_combo.addItem(template.title.get(self.language), template.code)

    def _chosen_template(self) -> FormTemplate:
        return self._library.load(self.template_combo.currentData())

    def _start(
        self,
        template: FormTemplate,
        answers: dict[str, object] | None = None,
        typed: Mapping[str, str] | None = None,
    ) -> None:
        state = FormState(template, answers)
        self.view = FormView(state, self.language, typed)
        self.view.changed.connect(self._on_changed)
        self.view.focused_item.connect(self._show_guidance)
        self.view.escalate_requested.connect(self.escalate)
        self.form_area.setWidget(self.view)
        # The form is built after the buttons: put its fields back between chooser and outcome.
        chain = [
            self.template_combo,
            *(row.editor for row in self.view.rows.values()),
            self.outcome,
            self.submit_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        index = self.template_combo.findData(template.code)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)
        self.notice.setText("")
        if state.restore_problems:
            self.notice.setText("; ".join(p.message(self.language) for p in state.restore_problems))
        self._dirty = False
        self._show_guidance(None)

    def _focus_moved(self, _old: object, _new: object) -> None:
        self.save_draft()

    def _on_changed(self) -> None:
        self._dirty = True
        view = self.view
        # Only the templates that ask it (the general discharge form) have the question.
        wanted = (
            view is not None
            and REVISIT_HELP in view.rows
            and view.state.value(REVISIT_HELP) is True
        )
        if wanted and not self._revisit_offered:
            self._revisit_offered = True
            self.revisit_wanted.emit()

    def escalate(self, alerts: tuple[Alert, ...]) -> None:
        """上报主管: the supervisors see the alert now, while the form stays open."""
        if self._alerts is None or self.card is None:
            return
        if self.view is None:
            return
        try:
            for alert in alerts:
                self._alerts.escalate(
                    self.card.id, alert.code, alert.severity, alert.text.zh, self._principal
                )
        except UserError as error:
            self.notice.setText(str(error))
            return
        self.view.mark_escalated()

    def _show_guidance(self, item: Item | None) -> None:
        if self.view is None:
            return
        parts = []
        facts = (
            facts_for(self.card, self.task, self._hospital_name)
            if self.card is not None
            else ScriptFacts(hospital=self._hospital_name or None)
        )
        for guidance in (item.guidance if item else ()) + self.view.template.guidance:
            heading = (
                self.tr("Say")
                if guidance.kind is GuidanceKind.SCRIPT
                else self.tr("Health education")
            )
            if guidance.title is not None:
                heading = f"{heading}: {guidance.title.get(self.language)}"
            text = fill_script(guidance.text.get(self.language), facts)
            parts.append(f"<p><b>{_escape(heading)}</b><br>{_escape(text)}</p>")
        self.guidance.setHtml("".join(parts))

    # --- drafts and submit ----------------------------------------------------------

    def save_draft(self) -> None:
        if not self._dirty or self.view is None or self.card is None:
            return
        draft_id = self.draft_id()
        assert draft_id is not None
        template = self.view.template
        new = not self._drafts.path(draft_id).exists()
        try:
            self._drafts.save(
                Draft(
                    draft_id,
                    template.code,
                    template.version,
                    self.view.state.draft_answers(),
                    task_id=str(self.task.id) if self.task else None,
                    patient_id=str(self.card.id),
                    typed=self.view.typed_text(),
                )
            )
        except OSError as exc:
            # A full disk must not take the form with it: keep it in memory, say so, retry.
            log.error("draft not saved: %s", exc)
            self.notice.setText(
                self.tr("The draft could not be saved: %1").replace("%1", exc.strerror or str(exc))
            )
            return
        self._dirty = False
        if new:
            self.drafts_changed.emit()

    def drafts(self) -> list[Draft]:
        return self._drafts.list_drafts()

    def submit(self) -> None:
        if self.view is None or self.card is None:
            return
        self.view.finish_typing()
        if self.outcome.currentData() is None:
            self.notice.setText(self.tr("Choose the outcome of the call first."))
            self.outcome.setFocus()
            return
        outcome = AttemptOutcome(self.outcome.currentData())
        state = self.view.state
        try:
            if outcome is AttemptOutcome.REACHED:
                result: object = self.followup.submit(
                    FormSubmission(
                        state,
                        self.card.id,
                        self.task.id if self.task else None,
                        self._staff_id,
                        outcome,
                        call_id=self.call_id_source(),
                    ),
                    self._principal,
                )
            elif self.task is not None:
                result = self.followup.record_attempt(
                    self.task.id,
                    Channel.PHONE,
                    outcome,
                    self._principal,
                    staff_id=self._staff_id,
                    call_id=self.call_id_source(),
                )
            else:
                self.notice.setText(self.tr("An unsuccessful attempt needs a task."))
                return
        except FormIncomplete as exc:
            problems = "; ".join(p.message(self.language) for p in exc.problems)
            self.notice.setText(self.tr("Not yet complete: %1").replace("%1", problems))
            return
        except (TaskNotOpen, PermissionDenied) as exc:
            self.notice.setText(str(exc))
            return
        draft_id = self.draft_id()
        reached = outcome is AttemptOutcome.REACHED
        if draft_id is not None and reached and self._drafts.delete(draft_id):
            self.drafts_changed.emit()
        self._dirty = False
        self.notice.setText(self.tr("Saved."))
        self.submitted.emit(result)
