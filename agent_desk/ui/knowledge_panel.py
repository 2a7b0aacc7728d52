"""相关知识: the articles for the patient on the card (their diagnoses' ICD-10 prefixes,
their departments), beside the card and the form; a double-click reads one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from agent_desk.db.knowledge import ArticleView
from agent_desk.domain.permissions import Principal
from agent_desk.services.knowledge import KnowledgeService
from agent_desk.ui.background import Background
from agent_desk.ui.labels import label

_ARTICLE_ROLE = Qt.ItemDataRole.UserRole


class KnowledgeSuggestions(QWidget):
    def __init__(
        self,
        service: KnowledgeService,
        principal: Principal,
        background: Background,
        open_article: Callable[[uuid.UUID], None],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._principal = principal
        self._background = background
        self._patient: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.hint = QLabel(self.tr("Open a patient to see the articles for their diagnoses."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("QLabel { color: #555; }")
        layout.addWidget(self.hint)
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.itemActivated.connect(lambda item: open_article(item.data(_ARTICLE_ROLE)))
        layout.addWidget(self.list, 1)

    def show_for(self, patient_id: uuid.UUID | None) -> None:
        self._patient = patient_id
        self.list.clear()
        if patient_id is None:
            self.hint.setText(self.tr("Open a patient to see the articles for their diagnoses."))
            return
        principal = self._principal
        self._background.run(
            self,
            lambda: self._service.suggest(patient_id, principal),
            lambda found: self._show(patient_id, found),
            lambda error: self.hint.setText(str(error)),
        )

    def _show(self, patient_id: uuid.UUID, articles: list[ArticleView]) -> None:
        if patient_id != self._patient:
            return  # another patient came meanwhile
        self.list.clear()
        for article in articles:
            # One line: Chinese has no spaces to wrap at, and a second line is elided.
            item = QListWidgetItem(article.title)
            item.setData(_ARTICLE_ROLE, article.id)
            item.setToolTip(f"{label(article.kind)}: {article.title}")
            self.list.addItem(item)
        self.hint.setText(
            self.tr("For this patient (double-click to read):")
            if articles
            else self.tr("No article for this patient's diagnoses.")
        )
