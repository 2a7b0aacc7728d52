"""A supervisor writes or edits a knowledge-base article; each save is a new version."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from agent_desk.db.knowledge import ArticleView
from agent_desk.domain.enums import KnowledgeKind
from agent_desk.domain.knowledge_markdown import article_text
from agent_desk.domain.permissions import Principal
from agent_desk.errors import UserError
from agent_desk.services.knowledge import KnowledgeService
from agent_desk.ui.labels import label


class ArticleEditor(QDialog):
    def __init__(
        self,
        service: KnowledgeService,
        principal: Principal,
        article: ArticleView | None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._principal = principal
        self._key = article.key if article is not None else None
        self.saved_id: uuid.UUID | None = None
        self.setWindowTitle(self.tr("Edit article") if article else self.tr("New article"))
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(article.title if article else "")
        form.addRow(self.tr("Title"), self.title)
        self.kind = QComboBox()
        for kind in KnowledgeKind:
            self.kind.addItem(label(kind), kind)
        if article is not None:
            self.kind.setCurrentIndex(list(KnowledgeKind).index(article.kind))
        form.addRow(self.tr("Kind"), self.kind)
        self.tags = QLineEdit("、".join(article.tags) if article else "")
        self.tags.setPlaceholderText(self.tr("separated by commas or 、"))
        form.addRow(self.tr("Tags"), self.tags)
        self.department = QLineEdit(article.department_code or "" if article else "")
        self.department.setPlaceholderText(self.tr("department code; empty: every department"))
        form.addRow(self.tr("Department"), self.department)
        self.icd10 = QLineEdit(", ".join(article.icd10_prefixes) if article else "")
        self.icd10.setPlaceholderText(self.tr("ICD-10 prefixes, e.g. I10, E11"))
        form.addRow(self.tr("ICD-10"), self.icd10)
        layout.addLayout(form)
        self.body = QPlainTextEdit(article.body if article else "")
        self.body.setPlaceholderText(self.tr("The article's text (Markdown)"))
        layout.addWidget(self.body, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Saved in one short write (an article is a few kilobytes); what is typed stays
        in the editor when it is refused."""
        try:
            text = article_text(
                self.title.text(),
                str(self.kind.currentData()),  # a StrEnum comes back as its value
                self.tags.text(),
                self.department.text() or None,
                self.icd10.text(),
                self.body.toPlainText(),
            )
            self.saved_id = self._service.save(self._key, text, self._principal)
        except UserError as error:
            self.error.setText(str(error))
            return
        self.accept()
