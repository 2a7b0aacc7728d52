"""Two small dialogs of the ticket flow: 登记投诉 on a call, and a dispute's case record."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from agent_desk.db.tickets import NewTicket
from agent_desk.domain.enums import TicketKind, TicketSeverity, TicketSource
from agent_desk.services.tickets import CaseRecord
from agent_desk.ui.labels import label

# What an agent takes on an inbound call; red flags come from forms only.
_CALL_KINDS = (
    TicketKind.COMPLAINT,
    TicketKind.CRITICISM,
    TicketKind.SUGGESTION,
    TicketKind.PRAISE,
    TicketKind.DISPUTE,
)


class ComplaintDialog(QDialog):
    """登记投诉: what the caller said, for the department concerned (or routed for them)."""

    def __init__(
        self,
        departments: list[tuple[uuid.UUID, str]],
        patient_name: str | None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Register a complaint"))
        self.resize(520, 360)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(self.tr("Patient:"), QLabel(patient_name or self.tr("Unknown caller")))
        self.kind = QComboBox()
        for kind in _CALL_KINDS:
            self.kind.addItem(label(kind), kind)
        form.addRow(self.tr("Kind:"), self.kind)
        self.department = QComboBox()
        self.department.addItem(self.tr("Route it for me"), None)
        for department_id, name in departments:
            self.department.addItem(name, str(department_id))
        form.addRow(self.tr("Department concerned:"), self.department)
        self.severity = QComboBox()
        for severity in TicketSeverity:
            self.severity.addItem(label(severity), severity)
        form.addRow(self.tr("Severity:"), self.severity)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("What the caller said, in their words"))
        form.addRow(self.tr("Text:"), self.text)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.text.toPlainText().strip():
            self.error.setText(self.tr("Write what the caller said first."))
            return
        self.accept()

    def ticket(self, patient_id: uuid.UUID | None, call_id: uuid.UUID | None) -> NewTicket:
        department = self.department.currentData()
        return NewTicket(
            TicketKind(self.kind.currentData()),
            TicketSource.CALL,
            self.text.toPlainText().strip(),
            patient_id=patient_id,
            call_id=call_id,
            department_id=None if department is None else uuid.UUID(department),
            severity=TicketSeverity(self.severity.currentData()),
        )


class CaseDialog(QDialog):
    """A dispute's case record; opening it was audited by the service before it shows."""

    def __init__(self, record: CaseRecord, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dispute case record"))
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        notice = QLabel(self.tr("Restricted: every opening of this record is in the audit log."))
        notice.setStyleSheet("color: #8a5a00;")
        layout.addWidget(notice)
        form = QFormLayout()
        self.fields: dict[str, QPlainTextEdit] = {}
        for key, caption in (
            ("what_happened", self.tr("What happened:")),
            ("people_involved", self.tr("People involved:")),
            ("steps_taken", self.tr("Steps taken:")),
            ("outcome", self.tr("Outcome:")),
            ("compensation", self.tr("Compensation:")),
        ):
            edit = QPlainTextEdit(getattr(record, key))
            edit.setMaximumHeight(80)
            self.fields[key] = edit
            form.addRow(caption, edit)
        layout.addLayout(form)
        if record.updated_by:
            layout.addWidget(QLabel(self.tr("Last changed by %1").replace("%1", record.updated_by)))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def record(self) -> CaseRecord:
        return CaseRecord(**{key: edit.toPlainText() for key, edit in self.fields.items()})
