"""The call strip above the card: who is on the line, and the buttons to handle the call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class LineState(StrEnum):
    IDLE = "idle"
    RINGING = "ringing"
    DIALLING = "dialling"
    TALKING = "talking"
    HELD = "held"


@dataclass(frozen=True, slots=True)
class LineView:
    state: LineState
    caller: str = ""  # name and masked number, ready to show
    detail: str = ""  # ring count, duration, "modem"
    controllable: bool = True  # False for modem calls: they are handled on the desk phone
    muted: bool = False
    recording_note: str = ""  # why this call is not recorded, when the patient decided so


_STYLE = {
    LineState.IDLE: "#f3f3f3",
    LineState.RINGING: "#fff4ce",
    LineState.DIALLING: "#e8f0fe",
    LineState.TALKING: "#e6f4ea",
    LineState.HELD: "#fde7e9",
}


class CallPanel(QFrame):
    answer = Signal()
    reject = Signal()
    hangup = Signal()
    hold = Signal(bool)
    mute = Signal(bool)
    dtmf = Signal(str)
    transfer = Signal(str)
    complaint = Signal()  # 登记投诉: a ticket from what the caller says

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("callPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # One style sheet for every state, chosen by a property: setting a style sheet
        # restyles the panel and all its children (3 – 7 ms on the test machine), and
        # the panel is refreshed at every call event and every second of a call; a new
        # property value restyles the panel alone, and only when the state changes.
        self.setStyleSheet(
            " ".join(
                f'#callPanel[line="{state.value}"] {{ background: {colour}; }}'
                for state, colour in _STYLE.items()
            )
        )
        self._line_state: LineState | None = None
        layout = QVBoxLayout(self)
        # The panel keeps its size from call to call: a panel that grew and shrank with its
        # buttons (and its caller's name) moved the splitter beside it and laid out and
        # repainted the whole window on the GUI thread, at every call event, while the
        # next call rang (12 – 18 ms a change on the test machine; issue 18's pop). So the
        # status has a line of its own that long names cannot widen, the buttons' row
        # keeps a button's height when it has none, and the panel is as wide as its
        # widest state from the start.
        top = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("callStatus")
        self.status.setStyleSheet("#callStatus { font-size: 15px; font-weight: bold; }")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.status, 1)
        self.recording_label = QLabel()
        self.recording_label.setObjectName("recordingNote")
        self.recording_label.setStyleSheet(
            "#recordingNote { color: white; background: #b3261e; border-radius: 4px;"
            " padding: 2px 8px; font-weight: bold; }"
        )
        top.addWidget(self.recording_label)
        self.answer_button = self._button(self.tr("Answer (F9)"), "F9", self.answer.emit)
        self.reject_button = self._button(self.tr("Reject"), None, self.reject.emit)
        self.hold_button = self._button(self.tr("Hold (F11)"), "F11", None, checkable=True)
        self.hold_button.toggled.connect(self.hold.emit)
        self.mute_button = self._button(self.tr("Mute (F12)"), "F12", None, checkable=True)
        self.mute_button.toggled.connect(self.mute.emit)
        self.keypad_button = self._button(self.tr("Keypad"), "Ctrl+K", self._toggle_keypad)
        self.transfer_button = self._button(self.tr("Transfer"), None, self._ask_transfer)
        self.complaint_button = self._button(
            self.tr("Register complaint"), "Ctrl+Shift+T", self.complaint.emit
        )
        self.hangup_button = self._button(self.tr("Hang up (F10)"), "F10", self.hangup.emit)
        self.hangup_button.setStyleSheet("QPushButton { color: #b3261e; font-weight: bold; }")
        buttons_row = QWidget()
        buttons_row.setMinimumHeight(self.answer_button.sizeHint().height())
        buttons = QHBoxLayout(buttons_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        for button in (
            self.answer_button,
            self.reject_button,
            self.hold_button,
            self.mute_button,
            self.keypad_button,
            self.transfer_button,
            self.complaint_button,
            self.hangup_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(top)
        layout.addWidget(buttons_row)
        self.keypad = self._build_keypad()
        self.keypad.hide()
        layout.addWidget(self.keypad)
        widest = 0
        for state in (LineState.RINGING, LineState.TALKING):
            self.show_line(LineView(state))
            buttons.invalidate()  # before the panel is shown, nothing else recounts the row
            widest = max(widest, buttons.minimumSize().width())
        margins = layout.contentsMargins()
        self.setMinimumWidth(widest + margins.left() + margins.right() + 2 * self.frameWidth())
        self.show_line(LineView(LineState.IDLE))

    def _button(
        self, text: str, shortcut: str | None, slot: Any, checkable: bool = False
    ) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(checkable)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
        if slot is not None:
            button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_keypad(self) -> QWidget:
        pad = QWidget()
        grid = QGridLayout(pad)
        for index, key in enumerate("123456789*0#"):
            button = QPushButton(key)
            button.setFixedWidth(48)
            button.clicked.connect(lambda _checked=False, k=key: self.dtmf.emit(k))
            grid.addWidget(button, index // 3, index % 3)
        return pad

    def _toggle_keypad(self) -> None:
        self.keypad.setVisible(not self.keypad.isVisible())

    def _ask_transfer(self) -> None:
        target, ok = QInputDialog.getText(
            self, self.tr("Transfer"), self.tr("Transfer the call to (extension or number):")
        )
        if ok and target.strip():
            self.transfer.emit(target.strip())

    def show_line(self, view: LineView) -> None:
        state = view.state
        texts = {
            LineState.IDLE: self.tr("No call"),
            LineState.RINGING: self.tr("Incoming call"),
            LineState.DIALLING: self.tr("Calling"),
            LineState.TALKING: self.tr("In call"),
            LineState.HELD: self.tr("On hold"),
        }
        parts = [texts[state], view.caller, view.detail]
        self.status.setText("  ".join(part for part in parts if part))
        self.recording_label.setText(view.recording_note)
        self.recording_label.setVisible(bool(view.recording_note) and state is not LineState.IDLE)
        self._show_state(state)
        live = state in (LineState.TALKING, LineState.HELD)
        control = view.controllable
        self.answer_button.setVisible(state is LineState.RINGING and control)
        self.reject_button.setVisible(state is LineState.RINGING and control)
        self.hangup_button.setVisible(
            control and state is not LineState.IDLE and state is not LineState.RINGING
        )
        for button in (
            self.hold_button,
            self.mute_button,
            self.keypad_button,
            self.transfer_button,
        ):
            button.setVisible(live and control)
        # A modem call is answered on the desk phone, but its complaint is typed here.
        self.complaint_button.setVisible(live)
        for button, checked in (
            (self.hold_button, state is LineState.HELD),
            (self.mute_button, view.muted),
        ):
            button.blockSignals(True)
            button.setChecked(checked)
            button.blockSignals(False)
        if not live:
            self.keypad.hide()

    def _show_state(self, state: LineState) -> None:
        if state is self._line_state:
            return
        self._line_state = state
        self.setProperty("line", state.value)
        # Qt reads a property selector when a widget is polished: polish the panel again.
        self.style().unpolish(self)
        self.style().polish(self)

    def keyPressEvent(self, event: Any) -> None:
        # Digits typed while the keypad is open go down the line as DTMF.
        if self.keypad.isVisible() and event.text() and event.text() in "0123456789*#":
            self.dtmf.emit(event.text())
            return
        super().keyPressEvent(event)
