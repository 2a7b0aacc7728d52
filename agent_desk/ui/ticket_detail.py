"""One ticket beside the 工单 list: what was said, its history, and what the user may do
with it now: reply for the department, reroute (with the suggested department shown, never
applied unasked), call the patient back and close, open a dispute's case record."""

from __future__ import annotations

import html
import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from agent_desk.db.tickets import TicketDetail
from agent_desk.domain.enums import CallbackSatisfaction, TicketKind, TicketState
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.services.ticket_suggest import Suggestion
from agent_desk.ui.labels import format_datetime, label


class TicketDetailPanel(QWidget):
    reply_requested = Signal(str)
    reroute_requested = Signal(object, str)  # department id, note
    callback_requested = Signal(object, str)  # CallbackSatisfaction, note
    close_requested = Signal()
    case_requested = Signal()

    def __init__(
        self, principal: Principal, departments: list[tuple[uuid.UUID, str]], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._principal = principal
        self.detail: TicketDetail | None = None
        self._suggested: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(self.title)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.history = QTextBrowser()
        layout.addWidget(self.history, 1)

        self.reply_box = QGroupBox(self.tr("Reply for the department"))
        reply_layout = QVBoxLayout(self.reply_box)
        self.reply_text = QPlainTextEdit()
        self.reply_text.setPlaceholderText(self.tr("What the department did about it"))
        self.reply_text.setMaximumHeight(70)
        reply_layout.addWidget(self.reply_text)
        self.reply_button = QPushButton(self.tr("Send reply"))
        self.reply_button.clicked.connect(
            lambda: self.reply_requested.emit(self.reply_text.toPlainText())
        )
        reply_layout.addWidget(self.reply_button)
        layout.addWidget(self.reply_box)

        self.route_box = QGroupBox(self.tr("Reroute"))
        route_layout = QFormLayout(self.route_box)
        self.department = QComboBox()
        for department_id, name in departments:  # ids as text: Qt compares those by value
            self.department.addItem(name, str(department_id))
        route_layout.addRow(self.tr("Department:"), self.department)
        suggestion_row = QHBoxLayout()
        self.suggestion = QLabel()
        suggestion_row.addWidget(self.suggestion, 1)
        self.use_suggestion = QPushButton(self.tr("Choose the suggestion"))
        self.use_suggestion.clicked.connect(self._choose_suggestion)
        suggestion_row.addWidget(self.use_suggestion)
        route_layout.addRow(suggestion_row)
        self.route_note = QLineEdit()
        self.route_note.setPlaceholderText(self.tr("Why (optional)"))
        route_layout.addRow(self.route_note)
        self.route_button = QPushButton(self.tr("Reroute"))
        self.route_button.clicked.connect(
            lambda: self.reroute_requested.emit(
                uuid.UUID(self.department.currentData()), self.route_note.text()
            )
        )
        route_layout.addRow(self.route_button)
        layout.addWidget(self.route_box)

        self.callback_box = QGroupBox(self.tr("Callback to the patient"))
        callback_layout = QFormLayout(self.callback_box)
        self.satisfaction = QComboBox()
        for value in CallbackSatisfaction:
            self.satisfaction.addItem(label(value), value)
        callback_layout.addRow(self.tr("Satisfied with the handling:"), self.satisfaction)
        self.callback_note = QLineEdit()
        self.callback_note.setPlaceholderText(self.tr("What the patient said"))
        callback_layout.addRow(self.callback_note)
        buttons = QHBoxLayout()
        self.callback_button = QPushButton(self.tr("Record callback and close"))
        self.callback_button.clicked.connect(
            lambda: self.callback_requested.emit(
                CallbackSatisfaction(self.satisfaction.currentData()), self.callback_note.text()
            )
        )
        buttons.addWidget(self.callback_button)
        self.close_button = QPushButton(self.tr("Close without callback"))
        self.close_button.clicked.connect(self.close_requested.emit)
        buttons.addWidget(self.close_button)
        callback_layout.addRow(buttons)
        layout.addWidget(self.callback_box)

        self.case_button = QPushButton(self.tr("Dispute case record…"))
        self.case_button.clicked.connect(self.case_requested.emit)
        layout.addWidget(self.case_button)
        self.show_detail(None)

    def show_detail(self, detail: TicketDetail | None) -> None:
        self.detail = detail
        self.show_suggestion(None, "")
        self.reply_text.clear()
        self.callback_note.clear()
        self.route_note.clear()
        if detail is None:
            self.title.setText(self.tr("Choose a ticket"))
            self.facts.clear()
            self.history.clear()
            for box in (self.reply_box, self.route_box, self.callback_box, self.case_button):
                box.setVisible(False)
            return
        row = detail.row
        self.title.setText(f"{label(row.kind)} · {label(row.state)}")
        self.facts.setText(self._facts(detail))
        self.history.setHtml(self._history(detail))
        may = self._principal.may
        state = row.state
        open_ = state is not TicketState.CLOSED
        self.reply_box.setVisible(
            may(Permission.REPLY_TICKETS)
            and row.department_id is not None
            and state not in (TicketState.CALLED_BACK, TicketState.CLOSED)
        )
        self.reply_text.setPlainText(detail.reply or "")
        self.route_box.setVisible(may(Permission.MANAGE_TICKETS) and open_)
        index = self.department.findData(str(row.department_id))
        if index >= 0:
            self.department.setCurrentIndex(index)
        self.callback_box.setVisible(
            may(Permission.CALL_BACK_TICKETS) and state is TicketState.REPLIED
        )
        self.close_button.setVisible(row.kind not in (TicketKind.COMPLAINT, TicketKind.DISPUTE))
        self.case_button.setVisible(
            row.kind is TicketKind.DISPUTE
            and (may(Permission.MANAGE_TICKETS) or self._principal.username in detail.assignees)
        )

    def show_suggestion(self, suggestion: Suggestion | None, name: str) -> None:
        """The department the earlier routings point to: shown, applied only on a click."""
        self._suggested = suggestion.department_id if suggestion is not None else None
        self.use_suggestion.setVisible(suggestion is not None)
        if suggestion is None:
            self.suggestion.setText(self.tr("No suggestion"))
            return
        self.suggestion.setText(
            self.tr("Suggested: %1 (%2% sure, from %3 earlier tickets)")
            .replace("%1", name)
            .replace("%2", f"{suggestion.probability * 100:.0f}")
            .replace("%3", str(suggestion.examples))
        )

    def _choose_suggestion(self) -> None:
        index = self.department.findData(str(self._suggested))
        if index >= 0:
            self.department.setCurrentIndex(index)

    def _facts(self, detail: TicketDetail) -> str:
        row = detail.row
        lines = [
            self.tr("Patient: %1").replace("%1", row.patient_name or "—"),
            self.tr("Department: %1").replace("%1", row.department or self.tr("Not routed")),
            self.tr("Source: %1").replace("%1", label(detail.source)),
            self.tr("Severity: %1").replace("%1", label(row.severity)),
            self.tr("Due: %1").replace("%1", format_datetime(row.due_at))
            + (self.tr(" (overdue)") if row.overdue else ""),
            self.tr("To the office after: %1").replace("%1", format_datetime(detail.office_due_at)),
        ]
        if detail.routed_by is not None:
            lines.append(self.tr("Routed by: %1").replace("%1", label(detail.routed_by)))
        if detail.call_id is not None:
            recording = label(detail.recording) if detail.recording else self.tr("none")
            lines.append(self.tr("From a call; recording: %1").replace("%1", recording))
        if detail.escalated_to:
            lines.append(self.tr("Escalated to: %1").replace("%1", detail.escalated_to))
        if detail.assignees:
            lines.append(self.tr("Assigned: %1").replace("%1", "、".join(detail.assignees)))
        return "\n".join(lines)

    def _history(self, detail: TicketDetail) -> str:
        parts = [f"<p><b>{html.escape(detail.row.text)}</b></p><ul>"]
        for event in detail.events:
            where = f" → {html.escape(event.department)}" if event.department else ""
            note = f": {html.escape(event.note)}" if event.note else ""
            parts.append(
                f"<li>{format_datetime(event.at)} {html.escape(event.actor)} "
                f"{html.escape(label(event.kind))}{where}{note}</li>"
            )
        parts.append("</ul>")
        return "".join(parts)
