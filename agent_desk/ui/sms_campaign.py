"""群发: a template, a patient filter, a preview (how many, who is skipped, samples), and a
send confirmed for exactly the number previewed. Supervisors only (the service checks)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from agent_desk.domain.permissions import Principal
from agent_desk.domain.sms_filter import parse_filter
from agent_desk.services.sms_campaigns import CampaignPreview, CampaignResult, CampaignService
from agent_desk.ui.background import Background


class CampaignDialog(QDialog):
    def __init__(
        self,
        service: CampaignService,
        templates: dict[str, str],
        principal: Principal,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.templates = service, templates
        self.principal, self.background = principal, background
        self.preview_count: int | None = None
        self.setWindowTitle(self.tr("SMS campaign"))
        self.resize(720, 520)
        self.names = QComboBox()
        self.names.addItems(sorted(templates))
        self.template = QPlainTextEdit()
        self.template.setPlaceholderText(
            self.tr("Placeholders: {姓名} {科室} {出院日期} {复诊时间}")
        )
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(
            "department=CARD,icd10=I10,discharged=2026-11-01..2026-11-30,age=60..80"
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.samples = QListWidget()
        self.preview_button = QPushButton(self.tr("Preview"))
        self.send_button = QPushButton(self.tr("Send…"))
        self.send_button.setEnabled(False)
        self.names.currentTextChanged.connect(self._choose)
        self.template.textChanged.connect(self._changed)
        self.filter.textChanged.connect(self._changed)
        self.preview_button.clicked.connect(self.preview)
        self.send_button.clicked.connect(self.send)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.addRow(self.tr("Template:"), self.names)
        form.addRow(self.tr("Text:"), self.template)
        form.addRow(self.tr("Patients:"), self.filter)
        form.addRow(buttons)
        form.addRow(self.summary)
        form.addRow(self.samples)
        self._choose(self.names.currentText())

    def _choose(self, name: str) -> None:
        self.template.setPlainText(self.templates.get(name, ""))

    def _changed(self) -> None:
        self.preview_count = None  # what was previewed is no longer what would be sent
        self.send_button.setEnabled(False)

    def preview(self) -> None:
        service, principal = self.service, self.principal
        text, written = self.template.toPlainText(), self.filter.text()
        self.background.run(
            self,
            lambda: service.preview(principal, text, parse_filter(written)),
            self._show_preview,
            self._error,
        )

    def _show_preview(self, preview: CampaignPreview) -> None:
        reach = self.tr("%1 patients, %2 message part(s) each.")
        skipped = self.tr("Skipped: %1 no SMS consent, %2 no mobile number, %3 do not contact.")
        reach = reach.replace("%1", str(preview.sendable)).replace("%2", str(preview.parts_each))
        skipped = (
            skipped.replace("%1", str(preview.no_consent))
            .replace("%2", str(preview.no_number))
            .replace("%3", str(preview.do_not_contact))
        )
        self.summary.setText(f"{reach} {skipped}")
        self.samples.clear()
        self.samples.addItems([f"{s.name} {s.number}: {s.text}" for s in preview.samples])
        self.preview_count = preview.sendable
        self.send_button.setEnabled(preview.sendable > 0)

    def send(self) -> None:
        count = self.preview_count
        if count is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("SMS campaign"),
            self.tr("Send this message to %1 patients?").replace("%1", str(count)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        service, principal = self.service, self.principal
        name, text, written = (
            self.names.currentText(),
            self.template.toPlainText(),
            self.filter.text(),
        )
        self.background.run(
            self,
            lambda: service.send(principal, name, text, parse_filter(written), expected=count),
            self._sent,
            self._error,
        )

    def _sent(self, result: CampaignResult) -> None:
        self.summary.setText(self.tr("%1 messages queued.").replace("%1", str(result.queued)))
        self.send_button.setEnabled(False)
        self.preview_count = None

    def _error(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("SMS campaign"), str(error))
