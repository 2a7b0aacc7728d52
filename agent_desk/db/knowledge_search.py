"""The knowledge base's full-text search on the workstation's SQLite.

Two FTS5 indexes (made by migration 0016, kept by triggers on kb_articles):
- kb_fts, tokenizer trigram, over title, tags and body: a term of three characters or
  more is found as a substring, in Chinese as in any script, with no segmenter;
- kb_fts_bigram, contentless, detail none: every pair of neighbouring Chinese characters
  as a word, for the two-character terms trigrams cannot find (血压, 饮食);
and a LIKE over kb_fts's stored text for a one-character term (a scan, and rare).
Every term must match; hits are ranked by bm25 (a title match weighs most).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from agent_desk.domain.knowledge_text import Term, TermIndex, fts_phrase

# The index's virtual tables; FTS5 makes shadow tables named after them (kb_fts_data, …).
SEARCH_INDEX_TABLES = ("kb_fts", "kb_fts_bigram")
# bm25 weights of kb_fts's columns: title, tags, body.
_WEIGHTS = "10.0, 5.0, 1.0"


def is_search_index_table(name: str) -> bool:
    """A table of the full-text index (virtual or shadow): derived, never in the models."""
    return any(name == t or name.startswith(f"{t}_") for t in SEARCH_INDEX_TABLES)


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: uuid.UUID
    score: float  # bm25: lower is better


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_ids(
    session: Session, terms: list[Term], limit: int, department_id: uuid.UUID | None = None
) -> list[SearchHit]:
    """The best *limit* articles matching every term; with *department_id*, only that
    department's articles and those of no department."""
    if not terms:
        return []
    long = [t.text for t in terms if t.index is TermIndex.TRIGRAM]
    short = [t.text for t in terms if t.index is TermIndex.BIGRAM]
    scans = [t.text for t in terms if t.index is TermIndex.SCAN]
    params: dict[str, object] = {"limit": limit}
    where: list[str] = []
    if long:
        source = f"SELECT rowid AS row, bm25(kb_fts, {_WEIGHTS}) AS score FROM kb_fts"
        where.append("kb_fts MATCH :long")
        params["long"] = " AND ".join(fts_phrase(t) for t in long)
        if short:
            where.append(
                "rowid IN (SELECT rowid FROM kb_fts_bigram WHERE kb_fts_bigram MATCH :short)"
            )
    elif short:
        source = "SELECT rowid AS row, bm25(kb_fts_bigram) AS score FROM kb_fts_bigram"
        where.append("kb_fts_bigram MATCH :short")
    else:
        source = "SELECT rowid AS row, 0.0 AS score FROM kb_fts"
    if short:
        params["short"] = " AND ".join(fts_phrase(t) for t in short)
    for n, term in enumerate(scans):
        params[f"scan{n}"] = _like(term)
        match = " OR ".join(f"{c} LIKE :scan{n} ESCAPE '\\'" for c in ("title", "tags", "body"))
        inner = f"SELECT rowid FROM kb_fts WHERE {match}"
        where.append(f"rowid IN ({inner})")
    department = ""
    if department_id is not None:
        department = "AND (a.department_id IS NULL OR a.department_id = :department)"
        params["department"] = department_id.hex
    sql = (
        f"WITH hits AS ({source} WHERE {' AND '.join(where)}) "
        "SELECT r.article_id, hits.score FROM hits "
        "JOIN kb_search_rows r ON r.id = hits.row "
        f"JOIN kb_articles a ON a.id = r.article_id WHERE 1 = 1 {department} "
        "ORDER BY hits.score LIMIT :limit"
    )
    rows = session.execute(text(sql), params)
    return [SearchHit(_uuid(article_id), float(score)) for article_id, score in rows]


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def rebuild_index(session: Session) -> int:
    """Index every article afresh (rows loaded around the triggers, a damaged index)."""
    session.execute(text("DELETE FROM kb_fts"))
    session.execute(text("DELETE FROM kb_fts_bigram"))
    session.execute(text("DELETE FROM kb_search_rows"))
    session.execute(text("INSERT INTO kb_search_rows (article_id) SELECT id FROM kb_articles"))
    session.execute(
        text(
            "INSERT INTO kb_fts (rowid, title, tags, body) SELECT r.id, a.title, a.tags, a.body "
            "FROM kb_articles a JOIN kb_search_rows r ON r.article_id = a.id"
        )
    )
    session.execute(
        text(
            "INSERT INTO kb_fts_bigram (rowid, grams) SELECT r.id, "
            "kb_han_bigrams(a.title || ' ' || a.tags || ' ' || a.body) "
            "FROM kb_articles a JOIN kb_search_rows r ON r.article_id = a.id"
        )
    )
    count = session.scalar(text("SELECT count(*) FROM kb_search_rows"))
    return int(count or 0)




def optimize_index(session: Session) -> None:
    """Merge the indexes' segments into one (after a bulk load): fewer b-trees per query."""
    session.execute(text("INSERT INTO kb_fts (kb_fts) VALUES ('optimize')"))
    session.execute(text("INSERT INTO kb_fts_bigram (kb_fts_bigram) VALUES ('optimize')"))
