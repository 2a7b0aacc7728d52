"""The knowledge base's tables (知识库): articles, every version of them, and the local
rows that number articles for the full-text index (agent_desk.db.knowledge_search)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base, IdMixin, VersionedMixin, utcnow
from agent_desk.domain.enums import KnowledgeKind

_KIND = Enum(
    KnowledgeKind,
    values_callable=lambda members: [m.value for m in members],
    native_enum=False,
    create_constraint=False,
    length=32,
)


class KnowledgeArticle(IdMixin, VersionedMixin, Base):
    """An article as it reads now. Each edit bumps `revision` and writes the whole article
    to kb_article_versions too, so that every earlier text stays readable.

    Its id is made from its key (natural_keys.knowledge_article_id): two workstations that
    import the same folder offline make one article. Tags and ICD-10 prefixes are stored
    comma-joined, as the search index reads them (JSON would store \\u escapes)."""

    __tablename__ = "kb_articles"

    key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[KnowledgeKind] = mapped_column(_KIND)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("departments.id"), index=True
    )
    icd10_prefixes: Mapped[str] = mapped_column(String(255), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    edited_by: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)


class KnowledgeArticleVersion(IdMixin, Base):
    """One version of an article, written once: the article's history."""

    __tablename__ = "kb_article_versions"

    article_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    kind: Mapped[KnowledgeKind] = mapped_column(_KIND)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    icd10_prefixes: Mapped[str] = mapped_column(String(255), default="")
    edited_by: Mapped[str] = mapped_column(String(64))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text)


class KnowledgeSearchRow(Base):
    """The full-text index's number for each article: FTS5 keys rows by integer, and an
    INTEGER PRIMARY KEY (unlike a table's hidden rowid) survives VACUUM. Local: every
    database indexes the articles it holds (triggers, see knowledge_search)."""

    __tablename__ = "kb_search_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    # The article's, copied by the triggers: a search kept to a department filters here.
    department_id: Mapped[uuid.UUID | None]
