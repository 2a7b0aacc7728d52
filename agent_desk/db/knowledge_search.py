"""The knowledge base's full-text search on the workstation's SQLite.

Two FTS5 indexes (made by migration 0016, kept by triggers on kb_articles):
- kb_fts, tokenizer trigram, over title, tags and body: a term of three characters or
  more is found as a substring, in Chinese as in any script, with no segmenter;
- kb_fts_bigram, contentless, detail column (title and tags; body): every pair of
  neighbouring Chinese characters as a word, for the two-character terms trigrams cannot
  find (血压, 饮食);
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
_BIGRAM_WEIGHTS = "10.0, 1.0"  # kb_fts_bigram's: title and tags, body


def is_search_index_table(name: str | None) -> bool:
    """A table of the full-text index (virtual or shadow): derived, never in the models."""
    if name is None:
        return False
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
    # Each index's matches are materialised once and joined by row number (a correlated
    # "rowid IN (…)" would run the other index's query for every row). The first one
    # ranks (bm25: the trigram index when a long term is given); the others only filter.
    matches: list[tuple[str, str]] = []  # (its bm25, its rows)
    if long:
        params["long"] = " AND ".join(fts_phrase(t) for t in long)
        matches.append((f"bm25(kb_fts, {_WEIGHTS})", "kb_fts WHERE kb_fts MATCH :long"))
    if short:
        params["short"] = " AND ".join(fts_phrase(t) for t in short)
        matches.append(
            (
                f"bm25(kb_fts_bigram, {_BIGRAM_WEIGHTS})",
                "kb_fts_bigram WHERE kb_fts_bigram MATCH :short",
            )
        )
    for n, term in enumerate(scans):
        params[f"scan{n}"] = _like(term)
        match = " OR ".join(f"{c} LIKE :scan{n} ESCAPE '\\'" for c in ("title", "tags", "body"))
        matches.append(("0.0", f"kb_fts WHERE {match}"))
    rank, source = matches[0]
    first = f"SELECT rowid AS row, {rank} AS score FROM {source}"
    if len(matches) == 1:
        with_ = ""
        ranked = f"SELECT row, score FROM ({first}) m0"  # one index: no table to join
    else:
        others = ", ".join(
            f"m{n} AS MATERIALIZED (SELECT rowid AS row FROM {other})"
            for n, (_rank, other) in enumerate(matches[1:], start=1)
        )
        with_ = f"WITH m0 AS MATERIALIZED ({first}), {others} "
        joins = " ".join(f"JOIN m{n} USING (row)" for n in range(1, len(matches)))
        ranked = f"SELECT m0.row, m0.score FROM m0 {joins}"
    if department_id is None:
        # The best *limit* first: only they are looked up in kb_search_rows.
        ranked += " ORDER BY score LIMIT :limit"
        where = ""
    else:
        where = "WHERE r.department_id IS NULL OR r.department_id = :department"
        params["department"] = department_id.bytes
    sql = (
        f"{with_}SELECT r.article_id, h.score FROM ({ranked}) h "
        f"JOIN kb_search_rows r ON r.id = h.row {where} ORDER BY h.score LIMIT :limit"
    )
    found = session.execute(text(sql), params)
    return [SearchHit(_uuid(article_id), float(score)) for article_id, score in found]


def _uuid(value: object) -> uuid.UUID:
    if isinstance(value, bytes):
        return uuid.UUID(bytes=value)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def rebuild_index(session: Session) -> int:
    """Index every article afresh (rows loaded around the triggers, a damaged index)."""
    session.execute(text("DELETE FROM kb_fts"))
    session.execute(text("DELETE FROM kb_fts_bigram"))
    session.execute(text("DELETE FROM kb_search_rows"))
    session.execute(
        text(
            "INSERT INTO kb_search_rows (article_id, department_id) "
            "SELECT id, department_id FROM kb_articles"
        )
    )
    session.execute(
        text(
            "INSERT INTO kb_fts (rowid, title, tags, body) SELECT r.id, a.title, a.tags, a.body "
            "FROM kb_articles a JOIN kb_search_rows r ON r.article_id = a.id"
        )
    )
    session.execute(
        text(
            "INSERT INTO kb_fts_bigram (rowid, head, body) SELECT r.id, "
            "kb_han_bigrams(a.title || ' ' || a.tags), kb_han_bigrams(a.body) "
            "FROM kb_articles a JOIN kb_search_rows r ON r.article_id = a.id"
        )
    )
    count = session.scalar(text("SELECT count(*) FROM kb_search_rows"))
    return int(count or 0)


def optimize_index(session: Session) -> None:
    """Merge the indexes' segments into one (after a bulk load): fewer b-trees per query."""
    session.execute(text("INSERT INTO kb_fts (kb_fts) VALUES ('optimize')"))
    session.execute(text("INSERT INTO kb_fts_bigram (kb_fts_bigram) VALUES ('optimize')"))
