"""工单: the feedback tickets of the user's departments, filtered by overdue, department,
kind and state, with the chosen one's detail beside the list. Reads and the suggestion
run in the background; the changes are one local write each."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
)

from agent_desk.db.tickets import TicketDetail, TicketFilter, TicketRow
from agent_desk.domain.enums import CallbackSatisfaction, TicketKind, TicketState
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError
from agent_desk.services.ticket_suggest import Suggestion
from agent_desk.services.tickets import TicketService
from agent_desk.ui.background import Background
from agent_desk.ui.labels import label
from agent_desk.ui.ticket_detail import TicketDetailPanel
from agent_desk.ui.ticket_dialogs import CaseDialog
from agent_desk.ui.tickets_model import Column, TicketsModel

log = logging.getLogger(__name__)


class TicketsDialog(QDialog):
    def __init__(
        self,
        service: TicketService,
        principal: Principal,
        background: Background,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._principal = principal
        self._background = background
        self.setWindowTitle(self.tr("Tickets"))
        self.resize(1280, 760)
        departments = [(d, name) for d, _code, name in service.departments(principal)]
        self._names = dict(departments)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.overdue = QCheckBox(self.tr("Overdue only"))
        bar.addWidget(self.overdue)
        self.department = self._combo(
            bar, self.tr("Department:"), [(str(d), name) for d, name in departments]
        )
        self.kind = self._combo(bar, self.tr("Kind:"), [(k, label(k)) for k in TicketKind])
        self.state = self._combo(bar, self.tr("State:"), [(s, label(s)) for s in TicketState])
        bar.addStretch(1)
        self.count = QLabel()
        bar.addWidget(self.count)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.reload)
        bar.addWidget(refresh)
        layout.addLayout(bar)
        self.overdue.toggled.connect(self.reload)
        for combo in (self.department, self.kind, self.state):
            combo.currentIndexChanged.connect(self.reload)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = TicketsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        splitter.addWidget(self.table)
        self.panel = TicketDetailPanel(principal, departments)
        self.panel.reply_requested.connect(self._reply)
        self.panel.reroute_requested.connect(self._reroute)
        self.panel.callback_requested.connect(self._call_back)
        self.panel.close_requested.connect(self._close)
        self.panel.case_requested.connect(self.open_case)
        splitter.addWidget(self.panel)
        splitter.setSizes([780, 480])
        layout.addWidget(splitter, 1)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.message)
        self.reload()

    def _combo(self, bar: QHBoxLayout, caption: str, items: list[tuple[Any, str]]) -> QComboBox:
        bar.addWidget(QLabel(caption))
        combo = QComboBox()
        combo.addItem(self.tr("All"), None)
        for value, text in items:
            combo.addItem(text, value)
        bar.addWidget(combo)
        return combo

    def current_filter(self) -> TicketFilter:
        # Qt hands a StrEnum back from a combo box as its plain string.
        kind, state = self.kind.currentData(), self.state.currentData()
        department = self.department.currentData()
        return TicketFilter(
            overdue=self.overdue.isChecked(),
            department_id=None if department is None else uuid.UUID(department),
            kind=None if kind is None else TicketKind(kind),
            state=None if state is None else TicketState(state),
        )

    # --- reading -------------------------------------------------------------------------

    def reload(self, keep: uuid.UUID | None = None) -> None:
        flt = self.current_filter()
        self._background.run(
            self,
            lambda: self._service.list_tickets(self._principal, flt),
            lambda rows: self._show_rows(rows, keep),
            self._failed,
        )

    def _show_rows(self, rows: list[TicketRow], keep: uuid.UUID | None) -> None:
        self.model.set_rows(rows)
        self.count.setText(self.tr("%1 tickets").replace("%1", str(len(rows))))
        for index, row in enumerate(rows):
            if row.id == keep:
                self.table.selectRow(index)
                return
        self.panel.show_detail(None)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.panel.show_detail(None)
            return
        ticket_id = self.model.row_at(rows[0].row()).id
        self._background.run(
            self,
            lambda: self._service.detail(ticket_id, self._principal),
            self._show_detail,
            self._failed,
        )

    def _show_detail(self, detail: TicketDetail) -> None:
        self.message.clear()
        self.panel.show_detail(detail)
        if self._principal.may(Permission.MANAGE_TICKETS) and detail.row.state is not (
            TicketState.CLOSED
        ):
            ticket_id = detail.row.id
            self._background.run(
                self,
                lambda: self._service.suggest(ticket_id, self._principal),
                lambda suggestion: self._show_suggestion(ticket_id, suggestion),
                self._failed,
            )

    def _show_suggestion(self, ticket_id: uuid.UUID, suggestion: Suggestion | None) -> None:
        detail = self.panel.detail
        if detail is None or detail.row.id != ticket_id:
            return  # another ticket was chosen meanwhile
        name = self._names.get(suggestion.department_id, "") if suggestion else ""
        self.panel.show_suggestion(suggestion, name)

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, UserError):
            log.error("tickets screen", exc_info=error)
        self.message.setText(str(error).splitlines()[0] if str(error) else type(error).__name__)

    # --- changing ------------------------------------------------------------------------

    def _act(self, change: Any) -> None:
        """One change to the chosen ticket; the list and the detail then show it."""
        detail = self.panel.detail
        if detail is None:
            return
        try:
            change(detail.row.id)
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.message.clear()
        self.reload(keep=detail.row.id)

    def _reply(self, text: str) -> None:
        self._act(lambda ticket: self._service.reply(ticket, text, self._principal))

    def _reroute(self, department: uuid.UUID, note: str) -> None:
        self._act(lambda ticket: self._service.reroute(ticket, department, self._principal, note))

    def _call_back(self, satisfaction: CallbackSatisfaction, note: str) -> None:
        self._act(
            lambda ticket: self._service.call_back(ticket, satisfaction, note, self._principal)
        )

    def _close(self) -> None:
        self._act(lambda ticket: self._service.close(ticket, self._principal))

    def open_case(self) -> CaseDialog | None:
        """The dispute's case record: the service audits the opening before it shows."""
        detail = self.panel.detail
        if detail is None:
            return None
        try:
            record = self._service.case(detail.row.id, self._principal)
        except UserError as exc:
            self.message.setText(str(exc))
            return None
        dialog = CaseDialog(record, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._act(
                lambda ticket: self._service.save_case(ticket, dialog.record(), self._principal)
            )
        return dialog
