"""The window's part of the ticket flow: the 工单 screen in the menu, 登记投诉 on the call
strip, and the escalation pass on a timer for those who manage tickets.

The strings keep the window's translation context ("MainWindow"): they are its words.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from agent_desk.domain.permissions import Permission
from agent_desk.errors import UserError
from agent_desk.services.tickets import EscalationReport, TicketService
from agent_desk.settings import Settings

if TYPE_CHECKING:  # the screens' modules load when one first opens, not with the window
    from agent_desk.ui.main_window import MainWindow
    from agent_desk.ui.ticket_dialogs import ComplaintDialog
    from agent_desk.ui.tickets_view import TicketsDialog

log = logging.getLogger(__name__)


class WindowTickets:
    """Held by the window (window.tickets_ui); built once the window exists."""

    def __init__(self, window: MainWindow, service: TicketService, settings: Settings) -> None:
        self.window = window
        self.service = service
        principal = window.user.principal
        self.timer: QTimer | None = None
        if principal.may(Permission.VIEW_TICKETS):
            menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Tickets"))
            action = QAction(QCoreApplication.translate("MainWindow", "Tickets…"), window)
            action.setObjectName("tickets_action")
            action.setShortcut(QKeySequence("Ctrl+T"))
            action.triggered.connect(lambda: self.open_tickets())
            menu.addAction(action)
        window.call_panel.complaint.connect(self.register_complaint)
        window.call_panel.complaint_button.setEnabled(principal.may(Permission.OPEN_TICKETS))
        if principal.may(Permission.MANAGE_TICKETS):
            # Every supervisor's window runs the pass: two that escalate one ticket make
            # the same change (agent_desk.db.sync_tables), so no review follows.
            self.timer = QTimer(window)
            self.timer.setInterval(int(settings.get("tickets.escalate_minutes")) * 60_000)
            self.timer.timeout.connect(self.escalate)
            self.timer.start()

    def open_tickets(self) -> TicketsDialog:
        from agent_desk.ui.tickets_view import TicketsDialog

        window = self.window
        dialog = TicketsDialog(self.service, window.user.principal, window.background, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def register_complaint(self) -> ComplaintDialog | None:
        """登记投诉 on the live call: the card's patient, the call and its recording."""
        window = self.window
        principal = window.user.principal
        if not principal.may(Permission.OPEN_TICKETS):
            return None
        from agent_desk.ui.ticket_dialogs import ComplaintDialog

        card = window.card.card
        departments = [(d, name) for d, _code, name in self.service.departments(principal)]
        dialog = ComplaintDialog(departments, card.name if card is not None else None, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return dialog
        call_id = window.calls.current_call_log_id() if window.calls is not None else None
        try:
            self.service.open_ticket(
                dialog.ticket(card.id if card is not None else None, call_id), principal
            )
        except UserError as exc:
            window.statusBar().showMessage(str(exc), 8000)
            return dialog
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Ticket registered."), 8000
        )
        return dialog

    def escalate(self) -> None:
        principal = self.window.user.principal
        self.window.background.run(
            self.window,
            lambda: self.service.escalate(principal),
            self._escalated,
            lambda error: log.error("ticket escalation pass failed", exc_info=error),
        )

    def _escalated(self, report: EscalationReport) -> None:
        moved = report.escalated + report.to_office
        if moved:
            self.window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "%1 overdue tickets escalated.").replace(
                    "%1", str(moved)
                ),
                8000,
            )
