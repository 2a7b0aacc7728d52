"""知识库 (F1): a search box, the matching articles, and the chosen article with its
versions; supervisors edit from here. Not modal: it stays open beside the card."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from agent_desk.db.knowledge import ArticleView, VersionView
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.services.knowledge import KnowledgeHit, KnowledgeService
from agent_desk.ui.background import Background
from agent_desk.ui.knowledge_editor import ArticleEditor
from agent_desk.ui.labels import format_datetime, label

SEARCH_DELAY_MS = 150  # typing pauses this long before a search runs
_ARTICLE_ROLE = Qt.ItemDataRole.UserRole


class KnowledgeDialog(QDialog):
    def __init__(
        self,
        service: KnowledgeService,
        principal: Principal,
        background: Background,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._principal = principal
        self._background = background
        self._article: ArticleView | None = None
        self._versions: list[VersionView] = []
        self._asked = ""  # the query whose answer is awaited; older answers are dropped
        self.setWindowTitle(self.tr("Knowledge base"))
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(
            self.tr("Search articles: words separated by spaces, e.g. 高血压 饮食")
        )
        self.search_box.setClearButtonEnabled(True)
        layout.addWidget(self.search_box)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.search_box.textChanged.connect(lambda _text: self._timer.start())
        self.search_box.returnPressed.connect(self.search)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.currentItemChanged.connect(self._chosen)
        left_layout.addWidget(self.results, 1)
        self.status = QLabel()
        left_layout.addWidget(self.status)
        split.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("QLabel { font-size: 16px; font-weight: bold; }")
        head.addWidget(self.title, 1)
        self.version_combo = QComboBox()
        self.version_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.version_combo.currentIndexChanged.connect(self._version_chosen)
        head.addWidget(self.version_combo)
        right_layout.addLayout(head)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setStyleSheet("QLabel { color: #555; }")
        right_layout.addWidget(self.meta)
        self.body = QTextBrowser()
        right_layout.addWidget(self.body, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        may_edit = principal.may(Permission.EDIT_KNOWLEDGE)
        self.new_button = QPushButton(self.tr("New article…"))
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(lambda: self.edit(self._article))
        for button in (self.new_button, self.edit_button):
            button.setVisible(may_edit)
            buttons.addWidget(button)
        self.edit_button.setEnabled(False)
        right_layout.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([340, 560])
        layout.addWidget(split, 1)

    def open_search(self) -> None:
        """F1: shown, raised, and the box ready for typing."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.search_box.setFocus()
        self.search_box.selectAll()

    def search(self) -> None:
        self._timer.stop()
        query = self.search_box.text().strip()
        self._asked = query
        if not query:
            self.results.clear()
            self.status.clear()
            return
        principal = self._principal
        self._background.run(
            self,
            lambda: self._service.search(query, principal),
            lambda hits: self._show_hits(query, hits),
            lambda error: self.status.setText(str(error)),
        )

    def _show_hits(self, query: str, hits: list[KnowledgeHit]) -> None:
        if query != self._asked:
            return  # typed on meanwhile: a newer answer is coming
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.title}\n{hit.snippet}")
            item.setData(_ARTICLE_ROLE, hit.id)
            item.setToolTip(hit.title)
            self.results.addItem(item)
        self.status.setText(
            self.tr("Articles found: %1").replace("%1", str(len(hits)))
            if hits
            else self.tr("No article matches '%1'.").replace("%1", query)
        )
        if hits:
            self.results.setCurrentRow(0)

    def _chosen(self, current: QListWidgetItem | None, _previous: Any) -> None:
        if current is not None:
            self.show_article(current.data(_ARTICLE_ROLE))

    def show_article(self, article_id: uuid.UUID) -> None:
        """Read the article (and its versions) off the GUI thread, then show it."""
        principal = self._principal

        def read() -> tuple[ArticleView | None, list[VersionView]]:
            return (
                self._service.article(article_id, principal),
                self._service.versions(article_id, principal),
            )

        self._background.run(self, read, self._show, lambda error: self.status.setText(str(error)))

    def _show(self, found: tuple[ArticleView | None, list[VersionView]]) -> None:
        article, versions = found
        self._article, self._versions = article, versions
        self.edit_button.setEnabled(article is not None)
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        for version in versions:
            self.version_combo.addItem(
                self.tr("Version %1 · %2 · %3")
                .replace("%1", str(version.revision))
                .replace("%2", version.edited_by)
                .replace("%3", format_datetime(version.edited_at))
            )
        self.version_combo.blockSignals(False)
        if article is None:
            self.title.clear()
            self.meta.clear()
            self.body.clear()
            return
        self.title.setText(article.title)
        parts = [label(article.kind)]
        if article.department_name:
            parts.append(article.department_name)
        if article.icd10_prefixes:
            parts.append("ICD-10 " + ", ".join(article.icd10_prefixes))
        if article.tags:
            parts.append(self.tr("Tags: %1").replace("%1", "、".join(article.tags)))
        self.meta.setText(" · ".join(parts))
        self.body.setMarkdown(article.body)

    def _version_chosen(self, index: int) -> None:
        if 0 <= index < len(self._versions):
            self.body.setMarkdown(self._versions[index].body)

    def edit(self, article: ArticleView | None) -> None:
        editor = ArticleEditor(self._service, self._principal, article, self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.saved_id is not None:
            self.show_article(editor.saved_id)
