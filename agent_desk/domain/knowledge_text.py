"""Chinese text for the knowledge base's search: the terms of a query, and the bigrams the
short-term index holds.

The trigram index (SQLite FTS5, tokenizer 'trigram') finds any substring of three
characters or more without a word segmenter. Two-character words (血压, 饮食, 发热) are the
common case in Chinese and trigrams cannot find them, so a second FTS5 index holds every
pair of neighbouring Chinese characters as a word of its own; a one-character query, rare,
falls back to a scan (LIKE) of the stored text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# CJK unified ideographs (extension A, the basic block) and the compatibility block.
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
# Whitespace and punctuation, ASCII and full-width, split a query into terms.
_SEPARATORS = re.compile(r"[\s,.;:!?，。、；：！？（）()《》「」“”\"'【】\[\]]+")
# Markdown's marks (headings, list bullets; emphasis, code): not read in a snippet.
_BLOCK = re.compile(r"^\s*(?:#+|[-+]|\d+\.)\s+", re.MULTILINE)  # a line's own mark
_INLINE = re.compile(r"[*`_]+")  # emphasis and code: the words run on
MAX_TERMS = 8
# The SQL name of han_bigrams on every connection to the workstation's database.
KNOWLEDGE_BIGRAMS_FUNCTION = "kb_han_bigrams"
TRIGRAM = 3


def han_bigrams(text: str) -> str:
    """Every pair of neighbouring Chinese characters, space-separated: what the bigram
    index tokenises (a lone character between other scripts is kept on its own)."""
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(out)


class TermIndex(Enum):
    """Which index answers a term."""

    TRIGRAM = "trigram"  # three characters or more: the trigram index
    BIGRAM = "bigram"  # two Chinese characters: the bigram index
    SCAN = "scan"  # one character, or two that are not both Chinese: LIKE over the text


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    index: TermIndex


def query_terms(query: str) -> list[Term]:
    """The query's terms (split at spaces and punctuation, each kept once, at most
    MAX_TERMS), each with the index that answers it; all must match."""
    seen: list[str] = []
    for part in _SEPARATORS.split(query.strip()):
        part = part.strip().lower()
        if part and part not in seen:
            seen.append(part)
    return [Term(text, _index_for(text)) for text in seen[:MAX_TERMS]]


def _index_for(term: str) -> TermIndex:
    if len(term) >= TRIGRAM:
        return TermIndex.TRIGRAM
    if len(term) == 2 and _HAN.match(term):
        return TermIndex.BIGRAM
    return TermIndex.SCAN


def fts_phrase(term: str) -> str:
    """*term* as one FTS5 string: quoted, so that its characters are never operators."""
    return '"' + term.replace('"', '""') + '"'


def snippet(text: str, terms: list[str], width: int = 60) -> str:
    """About *width* characters of *text* around the first term found in it (the start
    when none is), on one line, without Markdown's marks."""
    flat = " ".join(_INLINE.sub("", _BLOCK.sub("", text)).split())
    lowered = flat.lower()
    hits = [i for i in (lowered.find(term) for term in terms) if i >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")
