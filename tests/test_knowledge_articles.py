"""Knowledge-base articles: versions, supervisors' edits, suggestions for a patient, and
the import of Markdown files (a broken one refused alone, with its reason on one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent
from agent_desk.demo.knowledge import load_sample_articles, sample_folder
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.knowledge_markdown import ArticleFileError, article_text, parse_article
from agent_desk.domain.permissions import PermissionDenied
from agent_desk.errors import UserError
from agent_desk.services.knowledge import KnowledgeService
from tests.builders import AGENT, SUPERVISOR, Hospital

GOOD = """---
title: 高血压患者的饮食
kind: education
tags: 高血压, 低盐
department: CARD
icd10: I10
---
每天食盐不超过5克。
"""


def test_an_edit_makes_a_new_version_and_keeps_the_old(db: Database) -> None:
    service = KnowledgeService(db)
    first = article_text("低盐饮食", "education", "", None, "", "每天食盐不超过6克。")
    article_id = service.save("salt", first, SUPERVISOR)
    second = article_text("低盐饮食", "education", "", None, "", "每天食盐不超过5克。")
    assert service.save("salt", second, SUPERVISOR) == article_id
    current = service.article(article_id, AGENT)
    assert current is not None and current.revision == 2 and "5克" in current.body
    versions = service.versions(article_id, AGENT)
    assert [(v.revision, "6克" in v.body) for v in versions] == [(2, False), (1, True)]


def test_saving_the_same_text_again_makes_no_version(db: Database) -> None:
    service = KnowledgeService(db)
    text = article_text("低盐饮食", "education", "", None, "", "每天食盐不超过5克。")
    article_id = service.save("salt", text, SUPERVISOR)
    service.save("salt", text, SUPERVISOR)
    assert len(service.versions(article_id, AGENT)) == 1


def test_only_supervisors_edit_and_each_edit_is_audited(db: Database) -> None:
    service = KnowledgeService(db)
    text = article_text("低盐饮食", "education", "", None, "", "每天食盐不超过5克。")
    with pytest.raises(PermissionDenied):
        service.save(None, text, AGENT)
    service.save("salt", text, SUPERVISOR)
    with db.read() as session:
        events = session.query(AuditEvent).filter_by(action=AuditAction.KNOWLEDGE_SAVED).all()
    assert [(e.actor, e.detail["revision"]) for e in events] == [("supervisor", 1)]


def test_articles_are_suggested_by_diagnosis_prefix_and_department(
    db: Database, hospital: Hospital
) -> None:
    service = KnowledgeService(db)
    save = lambda title, dept, icd: service.save(  # noqa: E731
        None, article_text(title, "education", "", dept, icd, "正文"), SUPERVISOR
    )
    save("心肌梗死后的康复", None, "I21")  # wang's diagnosis is I21.9
    save("心血管内科出院须知", "CARD", "")
    save("骨科出院须知", "ORTH", "")
    save("糖尿病饮食", None, "E11")
    suggested = service.suggest(hospital.patients["wang"], AGENT)
    assert [a.title for a in suggested] == ["心肌梗死后的康复", "心血管内科出院须知"]


def test_a_department_code_that_does_not_exist_is_refused(db: Database) -> None:
    text = article_text("标题", "faq", "", "NOPE", "", "正文")
    with pytest.raises(UserError, match="NOPE"):
        KnowledgeService(db).save(None, text, SUPERVISOR)


def test_parse_reads_the_header_and_the_body() -> None:
    article = parse_article(GOOD, "diet.md")
    assert article.title == "高血压患者的饮食"
    assert article.tags == ("高血压", "低盐")
    assert (article.department_code, article.icd10_prefixes) == ("CARD", ("I10",))
    assert article.body == "每天食盐不超过5克。"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("title: 无头\n正文", "diet.md: line 1: the header must start with a '---' line"),
        ("---\ntitle: 没有结尾\n正文", "diet.md: the header has no closing '---' line"),
        ("---\ntitle 缺冒号\n---\n正文", "diet.md: line 2: expected 'key: value'"),
        ("---\nauthor: 张\n---\n正文", "diet.md: line 2: unknown key 'author'"),
        ("---\ntags: 高血压\n---\n正文", "diet.md: the article has no title"),
        ("---\ntitle: 空\n---\n", "diet.md: the article has no text"),
        ("---\ntitle: 码\nicd10: 10I\n---\n正文", "diet.md: '10I' is not an ICD-10 code"),
        ("---\ntitle: 类\nkind: news\n---\n正文", "diet.md: unknown kind 'news'"),
    ],
)
def test_a_broken_header_is_named_in_one_line(text: str, said: str) -> None:
    with pytest.raises(ArticleFileError) as caught:
        parse_article(text, "diet.md")
    assert str(caught.value).startswith(said)
    assert "\n" not in str(caught.value)


def test_import_saves_the_good_files_and_refuses_a_broken_one_alone(
    db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    service = KnowledgeService(db)
    (tmp_path / "diet.md").write_text(GOOD, encoding="utf-8")
    report = service.import_folder(tmp_path, SUPERVISOR)
    assert report.saved == ["diet.md"]
    # The same file broken later, beside a new good one: the saved article stays as it was.
    (tmp_path / "diet.md").write_text(GOOD.replace("title:", "titel:"), encoding="utf-8")
    (tmp_path / "fever.md").write_text(GOOD.replace("高血压患者的饮食", "发热"), encoding="utf-8")
    (tmp_path / "gbk.md").write_bytes(GOOD.encode("gbk"))
    report = service.import_folder(tmp_path, SUPERVISOR)
    assert report.saved == ["fever.md"]
    assert [line.split(":")[0] for line in report.refused] == ["diet.md", "gbk.md"]
    assert "unknown key 'titel'" in report.refused[0] and "UTF-8" in report.refused[1]
    [hit] = service.search("高血压患者的饮食", AGENT)
    assert hit.title == "高血压患者的饮食"


def test_importing_an_unchanged_folder_again_changes_nothing(
    db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    (tmp_path / "diet.md").write_text(GOOD, encoding="utf-8")
    service = KnowledgeService(db)
    service.import_folder(tmp_path, SUPERVISOR)
    report = service.import_folder(tmp_path, SUPERVISOR)
    assert (report.saved, report.unchanged) == ([], ["diet.md"])


def test_the_sample_articles_all_load_and_are_found(db: Database, hospital: Hospital) -> None:
    # The demo hospital's departments (CARD is in the small hospital; the rest added here).
    from agent_desk.db.models import Department

    with db.write() as session:
        for code in ("ENDO", "NEURO", "GS"):
            session.add(Department(code=code, name=code))
    count = len(list(sample_folder().glob("*.md")))
    assert count >= 5
    assert load_sample_articles(db) == count
    assert KnowledgeService(db).search("血压", AGENT)
