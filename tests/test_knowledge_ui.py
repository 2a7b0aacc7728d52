"""知识库 in the window: F1 from any screen, Chinese search as one types, an article's
versions, a supervisor's edit, and the articles beside the card for its patient."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.domain.knowledge_markdown import article_text
from agent_desk.services.knowledge import KnowledgeService
from tests.builders import SUPERVISOR, Hospital
from tests.desk_window import desk_window

SHOTS = Path(__file__).resolve().parent.parent / "build" / "screens"


@pytest.fixture
def articles(db: Database, hospital: Hospital) -> KnowledgeService:
    service = KnowledgeService(db)
    service.save(
        "mi",
        article_text(
            "心肌梗死出院后的康复", "education", "冠心病", None, "I21", "按时服药，逐步恢复活动。"
        ),
        SUPERVISOR,
    )
    service.save(
        "bp",
        article_text("家庭血压测量", "education", "高血压", "CARD", "I10", "早晚各测一次血压。"),
        SUPERVISOR,
    )
    return service


def test_f1_opens_the_search_and_a_two_character_word_finds_the_article(
    qtbot, db: Database, tmp_path: Path, articles: KnowledgeService
) -> None:
    window = desk_window(qtbot, db, tmp_path)
    with qtbot.waitActive(window):
        window.show()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.knowledge.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.search_box.setText("血压")  # as an input method commits it; the search follows
    qtbot.waitUntil(lambda: dialog.results.count() == 1)
    assert dialog.results.item(0).text().startswith("家庭血压测量")
    qtbot.waitUntil(lambda: dialog.title.text() == "家庭血压测量")
    assert "早晚各测一次血压" in dialog.body.toPlainText()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "knowledge_dialog.png"))


def test_f1_works_from_another_window_of_the_workstation(
    qtbot, db: Database, tmp_path: Path, articles: KnowledgeService
) -> None:
    window = desk_window(qtbot, db, tmp_path)
    window.show()
    with qtbot.waitActive(window):
        other = window.open_audit_log()
    assert other is not None
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    assert not window.knowledge.dialog.isVisible()
    qtbot.keyClick(other, Qt.Key.Key_F1)
    qtbot.waitUntil(window.knowledge.dialog.isVisible)


def test_a_supervisor_edits_and_the_old_version_stays_readable(
    qtbot, db: Database, tmp_path: Path, articles: KnowledgeService, monkeypatch
) -> None:
    window = desk_window(qtbot, db, tmp_path)
    dialog = window.knowledge.dialog
    dialog.open_search()
    dialog.search_box.setText("家庭血压")
    dialog.search()
    qtbot.waitUntil(lambda: dialog.title.text() == "家庭血压测量")

    def edit_and_save(editor: QDialog) -> QDialog.DialogCode:
        editor.body.setPlainText("每周测两天，每天早晚各一次。")
        editor.save()
        return editor.result()

    from agent_desk.ui.knowledge_editor import ArticleEditor

    monkeypatch.setattr(ArticleEditor, "exec", edit_and_save)
    dialog.edit_button.click()
    qtbot.waitUntil(lambda: dialog.version_combo.count() == 2)
    assert "每周测两天" in dialog.body.toPlainText()
    dialog.version_combo.setCurrentIndex(1)
    assert "早晚各测一次血压" in dialog.body.toPlainText()


def test_an_agent_reads_but_has_no_edit_buttons(
    qtbot, db: Database, tmp_path: Path, articles: KnowledgeService
) -> None:
    window = desk_window(qtbot, db, tmp_path, "agent1", (Role.AGENT,))
    dialog = window.knowledge.dialog
    assert dialog.edit_button.isHidden() and dialog.new_button.isHidden()


def test_the_card_shows_the_articles_for_the_patients_diagnosis(
    qtbot, db: Database, tmp_path: Path, hospital: Hospital, articles: KnowledgeService
) -> None:
    articles.save(
        "card",
        article_text("心血管内科出院须知", "faq", "", "CARD", "", "出院带药请按时服用。"),
        SUPERVISOR,
    )
    window = desk_window(qtbot, db, tmp_path)
    window.show()
    suggestions = window.knowledge.suggestions
    window.open_patient(hospital.patients["wang"])  # I21.9, cardiology
    qtbot.waitUntil(lambda: suggestions.list.count() == 2)
    titles = [suggestions.list.item(i).text() for i in range(2)]
    # Not 家庭血压测量: cardiology's too, but for another diagnosis (I10).
    assert titles == ["心肌梗死出院后的康复", "心血管内科出院须知"]
    window.grab().save(str(SHOTS / "card_with_articles.png"))
    suggestions.list.itemActivated.emit(suggestions.list.item(0))
    qtbot.waitUntil(lambda: window.knowledge.dialog.title.text() == "心肌梗死出院后的康复")
