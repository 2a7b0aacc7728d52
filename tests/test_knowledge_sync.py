"""Knowledge-base articles travel through the central server, versions and all, and the
receiving workstation's full-text index finds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from agent_desk.db.knowledge_models import KnowledgeArticleVersion
from agent_desk.domain.knowledge_markdown import article_text
from agent_desk.services.knowledge import KnowledgeService
from agent_desk.sync.central import CentralConfig
from tests.builders import AGENT, SUPERVISOR
from tests.test_sync_support import settle, workstation

pytestmark = pytest.mark.postgres


def test_an_article_written_on_one_workstation_is_found_and_edited_on_another(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    office, ward = workstation(tmp_path, "office"), workstation(tmp_path, "ward")
    KnowledgeService(office).save(
        "bp",
        article_text("家庭血压测量", "education", "高血压", None, "I10", "早晚各测一次血压。"),
        SUPERVISOR,
    )
    settle(office, central)
    settle(ward, central)
    [hit] = KnowledgeService(ward).search("血压", AGENT)
    assert hit.title == "家庭血压测量"
    KnowledgeService(ward).save(
        "bp",
        article_text("家庭血压测量", "education", "高血压", None, "I10", "每周测量体重和血压。"),
        SUPERVISOR,
    )
    settle(ward, central)
    with server.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(KnowledgeArticleVersion)) == 2
    settle(office, central)
    office_kb = KnowledgeService(office)
    assert [h.title for h in office_kb.search("体重", AGENT)] == ["家庭血压测量"]
    assert office_kb.search("早晚", AGENT) == []  # the index follows the pulled edit
    versions = office_kb.versions(hit.id, AGENT)
    assert [v.revision for v in versions] == [2, 1]
