"""The knowledge base's Chinese full-text search: trigrams for three characters or more,
the bigram index for two-character words, a scan for one character."""

from __future__ import annotations

import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.knowledge_markdown import article_text
from agent_desk.domain.knowledge_text import TermIndex, han_bigrams, query_terms
from agent_desk.domain.permissions import PermissionDenied
from agent_desk.services.knowledge import KnowledgeService
from tests.builders import AGENT, HIS, SUPERVISOR

BP = "高血压患者的家庭血压测量"
DIET = "糖尿病饮食指导"
FEVER = "手术后发热怎么办"


@pytest.fixture
def service(db: Database) -> KnowledgeService:
    service = KnowledgeService(db)
    for title, tags, body in (
        (BP, "高血压", "每天早晚各测一次血压，并记录下来。"),
        (DIET, "糖尿病, 饮食", "主食定量，少吃甜食；测空腹血糖。"),
        (FEVER, "术后", "体温超过38.5℃或伤口红肿时请回院就诊。"),
    ):
        service.save(None, article_text(title, "education", tags, None, "", body), SUPERVISOR)
    return service


def titles(service: KnowledgeService, query: str) -> list[str]:
    return [hit.title for hit in service.search(query, AGENT)]


def test_a_two_character_word_is_found_though_trigrams_cannot_find_it(
    service: KnowledgeService,
) -> None:
    assert titles(service, "血压") == [BP]
    assert titles(service, "血糖") == [DIET]
    assert titles(service, "伤口") == [FEVER]


def test_a_word_of_three_characters_or_more_is_found_as_a_substring(
    service: KnowledgeService,
) -> None:
    assert titles(service, "高血压") == [BP]
    assert titles(service, "空腹血糖") == [DIET]
    assert titles(service, "38.5") == [FEVER]


def test_every_term_must_match(service: KnowledgeService) -> None:
    assert titles(service, "糖尿病 甜食") == [DIET]
    assert titles(service, "高血压 甜食") == []
    assert titles(service, "血压，记录") == [BP]  # full-width punctuation separates terms


def test_one_character_is_found_by_a_scan(service: KnowledgeService) -> None:
    assert titles(service, "糖") == [DIET]
    assert titles(service, "痒") == []


def test_a_title_match_ranks_before_a_body_match(service: KnowledgeService) -> None:
    service.save(
        None,
        article_text("复诊须知", "faq", "", None, "", "高血压患者复诊时带上血压记录。"),
        SUPERVISOR,
    )
    assert titles(service, "血压")[0] == BP
    assert set(titles(service, "血压")) == {BP, "复诊须知"}


def test_fts_syntax_in_a_query_is_only_text(service: KnowledgeService) -> None:
    assert titles(service, 'NEAR("血压" OR') == []
    assert titles(service, "*") == []


def test_a_snippet_shows_the_term_in_its_context(service: KnowledgeService) -> None:
    [hit] = service.search("血糖", AGENT)
    assert "血糖" in hit.snippet


def test_an_edit_is_what_the_index_finds(service: KnowledgeService) -> None:
    [hit] = service.search("血压", AGENT)
    service.save(
        service.article(hit.id, AGENT).key,  # type: ignore[union-attr]
        article_text(BP, "education", "高血压", None, "", "每周测量体重。"),
        SUPERVISOR,
    )
    assert titles(service, "体重") == [BP]
    assert titles(service, "记录") == []


def test_searching_needs_a_role_that_reads_the_knowledge_base(service: KnowledgeService) -> None:
    with pytest.raises(PermissionDenied):
        service.search("血压", HIS)


def test_query_terms_choose_their_index() -> None:
    terms = query_terms("血压 高血压  痛 bp 血压")
    assert [(t.text, t.index) for t in terms] == [
        ("血压", TermIndex.BIGRAM),
        ("高血压", TermIndex.TRIGRAM),
        ("痛", TermIndex.SCAN),
        ("bp", TermIndex.SCAN),
    ]


def test_bigrams_pair_neighbouring_chinese_characters_only() -> None:
    assert han_bigrams("高血压 BP 180，头痛") == "高血 血压 头痛"
    assert han_bigrams("a痛b") == "痛"


def test_a_search_kept_to_a_department_finds_its_articles_and_the_general_ones(
    db: Database, service: KnowledgeService
) -> None:
    from agent_desk.db.models import Department

    with db.write() as session:
        session.add_all(
            [Department(code="CARD", name="心内科"), Department(code="ENDO", name="内分泌")]
        )
    for code in ("CARD", "ENDO"):
        text = article_text(f"{code}的血压须知", "faq", "", code, "", "血压每天测。")
        service.save(None, text, SUPERVISOR)
    with db.read() as session:
        card = session.query(Department).filter_by(code="CARD").one().id
    found = {hit.title for hit in service.search("血压", AGENT, department_id=card)}
    assert found == {BP, "CARD的血压须知"}


def test_a_snippet_leaves_markdown_marks_out() -> None:
    from agent_desk.domain.knowledge_text import snippet

    text = "## 怎样测\n\n1. 测量前休息 5 分钟\n- **低盐**饮食"
    assert snippet(text, ["低盐"]) == "怎样测 测量前休息 5 分钟 低盐饮食"
