"""短信: the outbox (queue, sent, failed with Gammu's reason) and the replies, and a message
typed for one number. Not modal; everything is read off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_desk.db.sms_replies import ReplyView
from agent_desk.db.sms_views import MessageView
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.services.sms import FAILED_STATES, QUEUE_STATES, SENT_STATES, SmsService
from agent_desk.services.sms_campaigns import CampaignService
from agent_desk.ui.background import Background
from agent_desk.ui.labels import format_datetime, label


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class SmsDialog(QDialog):
    def __init__(
        self,
        service: SmsService,
        principal: Principal,
        background: Background,
        parent: QWidget | None = None,
        campaigns: tuple[CampaignService, dict[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.service, self.principal, self.background = service, principal, background
        self.campaigns = campaigns
        self.setWindowTitle(self.tr("Text messages"))
        self.resize(980, 560)
        when, kind, number, patient, text = (
            self.tr("Time"),
            self.tr("Kind"),
            self.tr("Number"),
            self.tr("Patient"),
            self.tr("Text"),
        )
        self.queue = _table([when, kind, number, patient, self.tr("State"), text])
        self.sent = _table([when, kind, number, patient, self.tr("Delivery"), text])
        self.failed = _table([when, kind, number, patient, self.tr("Reason"), text])
        self.replies = _table([when, number, patient, kind, self.tr("Handled by"), text])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, self.tr("Queue"))
        self.tabs.addTab(self.sent, self.tr("Sent"))
        self.tabs.addTab(self.failed, self.tr("Failed"))
        self.tabs.addTab(self.replies, self.tr("Replies"))
        self._reply_ids: list[object] = []
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.reload)
        self.handled = QPushButton(self.tr("Mark reply handled"))
        self.handled.clicked.connect(self._mark_handled)
        new = QPushButton(self.tr("New message…"))
        new.clicked.connect(self._compose)
        buttons = QHBoxLayout()
        for button in (new, self.handled, refresh):
            buttons.addWidget(button)
        if campaigns is not None and principal.may(Permission.SEND_CAMPAIGNS):
            campaign = QPushButton(self.tr("Campaign…"))
            campaign.clicked.connect(self.open_campaign)
            buttons.insertWidget(1, campaign)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs)
        self.reload()

    def reload(self) -> None:
        service, principal = self.service, self.principal

        def work() -> tuple[
            list[MessageView], list[MessageView], list[MessageView], list[ReplyView]
        ]:
            return (
                service.messages(principal, QUEUE_STATES),
                service.messages(principal, SENT_STATES),
                service.messages(principal, FAILED_STATES),
                service.replies(principal),
            )

        self.background.run(self, work, self._show, self._error)

    def _show(
        self, lists: tuple[list[MessageView], list[MessageView], list[MessageView], list[ReplyView]]
    ) -> None:
        queue, sent, failed, replies = lists

        def base(m: MessageView) -> list[str]:
            when = m.sent_at or m.not_before
            return [
                format_datetime(when),
                label(m.kind),
                mask_phone(m.number),
                m.patient_name or "",
            ]

        _fill(self.queue, [[*base(m), label(m.state), m.text] for m in queue])
        _fill(self.sent, [[*base(m), label(m.delivery), m.text] for m in sent])
        _fill(
            self.failed,
            [[*base(m), f"{label(m.state)}: {m.failure or ''}", m.text] for m in failed],
        )
        _fill(
            self.replies,
            [
                [
                    format_datetime(r.received_at),
                    mask_phone(r.number),
                    r.patient_name or "",
                    label(r.kind),
                    r.handled_by or "",
                    r.text,
                ]
                for r in replies
            ],
        )
        self._reply_ids = [r.reply_id for r in replies]

    def _error(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("Text messages"), str(error))

    def _mark_handled(self) -> None:
        row = self.replies.currentRow()
        if self.tabs.currentWidget() is not self.replies or not 0 <= row < len(self._reply_ids):
            return
        reply_id = self._reply_ids[row]
        service, principal = self.service, self.principal
        self.background.run(
            self,
            lambda: service.mark_reply_handled(principal, reply_id),  # type: ignore[arg-type]
            lambda _done: self.reload(),
            self._error,
        )

    def open_campaign(self) -> None:
        from agent_desk.ui.sms_campaign import CampaignDialog

        assert self.campaigns is not None
        service, templates = self.campaigns
        dialog = CampaignDialog(service, templates, self.principal, self.background, self)
        dialog.finished.connect(lambda _code: self.reload())
        dialog.open()

    def _compose(self) -> None:
        dialog = ComposeDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        number, text = dialog.number.text(), dialog.text.toPlainText()
        service, principal = self.service, self.principal
        self.background.run(
            self,
            lambda: service.send(principal, number, text),
            lambda _id: self.reload(),
            self._error,
        )


class ComposeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New text message"))
        self.number = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("The hospital's signature is added to every message"))
        form = QFormLayout(self)
        form.addRow(self.tr("Number:"), self.number)
        form.addRow(self.tr("Text:"), self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
