"""Asks why an identifier is wanted in full, before it is shown: the reason is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from agent_desk.domain.disclosure import ReasonRequired
from agent_desk.domain.enums import UnmaskReason
from agent_desk.domain.permissions import PermissionDenied
from agent_desk.ui.labels import label

Submit = Callable[[UnmaskReason | None, str], None]


class UnmaskReasonDialog(QDialog):
    """A short list of reasons and a line of free text. OK hands them to *submit*, which
    writes the audit event and refuses without a reason; the dialog is accepted only
    once that succeeded, so a cancelled or refused request shows nothing."""

    def __init__(self, submit: Submit, parent: Any = None) -> None:
        super().__init__(parent)
        self._submit = submit
        self.setWindowTitle(self.tr("Show in full"))
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Why do you need to see this in full? The reason is written to the audit "
                "log with your name."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reasons = QButtonGroup(self)
        for reason in UnmaskReason:
            button = QRadioButton(label(reason))
            button.setObjectName(f"reason_{reason.value}")
            self.reasons.addButton(button)
            button.setProperty("reason", reason.value)
            layout.addWidget(button)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Details (required for Other)"))
        layout.addWidget(self.note)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Show"))
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reasons.buttons()[0].setFocus()

    def chosen(self) -> UnmaskReason | None:
        button = self.reasons.checkedButton()
        return None if button is None else UnmaskReason(button.property("reason"))

    def _confirm(self) -> None:
        try:
            self._submit(self.chosen(), self.note.text())
        except ReasonRequired:
            self.error.setText(self.tr("Choose a reason; for Other, say what it is."))
            return
        except PermissionDenied:
            # A caller's card of another department: shown masked on the call, no more.
            self.error.setText(
                self.tr("This patient is not in your departments: identifiers stay masked.")
            )
            return
        self.accept()
