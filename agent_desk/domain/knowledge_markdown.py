"""Knowledge-base articles as Markdown files with a small header (`agent-desk kb import`).

    ---
    title: 高血压患者出院后的家庭血压监测
    kind: education            (faq, script or education; education when absent)
    tags: 高血压, 血压监测      (comma-separated, 、 and ， also separate)
    department: CARD           (a department code; absent: every department)
    icd10: I10, I11            (ICD-10 prefixes the article is for; absent: none)
    ---
    The article's text, in Markdown.

The file's name without .md is the article's key: importing a changed file again makes a
new version of the same article; an unchanged one is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent_desk.domain.enums import KnowledgeKind
from agent_desk.errors import UserError

FENCE = "---"
KEYS = ("title", "kind", "tags", "department", "icd10")
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
_ICD10_PREFIX = re.compile(r"^[A-Z][0-9A-Z.]{0,7}$")
MAX_TITLE = 200


class ArticleFileError(UserError):
    """A file that is not an article; str() says where and why, on one line."""


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article as written: what a supervisor edits and a file holds."""

    title: str
    kind: KnowledgeKind
    tags: tuple[str, ...]
    department_code: str | None
    icd10_prefixes: tuple[str, ...]
    body: str


def split_list(value: str) -> tuple[str, ...]:
    items: list[str] = []
    for item in _LIST_SEPARATORS.split(value.strip()):
        if item and item not in items:
            items.append(item)
    return tuple(items)


def icd10_prefixes(value: str) -> tuple[str, ...]:
    """Upper-cased ICD-10 prefixes (I10, I6, E11.9); a malformed one raises UserError."""
    prefixes = tuple(p.upper() for p in split_list(value))
    for prefix in prefixes:
        if not _ICD10_PREFIX.match(prefix):
            raise UserError(f"{prefix!r} is not an ICD-10 code or prefix (such as I10 or E11)")
    return prefixes


def parse_article(text: str, name: str = "article") -> ArticleText:
    """Read one article file; ArticleFileError names *name*, the line and the problem."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise ArticleFileError(f"{name}: line 1: the header must start with a '---' line")
    closing = [n for n, line in enumerate(lines[1:], start=2) if line.strip() == FENCE]
    if not closing:
        raise ArticleFileError(f"{name}: the header has no closing '---' line")
    end = closing[0]
    header: dict[str, str] = {}
    for number, line in enumerate(lines[1 : end - 1], start=2):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            key, colon, value = line.partition("：")  # a full-width colon typed in Chinese
        key = key.strip().lower()
        if not colon or not key:
            raise ArticleFileError(f"{name}: line {number}: expected 'key: value', got {line!r}")
        if key not in KEYS:
            raise ArticleFileError(
                f"{name}: line {number}: unknown key {key!r} (known: {', '.join(KEYS)})"
            )
        if key in header:
            raise ArticleFileError(f"{name}: line {number}: {key!r} given twice")
        header[key] = value.strip()
    body = "\n".join(lines[end:]).strip()
    try:
        return article_text(
            header.get("title", ""),
            header.get("kind", KnowledgeKind.EDUCATION.value),
            header.get("tags", ""),
            header.get("department") or None,
            header.get("icd10", ""),
            body,
        )
    except UserError as error:
        raise ArticleFileError(f"{name}: {error}") from None


def article_text(
    title: str, kind: str, tags: str, department: str | None, icd10: str, body: str
) -> ArticleText:
    """An article from its fields as typed (the editor, a file); UserError when one is wrong."""
    title = " ".join(title.split())
    if not title:
        raise UserError("the article has no title")
    if len(title) > MAX_TITLE:
        raise UserError(f"the title is longer than {MAX_TITLE} characters")
    try:
        known = KnowledgeKind(kind.strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in KnowledgeKind)
        raise UserError(f"unknown kind {kind!r} (choose from {choices})") from None
    if not body.strip():
        raise UserError("the article has no text")
    code = department.strip().upper() if department and department.strip() else None
    return ArticleText(title, known, split_list(tags), code, icd10_prefixes(icd10), body.strip())


def code_prefixes(code: str) -> list[str]:
    """Every prefix of a diagnosis code, the dot kept and dropped: I10.x05 → I, I1, I10,
    I10., I10.X, I10X …, so that an article for I10 (or I1) is found for it."""
    code = code.strip().upper()
    found: list[str] = []
    for variant in (code, code.replace(".", "")):
        for end in range(1, len(variant) + 1):
            prefix = variant[:end]
            if prefix not in found:
                found.append(prefix)
    return found
