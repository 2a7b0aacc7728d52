"""The SQL of the knowledge base: articles saved as new versions, read, listed, and
suggested for a patient by diagnosis and department. Search is knowledge_search's."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from agent_desk.db.knowledge_models import KnowledgeArticle, KnowledgeArticleVersion
from agent_desk.db.models import Department, Encounter, EncounterDiagnosis
from agent_desk.db.natural_keys import knowledge_article_id
from agent_desk.domain.enums import KnowledgeKind
from agent_desk.domain.knowledge_markdown import ArticleText, code_prefixes, split_list


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: uuid.UUID
    key: str
    kind: KnowledgeKind
    title: str
    tags: tuple[str, ...]
    department_code: str | None
    department_name: str | None
    icd10_prefixes: tuple[str, ...]
    revision: int
    edited_by: str
    edited_at: datetime
    body: str


@dataclass(frozen=True, slots=True)
class VersionView:
    revision: int
    title: str
    edited_by: str
    edited_at: datetime
    body: str


class UnknownDepartment(LookupError):
    pass


def _join(items: Iterable[str]) -> str:
    return ",".join(items)


def department_by_code(session: Session, code: str | None) -> uuid.UUID | None:
    if code is None:
        return None
    found = session.scalar(select(Department.id).where(Department.code == code))
    if found is None:
        raise UnknownDepartment(code)
    return found


def save_article(
    session: Session, key: str, article: ArticleText, actor: str, at: datetime
) -> tuple[uuid.UUID, int] | None:
    """Write *article* under *key* as its next version; None when it reads exactly as the
    current version already does (nothing to save). Returns (id, revision)."""
    department_id = department_by_code(session, article.department_code)
    tags, prefixes = _join(article.tags), _join(article.icd10_prefixes)
    row = session.scalar(select(KnowledgeArticle).where(KnowledgeArticle.key == key))
    if row is None:
        row = KnowledgeArticle(id=knowledge_article_id(key), key=key, revision=0, created_at=at)
        session.add(row)
    elif (row.kind, row.title, row.tags, row.department_id, row.icd10_prefixes, row.body) == (
        article.kind,
        article.title,
        tags,
        department_id,
        prefixes,
        article.body,
    ):
        return None
    row.kind, row.title, row.tags, row.body = article.kind, article.title, tags, article.body
    row.department_id, row.icd10_prefixes = department_id, prefixes
    row.revision, row.edited_by, row.updated_at = row.revision + 1, actor, at
    session.flush()
    session.add(
        KnowledgeArticleVersion(
            article_id=row.id,
            revision=row.revision,
            kind=row.kind,
            title=row.title,
            tags=tags,
            department_id=department_id,
            icd10_prefixes=prefixes,
            edited_by=actor,
            edited_at=at,
            body=row.body,
        )
    )
    return row.id, row.revision


def articles(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ArticleView]:
    rows = session.execute(
        select(KnowledgeArticle, Department.code, Department.name)
        .outerjoin(Department, Department.id == KnowledgeArticle.department_id)
        .where(KnowledgeArticle.id.in_(list(ids)))
    )
    return {a.id: _view(a, code, name) for a, code, name in rows}


def article_by_key(session: Session, key: str) -> ArticleView | None:
    found = session.scalar(select(KnowledgeArticle.id).where(KnowledgeArticle.key == key))
    return None if found is None else articles(session, [found]).get(found)


def _view(a: KnowledgeArticle, code: str | None, name: str | None) -> ArticleView:
    return ArticleView(
        a.id,
        a.key,
        a.kind,
        a.title,
        split_list(a.tags),
        code,
        name,
        split_list(a.icd10_prefixes),
        a.revision,
        a.edited_by,
        a.updated_at,
        a.body,
    )


def versions(session: Session, article_id: uuid.UUID) -> list[VersionView]:
    """Every saved version, the newest first."""
    rows = session.scalars(
        select(KnowledgeArticleVersion)
        .where(KnowledgeArticleVersion.article_id == article_id)
        .order_by(KnowledgeArticleVersion.revision.desc(), KnowledgeArticleVersion.edited_at)
    )
    return [VersionView(v.revision, v.title, v.edited_by, v.edited_at, v.body) for v in rows]


def patient_context(session: Session, patient_id: uuid.UUID) -> tuple[list[str], set[uuid.UUID]]:
    """The patient's diagnosis codes (the latest stay's first) and departments."""
    rows = session.execute(
        select(Encounter.department_id, EncounterDiagnosis.icd10)
        .outerjoin(EncounterDiagnosis, EncounterDiagnosis.encounter_id == Encounter.id)
        .where(Encounter.patient_id == patient_id)
        .order_by(Encounter.discharged_at.desc(), EncounterDiagnosis.seq)
    )
    codes: list[str] = []
    departments: set[uuid.UUID] = set()
    for department_id, code in rows:
        departments.add(department_id)
        if code and code not in codes:
            codes.append(code)
    return codes, departments


def suggested(
    session: Session, codes: Sequence[str], departments: set[uuid.UUID], limit: int
) -> list[ArticleView]:
    """Articles for the diagnoses (the longest matching ICD-10 prefix first), then those of
    the departments that name no diagnosis."""
    wanted = {prefix for code in codes for prefix in code_prefixes(code)}
    padded = "," + KnowledgeArticle.icd10_prefixes + ","
    conditions: list[ColumnElement[bool]] = [
        padded.like(f"%,{prefix},%") for prefix in sorted(wanted)
    ]
    if departments:
        conditions.append(
            (KnowledgeArticle.department_id.in_(departments))
            & (KnowledgeArticle.icd10_prefixes == "")
        )
    if not conditions:
        return []
    rows = session.execute(
        select(KnowledgeArticle, Department.code, Department.name)
        .outerjoin(Department, Department.id == KnowledgeArticle.department_id)
        .where(or_(*conditions))
    )
    found = [_view(a, code, name) for a, code, name in rows]

    def rank(article: ArticleView) -> tuple[int, int, str]:
        matched = max((len(p) for p in article.icd10_prefixes if p in wanted), default=0)
        return (-matched, 0 if article.kind is KnowledgeKind.EDUCATION else 1, article.title)

    found.sort(key=rank)
    return found[:limit]
