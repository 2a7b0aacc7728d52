"""The knowledge base (知识库): search (F1, `kb search`), articles suggested for a patient
by diagnosis and department, edits that make new versions, and `kb import` of Markdown."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from agent_desk.db import audit, knowledge_search
from agent_desk.db import knowledge as knowledge_db
from agent_desk.db.base import new_id, utcnow
from agent_desk.db.engine import Database
from agent_desk.db.knowledge import ArticleView, UnknownDepartment, VersionView
from agent_desk.domain.enums import AuditAction, KnowledgeKind
from agent_desk.domain.knowledge_markdown import ArticleFileError, ArticleText, parse_article
from agent_desk.domain.knowledge_text import query_terms, snippet
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.errors import UserError

SEARCH_LIMIT = 20
SUGGESTION_LIMIT = 8
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class KnowledgeHit:
    id: uuid.UUID
    kind: KnowledgeKind
    title: str
    tags: tuple[str, ...]
    department_name: str | None
    snippet: str


@dataclass
class ImportReport:
    saved: list[str] = field(default_factory=list)  # new articles and new versions
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line each: file, line, why

    def summary(self) -> str:
        return (
            f"{len(self.saved)} saved, {len(self.unchanged)} unchanged, {len(self.refused)} refused"
        )


class KnowledgeService:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    def search(
        self,
        query: str,
        principal: Principal,
        limit: int = SEARCH_LIMIT,
        department_id: uuid.UUID | None = None,
    ) -> list[KnowledgeHit]:
        """The articles matching every term of *query*, best first."""
        principal.require(Permission.READ_KNOWLEDGE)
        if not self._db.is_sqlite:
            raise UserError("the knowledge base is searched on a workstation's database")
        terms = query_terms(query)
        with self._db.read() as session:
            hits = knowledge_search.search_ids(session, terms, limit, department_id)
            found = knowledge_db.articles(session, [hit.article_id for hit in hits])
        words = [term.text for term in terms]
        return [_hit(found[hit.article_id], words) for hit in hits if hit.article_id in found]

    def article(self, article_id: uuid.UUID, principal: Principal) -> ArticleView | None:
        principal.require(Permission.READ_KNOWLEDGE)
        with self._db.read() as session:
            return knowledge_db.articles(session, [article_id]).get(article_id)

    def versions(self, article_id: uuid.UUID, principal: Principal) -> list[VersionView]:
        principal.require(Permission.READ_KNOWLEDGE)
        with self._db.read() as session:
            return knowledge_db.versions(session, article_id)

    def suggest(
        self, patient_id: uuid.UUID, principal: Principal, limit: int = SUGGESTION_LIMIT
    ) -> list[ArticleView]:
        """Articles for the patient's diagnoses (ICD-10 prefix) and departments."""
        principal.require(Permission.READ_KNOWLEDGE)
        with self._db.read() as session:
            codes, departments = knowledge_db.patient_context(session, patient_id)
            return knowledge_db.suggested(session, codes, departments, limit)

    def save(self, key: str | None, article: ArticleText, principal: Principal) -> uuid.UUID:
        """Save *article* as the next version of the article *key* (None: a new article);
        an unchanged article is left as it is."""
        principal.require(Permission.EDIT_KNOWLEDGE)
        key = key or f"article-{new_id().hex}"
        with self._db.write() as session:
            saved = self._save(session, key, article, principal.username)
            if saved is None:
                found = knowledge_db.article_by_key(session, key)
                assert found is not None
                return found.id
            return saved

    def _save(
        self, session: Session, key: str, article: ArticleText, actor: str
    ) -> uuid.UUID | None:
        try:
            saved = knowledge_db.save_article(session, key, article, actor, self._clock())
        except UnknownDepartment as unknown:
            raise UserError(f"no department has the code {unknown.args[0]!r}") from None
        if saved is None:
            return None
        article_id, revision = saved
        audit.record(
            session,
            actor,
            AuditAction.KNOWLEDGE_SAVED,
            "kb_articles",
            article_id,
            key=key,
            revision=revision,
            title=article.title,
        )
        return article_id

    def import_folder(self, folder: Path, principal: Principal) -> ImportReport:
        """Every *.md file of *folder* (not its subfolders), in name order. A file that is
        not an article is refused with its reason and changes nothing; the others are saved."""
        principal.require(Permission.EDIT_KNOWLEDGE)
        if not folder.is_dir():
            raise UserError(f"{folder} is not a folder")
        files = sorted(folder.glob("*.md"))
        if not files:
            raise UserError(f"{folder} holds no .md files")
        report = ImportReport()
        for path in files:
            try:
                article = _read_article(path)
                with self._db.write() as session:
                    saved = self._save(session, path.stem, article, principal.username)
            except UserError as error:
                said = str(error)
                report.refused.append(
                    said if said.startswith(path.name) else f"{path.name}: {said}"
                )
                continue
            (report.saved if saved is not None else report.unchanged).append(path.name)
        with self._db.write() as session:
            audit.record(
                session,
                principal.username,
                AuditAction.KNOWLEDGE_IMPORTED,
                None,
                None,
                folder=str(folder),
                saved=len(report.saved),
                unchanged=len(report.unchanged),
                refused=len(report.refused),
            )
        return report

    def rebuild_index(self) -> int:
        with self._db.write() as session:
            return knowledge_search.rebuild_index(session)


def _read_article(path: Path) -> ArticleText:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ArticleFileError(f"{path.name}: larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArticleFileError(
            f"{path.name}: not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    return parse_article(text, path.name)


def _hit(article: ArticleView, words: list[str]) -> KnowledgeHit:
    return KnowledgeHit(
        article.id,
        article.kind,
        article.title,
        article.tags,
        article.department_name,
        snippet(article.body, words),
    )
