"""A follow-up form rendered from its template, filled with the keyboard while on a call.

Every edit goes through FormState, which refuses a bad value and says why; the view only
shows what the state decides: which items are enabled, the live score, the alerts.

A single-line field is checked when the agent leaves it; until then its text is "being
typed" and kept apart (`typed_text`), so that a draft saved meanwhile still holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from agent_desk.domain.enums import Role
from agent_desk.forms import FormState, FormTemplate, Item, ItemType
from agent_desk.forms.scoring import Alert

_ERROR_STYLE = "color: #b3261e;"
_CHOICE_NONE = "—"
# The question column gets the larger share: PHQ-9 and satisfaction questions are sentences.
_LABEL_STRETCH, _EDITOR_STRETCH = 3, 2
_EDITOR_CHARS = 8
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
_EDITOR_PREFIX = "item:"  # an editor's object name: the prefix and its item's linkId


@dataclass
class _Row:
    item: Item
    label: QLabel
    holder: QWidget  # the editor and its error line, shown and hidden together
    editor: QWidget
    error: QLabel


class FormView(QWidget):
    """Shows a template; `changed` fires after every accepted or refused edit, and on every
    keystroke in a single-line field (its text is not checked until the agent leaves it)."""

    changed = Signal()
    focused_item = Signal(object)  # Item, for the guidance beside the form
    escalate_requested = Signal(object)  # tuple[Alert, ...]: 上报主管 pressed on the banner

    def __init__(
        self,
        state: FormState,
        language: str = "zh",
        typed: Mapping[str, str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.language = language
        self.rows: dict[str, _Row] = {}
        self._groups: dict[str, QGroupBox] = {}
        self._typing: dict[str, str] = {}  # linkId → text not yet checked
        layout = QVBoxLayout(self)
        self.score_label = QLabel()
        self.score_label.setObjectName("formScore")
        self.score_label.setWordWrap(True)
        self.score_label.setStyleSheet("#formScore { font-weight: bold; }")
        layout.addWidget(self.score_label)
        self.alert_label = QLabel()
        self.alert_label.setWordWrap(True)
        self.alert_label.setStyleSheet(
            "QLabel { background: #b3261e; color: white; padding: 4px; font-weight: bold; }"
        )
        self.escalate_button = QPushButton(self.tr("Report to supervisor"))
        self.escalate_button.clicked.connect(self._escalate)
        banner = QHBoxLayout()
        banner.addWidget(self.alert_label, 1)
        banner.addWidget(self.escalate_button)
        layout.addLayout(banner)
        body = _grid()
        self._add_items(state.template.items, body)
        layout.addLayout(body)
        layout.addStretch(1)
        self._restore_typing(typed or {})
        self.refresh()
        app = QApplication.instance()
        if app is not None:
            # One slot for the whole form, not a filter on each editor: a filter runs Python
            # for every event of its widget (paint, hover, hide), a few hundred a call.
            # A method, not a lambda: Qt disconnects it when the form is deleted.
            app.focusChanged.connect(self._focus_moved)  # type: ignore[attr-defined]

    @property
    def template(self) -> FormTemplate:
        return self.state.template

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        # The editor, or a part of one (a combo's list, a text box's viewport), got the focus.
        widget = new
        while widget is not None and widget is not self:
            name = widget.objectName()
            row = self.rows.get(name.removeprefix(_EDITOR_PREFIX))
            if row is not None and name.startswith(_EDITOR_PREFIX):
                self.focused_item.emit(row.item)
                return
            widget = widget.parentWidget()

    # --- building --------------------------------------------------------------------

    def _text(self, item: Item) -> str:
        text = item.text.get(self.language)
        prefix = f"{item.prefix} " if item.prefix else ""
        star = " *" if item.required else ""
        return f"{prefix}{text}{star}"

    def _add_items(self, items: tuple[Item, ...], layout: QGridLayout) -> None:
        for item in items:
            row = layout.rowCount()
            if item.type is ItemType.GROUP:
                box = QGroupBox(item.text.get(self.language))
                inner = _grid()
                box.setLayout(inner)
                self._add_items(item.items, inner)
                self._groups[item.link_id] = box
                layout.addWidget(box, row, 0, 1, 2)
            elif item.type is ItemType.DISPLAY:
                note = QLabel(item.text.get(self.language))
                note.setWordWrap(True)
                layout.addWidget(note, row, 0, 1, 2)
            else:
                self._add_row(item, layout)

    def _add_row(self, item: Item, layout: QGridLayout) -> None:
        label = QLabel(self._text(item))
        label.setWordWrap(True)
        # Its width comes from the column, its height from the wrapped text at that width.
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        editor = self._editor(item)
        editor.setObjectName(f"{_EDITOR_PREFIX}{item.link_id}")
        error = QLabel()
        error.setStyleSheet(_ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(editor)
        column.addWidget(error)
        label.setBuddy(editor)
        row = layout.rowCount()
        if item.type is ItemType.TEXT:  # free text gets the whole width, under its question
            layout.addWidget(label, row, 0, 1, 2)
            layout.addWidget(holder, row + 1, 0, 1, 2)
        else:
            layout.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            layout.addWidget(holder, row, 1, Qt.AlignmentFlag.AlignTop)
        self.rows[item.link_id] = _Row(item, label, holder, editor, error)
        self._fill(item, editor)

    def _editor(self, item: Item) -> QWidget:
        if item.calculated is not None:
            return QLabel()
        match item.type:
            case ItemType.CHOICE:
                combo = _combo()
                combo.addItem(_CHOICE_NONE, None)
                for option in item.options:
                    weight = "" if option.weight is None else f"  ({option.weight:g})"
                    combo.addItem(option.display.get(self.language) + weight, option.code)
                combo.currentIndexChanged.connect(
                    lambda _i, c=combo, i=item: self._set(i, c.currentData())
                )
                combo.name_number_keys()
                return combo
            case ItemType.BOOLEAN:
                combo = _combo()
                for text, value in (
                    (_CHOICE_NONE, None),
                    (self.tr("Yes"), True),
                    (self.tr("No"), False),
                ):
                    combo.addItem(text, value)
                combo.currentIndexChanged.connect(
                    lambda _i, c=combo, i=item: self._set(i, c.currentData())
                )
                combo.name_number_keys()
                return combo
            case ItemType.TEXT:
                box = QPlainTextEdit()
                box.setTabChangesFocus(True)  # Tab moves on, as in every other field
                box.setMaximumHeight(70)
                box.textChanged.connect(lambda b=box, i=item: self._set(i, b.toPlainText()))
                return box
            case _:
                line = QLineEdit()
                line.setPlaceholderText(self._hint(item))
                line.textEdited.connect(lambda text, i=item: self._typed(i, text))
                line.editingFinished.connect(lambda e=line, i=item: self._finish_typing(i, e))
                return line

    def _hint(self, item: Item) -> str:
        if item.type is ItemType.DATE:
            return "YYYY-MM-DD"
        if item.type in (ItemType.INTEGER, ItemType.DECIMAL):
            low = "" if item.min_value is None else f"{item.min_value:g}"
            high = "" if item.max_value is None else f"{item.max_value:g}"
            unit = f" {item.unit}" if item.unit else ""
            return f"{low}–{high}{unit}" if low or high else unit.strip()
        return ""

    def _fill(self, item: Item, editor: QWidget) -> None:
        """Show a restored answer (a draft) in its editor without re-validating it."""
        value = self.state.answer(item.link_id)
        if value is None:
            return
        editor.blockSignals(True)
        if isinstance(editor, QComboBox):
            index = editor.findData(value)
            editor.setCurrentIndex(max(index, 0))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(value))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value))
        editor.blockSignals(False)

    def _restore_typing(self, typed: Mapping[str, str]) -> None:
        """Text a draft caught mid-typing goes back into its field, still to be checked."""
        for link_id, text in typed.items():
            row = self.rows.get(link_id)
            if row is not None and isinstance(row.editor, QLineEdit):
                row.editor.setText(text)
                self._typing[link_id] = text

    # --- editing ---------------------------------------------------------------------

    def typed_text(self) -> dict[str, str]:
        """Single-line fields typed into and not yet left: what a draft keeps beside answers."""
        return dict(self._typing)

    def finish_typing(self) -> None:
        """Check every field still being typed, as if the agent had left it (before a submit)."""
        for link_id in list(self._typing):
            editor = self.rows[link_id].editor
            assert isinstance(editor, QLineEdit)
            self._finish_typing(self.rows[link_id].item, editor)

    def _typed(self, item: Item, text: str) -> None:
        self._typing[item.link_id] = text
        self.changed.emit()

    def _finish_typing(self, item: Item, editor: QLineEdit) -> None:
        self._typing.pop(item.link_id, None)
        self._set(item, editor.text())

    def _set(self, item: Item, raw: object) -> None:
        problem = self.state.set_answer(item.link_id, raw)
        row = self.rows[item.link_id]
        if problem is None:
            row.error.hide()
        else:
            row.error.setText(problem.message(self.language))
            row.error.show()
        self.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        for link_id, box in self._groups.items():
            box.setVisible(self.state.is_enabled(link_id))
        for link_id, row in self.rows.items():
            enabled = self.state.is_enabled(link_id)
            row.label.setVisible(enabled)
            row.holder.setVisible(enabled)
            if row.item.calculated is not None and isinstance(row.editor, QLabel):
                value = self.state.value(link_id)
                shown = f"{value:g}" if isinstance(value, int | float) else str(value or "")
                row.editor.setText(shown)
        self._show_score()

    def _show_score(self) -> None:
        result = self.state.score()
        parts = []
        banded = {band.link_id for band in result.bands}
        if result.recovery_score is not None and self.template.recovery_score not in banded:
            parts.append(self.tr("Recovery score %1").replace("%1", f"{result.recovery_score:g}"))
        for band in result.bands:
            title = self.template.item(band.link_id).text.get(self.language)
            parts.append(f"{title}: {band.value:g} · {band.band.label.get(self.language)}")
        missing = len(self.state.missing_required())
        if missing:
            parts.append(self.tr("%1 required answers missing").replace("%1", str(missing)))
        self.score_label.setText("   ".join(parts))
        alerts = [alert.text.get(self.language) for alert in result.alerts]
        self.alert_label.setText("\n".join(alerts))
        self.alert_label.setVisible(bool(alerts))
        self.escalate_button.setVisible(bool(self._for_supervisor()))

    def _for_supervisor(self) -> tuple[Alert, ...]:
        return tuple(a for a in self.state.score().alerts if a.notify is Role.SUPERVISOR)

    def _escalate(self) -> None:
        alerts = self._for_supervisor()
        if alerts:
            self.escalate_requested.emit(alerts)

    def mark_escalated(self) -> None:
        """The supervisors have the alert: the button says so and is not pressed twice."""
        self.escalate_button.setText(self.tr("Reported to supervisor"))
        self.escalate_button.setEnabled(False)


def _combo() -> AnswerCombo:
    # Sized by a fixed number of characters, not by the longest answer, so that every
    # group's columns line up and the question keeps its share of the width.
    combo = AnswerCombo()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(_EDITOR_CHARS)
    return combo


def _grid() -> QGridLayout:
    grid = QGridLayout()
    grid.setColumnStretch(0, _LABEL_STRETCH)
    grid.setColumnStretch(1, _EDITOR_STRETCH)
    return grid


class AnswerCombo(QComboBox):
    """A question's answers, the first being "no answer": keys 1–9 choose the n-th answer,
    as read out to the patient. A key handler of its own, not an event filter: a filter
    runs Python for every event of its widget, a key handler for key presses only."""

    def name_number_keys(self) -> None:
        """Once the answers are in: the tooltip names the keys that choose them."""
        options = self.count() - 1
        self.setToolTip(self.tr("Keys 1–%1 choose an answer").replace("%1", str(min(options, 9))))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        number = None
        if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            number = _DIGIT_KEYS.get(Qt.Key(event.key()))
        if number is None:
            super().keyPressEvent(event)
        elif number < self.count():
            self.setCurrentIndex(number)
        # A digit past the last answer does nothing, rather than search the texts.
