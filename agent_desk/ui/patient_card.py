"""The patient card: who this is, what to watch out for, and everything that happened."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.masking import Identifier, mask, plain
from agent_desk.domain.views import FormRef, PatientCard, TaskView
from agent_desk.forms.registry import TemplateLibrary, default_library
from agent_desk.ui.labels import format_date, format_datetime, label, plan_label

_FLAG_STYLE = (
    "QLabel { background: #b3261e; color: white; border-radius: 4px; padding: 2px 8px;"
    " font-weight: bold; }"
)
_TASK_ROLE = Qt.ItemDataRole.UserRole + 1


class _Row(Enum):
    """The card's fields, in the order shown. Built once and refilled for each patient: a
    pop that made a dozen labels and buttons and laid them out again cost a millisecond
    or more of every screen-pop."""

    RECORD_NO = "record_no"
    ID_NUMBER = "id_number"
    BIRTH_DATE = "birth_date"
    PHONE = "phone"
    INSURANCE_NO = "insurance_no"
    OCCUPATION = "occupation"
    ADDRESS = "address"
    FAMILY_HISTORY = "family_history"
    TAGS = "tags"
    RECOVERY = "recovery"


class _Part(Enum):
    """The parts of the card that can be out of sight when a patient is shown: each is
    filled when it comes into view. On a call the agent is usually on the form's tab, where
    the fields are folded away and the history and visits are other tabs; filling them
    there cost more than a millisecond of every screen-pop."""

    FIELDS = "fields"
    TIMELINE = "timeline"
    ENCOUNTERS = "encounters"


_MASKED = {
    _Row.ID_NUMBER: Identifier.ID_NUMBER,
    _Row.PHONE: Identifier.PHONE,
    _Row.INSURANCE_NO: Identifier.INSURANCE_NO,
    _Row.ADDRESS: Identifier.ADDRESS,
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _trend_text(scores: list[float]) -> str:
    """The last six recovery scores, oldest first, and which way they went."""
    if not scores:
        return ""
    arrow = "↑" if scores[-1] > scores[0] else "↓" if scores[-1] < scores[0] else "→"
    return " → ".join(f"{s:g}" for s in scores[-6:]) + f"  {arrow}"


class PatientCardView(QWidget):
    """Shows one PatientCard. It never queries: the window hands it a finished snapshot."""

    task_selected = Signal(object)  # TaskView | None, when the user picks another task
    card_shown = Signal(object)  # PatientCard, once every part in view is filled
    # (patient id, Identifier): the user asked to see it in full. The window logs the
    # request and then calls reveal(); the card never shows an identifier unlogged.
    unmask_requested = Signal(object, object)
    cleared = Signal()  # the card shows nobody: whatever belongs to a patient goes too
    recording_requested = Signal(object)  # a call's id: the history's recorded call, double-clicked

    def __init__(
        self, library: TemplateLibrary | None = None, language: str = "zh", parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.card: PatientCard | None = None
        self._library = library or default_library()
        self._language = language
        self._filling = False
        self._may_unmask = True
        self._compact = False
        self._unfilled: set[_Part] = set()  # the shown card's parts not yet in view
        # The masked fields on show: their value label, their Show button, the full text.
        self._identifiers: dict[Identifier, tuple[QLabel, QToolButton, str]] = {}
        self._build()
        self._reset()
        self._show_fields_box()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.title.setStyleSheet("#cardTitle { font-size: 20px; font-weight: bold; }")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)

        self.flags = QHBoxLayout()
        self.flags.setSpacing(6)
        self.flags.addStretch(1)
        self._flag_labels: list[QLabel] = []  # made as a card first needs them, then reused
        flags_box = QWidget()
        flags_box.setLayout(self.flags)
        layout.addWidget(flags_box)

        self.fields = QFormLayout()
        self.fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._build_fields()
        self.fields_box = QFrame()
        self.fields_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.fields_box.setLayout(self.fields)
        layout.addWidget(self.fields_box)

        layout.addWidget(QLabel(self.tr("Open follow-up tasks")))
        self.tasks = QListWidget()
        self.tasks.setMaximumHeight(90)
        self.tasks.currentItemChanged.connect(self._on_task_changed)
        layout.addWidget(self.tasks)
        # The patient's revisits still ahead (复诊预约), set by the window after the card.
        self.appointments = QLabel()
        self.appointments.setObjectName("cardAppointments")
        self.appointments.setStyleSheet("#cardAppointments { color: #1b5e20; }")
        self.appointments.setWordWrap(True)
        layout.addWidget(self.appointments)

        self.tabs = QTabWidget()
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(
            [self.tr("When"), self.tr("What"), self.tr("Details"), self.tr("Score")]
        )
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        header = self.timeline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.timeline, self.tr("History"))
        self.timeline.itemDoubleClicked.connect(self._on_history_double_clicked)
        self.encounters = QTextBrowser()
        self.tabs.addTab(self.encounters, self.tr("Visits and discharge orders"))
        self.tabs.currentChanged.connect(lambda _index: self._fill_in_view())
        layout.addWidget(self.tabs, 1)

    def show_appointments(self, lines: list[str]) -> None:
        """The upcoming revisits, one a line; nothing shown when there are none."""
        self.appointments.setText(
            self.tr("Upcoming revisits: %1").replace("%1", "；".join(lines)) if lines else ""
        )
        self.appointments.setVisible(bool(lines))

    def set_compact(self, compact: bool) -> None:
        """Name and risk flags only, so that a form below gets the room (details stay a
        click away on the other tabs)."""
        self._compact = compact
        self._fill_in_view()
        self._show_fields_box()

    def _show_fields_box(self) -> None:
        self.fields_box.setVisible(self.card is not None and not self._compact)

    def _in_view(self, part: _Part) -> bool:
        # By the tab chosen and the card's mode, not by isVisible(): a card not yet on
        # screen (a window still being built) fills what it will show.
        match part:
            case _Part.FIELDS:
                return not self._compact
            case _Part.TIMELINE:
                return self.tabs.currentWidget() is self.timeline
            case _Part.ENCOUNTERS:
                return self.tabs.currentWidget() is self.encounters

    def _fill_in_view(self) -> None:
        card = self.card
        if card is None:
            return
        for part in [part for part in self._unfilled if self._in_view(part)]:
            self._unfilled.discard(part)
            match part:
                case _Part.FIELDS:
                    self._fill_fields(card)
                case _Part.TIMELINE:
                    self._fill_timeline(card)
                case _Part.ENCOUNTERS:
                    self._fill_encounters(card)

    def _build_fields(self) -> None:
        names = {
            _Row.RECORD_NO: self.tr("Record no."),
            _Row.ID_NUMBER: self.tr("ID number"),
            _Row.BIRTH_DATE: self.tr("Birth date"),
            _Row.PHONE: self.tr("Phone"),
            _Row.INSURANCE_NO: self.tr("Insurance no."),
            _Row.OCCUPATION: self.tr("Occupation"),
            _Row.ADDRESS: self.tr("Address"),
            _Row.FAMILY_HISTORY: self.tr("Family history"),
            _Row.TAGS: self.tr("Tags"),
            _Row.RECOVERY: self.tr("Recovery score"),
        }
        self._values: dict[_Row, QLabel] = {}
        self._unmask_buttons: dict[Identifier, QToolButton] = {}
        for row in _Row:
            field = self._value_label("")
            self._values[row] = field
            identifier = _MASKED.get(row)
            if identifier is None:
                self.fields.addRow(names[row], field)
                continue
            box = QWidget()
            box_layout = QHBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(field, 1)
            button = QToolButton()
            button.setObjectName(f"unmask_{identifier.value}")
            button.setText(self.tr("Show"))
            button.setToolTip(self.tr("Show in full; the audit log records who saw it"))
            button.clicked.connect(lambda _checked=False, i=identifier: self._ask_unmask(i))
            box_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self._unmask_buttons[identifier] = button
            self.fields.addRow(names[row], box)

    @property
    def may_unmask(self) -> bool:
        """Whether the masked fields have a Show button: not for a role that may not unmask
        (an agent); the service refuses all the same."""
        return self._may_unmask

    @may_unmask.setter
    def may_unmask(self, may: bool) -> None:
        self._may_unmask = may
        for button in self._unmask_buttons.values():
            button.setVisible(may)

    def clear(self) -> None:
        self._reset()
        # Hidden at the next turn of the event loop if nobody is shown by then: a pop clears
        # the card and fills it in one turn, and hiding and showing the box in between
        # would lay the whole card out twice (showing or hiding a widget in a shown window
        # lays its parent out at once).
        QTimer.singleShot(0, self, self._show_fields_box)
        self.cleared.emit()

    def _reset(self) -> None:
        self.card = None
        self._unfilled.clear()
        self.title.setText(self.tr("No patient selected"))
        self._set_flags([])
        self._identifiers.clear()
        for field in self._values.values():
            field.clear()  # no earlier patient's text stays behind
        for button in self._unmask_buttons.values():
            button.setEnabled(False)
        self.tasks.clear()
        self.appointments.clear()
        self.appointments.hide()
        self.timeline.clear()
        self.encounters.clear()

    def show_card(self, card: PatientCard, today: date | None = None) -> None:
        self._reset()
        self.card = card
        self._show_fields_box()
        today = today or date.today()
        age = card.age_on(today)
        age_text = self.tr("%1 years").replace("%1", str(age)) if age is not None else ""
        self.title.setText(
            "  ".join(part for part in (card.name, label(card.sex), age_text) if part)
        )
        self._set_flags(self._flag_texts(card))
        self._filling = True
        self._fill_tasks(card.open_tasks)
        self._filling = False
        self._unfilled = set(_Part)
        self._fill_in_view()
        self.card_shown.emit(card)

    def reveal(self, identifier: Identifier) -> None:
        """Show one identifier of the current card in full (the request is logged)."""
        if identifier in self._identifiers:
            field, button, full = self._identifiers[identifier]
            field.setText(full)
            button.setEnabled(False)

    def selected_task(self) -> TaskView | None:
        item = self.tasks.currentItem()
        task: TaskView | None = item.data(_TASK_ROLE) if item is not None else None
        return task

    # --- parts -------------------------------------------------------------------------

    def _flag_texts(self, card: PatientCard) -> list[str]:
        flags: list[str] = []
        if card.allergies:
            flags.append(self.tr("Allergy: %1").replace("%1", card.allergies))
        if card.cardiac_history:
            flags.append(self.tr("Cardiac: %1").replace("%1", card.cardiac_history))
        if card.chronic_conditions:
            flags.append(self.tr("Chronic: %1").replace("%1", card.chronic_conditions))
        if not card.consent_call:
            flags.append(self.tr("No calls"))
        if not card.consent_recording:
            flags.append(self.tr("Do not record"))
        return flags

    def _set_flags(self, texts: list[str]) -> None:
        while len(self._flag_labels) < len(texts):
            flag = QLabel()
            flag.setStyleSheet(_FLAG_STYLE)
            flag.setObjectName("riskFlag")
            self.flags.insertWidget(len(self._flag_labels), flag)  # before the stretch
            self._flag_labels.append(flag)
        for n, flag in enumerate(self._flag_labels):
            if n < len(texts):
                flag.setText(texts[n])
                flag.show()
            else:
                flag.hide()
                flag.clear()

    def _fill_fields(self, card: PatientCard) -> None:
        self._set_value(_Row.RECORD_NO, card.record_no)
        self._set_identifier(_Row.ID_NUMBER, card.id_number)
        self._set_value(_Row.BIRTH_DATE, format_date(card.birth_date))
        self._set_contacts(card)
        self._set_identifier(_Row.INSURANCE_NO, card.insurance_no)
        self._set_value(_Row.OCCUPATION, card.occupation)
        self._set_identifier(_Row.ADDRESS, card.address)
        self._set_value(_Row.FAMILY_HISTORY, card.family_history)
        self._set_value(_Row.TAGS, "、".join(card.tags))  # "—" for none: rows never come and go
        trend = [e.score for e in reversed(card.timeline) if e.score is not None]
        self._set_value(_Row.RECOVERY, _trend_text(trend))

    @staticmethod
    def _value_label(text: str) -> QLabel:
        field = QLabel(text)
        field.setWordWrap(True)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return field

    def _set_value(self, row: _Row, value: str | None) -> None:
        self._values[row].setText(value or "—")

    def _set_identifier(self, row: _Row, value: str | None) -> None:
        identifier = _MASKED[row]
        if value:
            self._set_masked(row, mask(identifier, value), plain(value))
        else:
            self._set_masked(row, "", "")

    def _set_contacts(self, card: PatientCard) -> None:
        masked, full = [], []
        for contact in card.contacts:
            who = label(contact.relation)
            if contact.contact_name:
                who = f"{who} {contact.contact_name}"
            number = contact.e164 or contact.raw_number
            masked.append(f"{mask(Identifier.PHONE, number)}  ({who})")
            full.append(f"{plain(contact.raw_number)}  ({who})")
        self._set_masked(_Row.PHONE, "\n".join(masked), "\n".join(full))

    def _set_masked(self, row: _Row, masked: str, full: str) -> None:
        """The masked text with its Show button, greyed out when there is nothing to show
        (greyed, not hidden: hiding or showing a widget lays the card out again)."""
        identifier = _MASKED[row]
        self._set_value(row, masked)
        button = self._unmask_buttons[identifier]
        button.setEnabled(bool(full))
        if full:
            self._identifiers[identifier] = (self._values[row], button, full)

    def _ask_unmask(self, identifier: Identifier) -> None:
        if self.card is not None:
            self.unmask_requested.emit(self.card.id, identifier)

    def _fill_tasks(self, tasks: tuple[TaskView, ...]) -> None:
        for task in tasks:
            text = self.tr("%1 — due %2 (window %3 to %4), priority %5")
            for marker, value in (
                ("%1", plan_label(task.plan_code)),
                ("%2", format_date(task.due_date)),
                ("%3", format_date(task.window_start)),
                ("%4", format_date(task.window_end)),
                ("%5", str(task.priority)),
            ):
                text = text.replace(marker, value)
            item = QListWidgetItem(text)
            item.setData(_TASK_ROLE, task)
            self.tasks.addItem(item)
        if tasks:
            self.tasks.setCurrentRow(0)  # the task the call is most likely about

    def _on_task_changed(self, current: QListWidgetItem | None, _previous: Any) -> None:
        if not self._filling:
            self.task_selected.emit(current.data(_TASK_ROLE) if current else None)

    def _fill_timeline(self, card: PatientCard) -> None:
        items = []
        for entry in card.timeline:
            title = self._timeline_title(entry.title)
            score = "" if entry.score is None else f"{entry.score:g}"
            item = QTreeWidgetItem(
                [
                    format_datetime(entry.at),
                    label(entry.kind),
                    f"{title}  {entry.detail}".strip(),
                    score,
                ]
            )
            if entry.recorded_call is not None:
                item.setData(0, Qt.ItemDataRole.UserRole, entry.recorded_call)
                item.setToolTip(2, self.tr("Recorded: double-click to play"))
            items.append(item)
        self.timeline.addTopLevelItems(items)

    def _on_history_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        call_id = item.data(0, Qt.ItemDataRole.UserRole)
        if call_id is not None:
            self.recording_requested.emit(call_id)

    def _timeline_title(self, title: str | Enum | FormRef) -> str:
        if isinstance(title, FormRef):
            return self._library.title(title.code, title.version, self._language)
        return label(title) if isinstance(title, Enum) else title

    def _fill_encounters(self, card: PatientCard) -> None:
        parts = []
        orders_title = _escape(self.tr("Discharge orders"))
        for enc in card.encounters:
            dx = "<br>".join(_escape(f"{d.icd10} {d.name}") for d in enc.diagnoses)
            when = format_datetime(enc.admitted_at)
            if enc.discharged_at:
                when += " → " + format_datetime(enc.discharged_at)
            head = " · ".join(
                _escape(p)
                for p in (
                    label(enc.kind),
                    enc.department_name,
                    enc.ward_name or "",
                    enc.attending_doctor or "",
                )
                if p
            )
            orders = ""
            if enc.discharge_orders:
                orders = f"<p><b>{orders_title}:</b> {_escape(enc.discharge_orders)}</p>"
            parts.append(f"<h4>{_escape(when)}</h4><p>{head}</p><p>{dx}</p>{orders}<hr>")
        self.encounters.setHtml("".join(parts))
