"""The demo's knowledge base: the sample articles of resources/knowledge, written for
this project (generic health education, scripts and answers; no copied text)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from agent_desk.db import knowledge as knowledge_db
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.knowledge_markdown import parse_article

DEMO_EDITOR = "demo"


def sample_folder() -> Path:
    return Path(str(files("agent_desk.resources") / "knowledge"))


def load_sample_articles(db: Database, folder: Path | None = None) -> int:
    """Write the sample articles (those not there yet, or changed); returns how many."""
    saved = 0
    with db.write() as session:
        for path in sorted((folder or sample_folder()).glob("*.md")):
            article = parse_article(path.read_text(encoding="utf-8"), path.name)
            if knowledge_db.save_article(session, path.stem, article, DEMO_EDITOR, utcnow()):
                saved += 1
    return saved
