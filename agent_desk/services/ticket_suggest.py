"""A department suggested for a ticket from its words and the earlier routings: a small
multinomial naive Bayes over jieba-segmented text.

Only ever shown beside the reroute choice; never applied without a supervisor's click.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
# Words every complaint has: they say nothing about the department.
_STOP = frozenset(
    [
        "的",
        "了",
        "是",
        "我",
        "你",
        "他",
        "她",
        "在",
        "也",
        "和",
        "就",
        "都",
        "很",
        "有",
        "没有",
        "不",
        "说",
        "对",
        "还",
        "又",
        "被",
        "把",
        "给",
        "让",
        "患者",
        "病人",
        "医院",
        "我们",
        "他们",
        "一个",
        "这个",
        "那个",
        "什么",
        "时候",
        "觉得",
    ]
)
_jieba_lock = threading.Lock()


def words(text: str) -> list[str]:
    """The text's words as jieba segments them, without punctuation and stop words."""
    import jieba  # its dictionary loads on first use (about half a second): not at start-up

    with _jieba_lock:  # jieba's lazy initialisation is not thread-safe
        jieba.setLogLevel(logging.WARNING)
        tokens = jieba.lcut(text)
    return [t for t in (token.strip().lower() for token in tokens) if t and _WORD.search(t)
            and t not in _STOP]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Suggestion:
    department_id: uuid.UUID
    probability: float  # the model's posterior: how sure it is, 0…1
    examples: int  # earlier tickets routed there that it learnt from


class DepartmentClassifier:
    """Trained on (text, department) pairs; predict() gives the likeliest department."""

    def __init__(self, examples: Iterable[tuple[str, uuid.UUID]]) -> None:
        self._docs: Counter[uuid.UUID] = Counter()
        self._counts: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
        for text, department in examples:
            self._docs[department] += 1
            self._counts[department].update(words(text))
        self._vocabulary = {w for counts in self._counts.values() for w in counts}
        self._totals = {d: sum(c.values()) for d, c in self._counts.items()}

    @property
    def trained(self) -> int:
        return sum(self._docs.values())

    def predict(self, text: str, minimum: float = 0.4) -> Suggestion | None:
        """The likeliest department, when the model is at least *minimum* sure of it and
        the text has a word it has seen; None otherwise."""
        known = [w for w in words(text) if w in self._vocabulary]
        if not known or len(self._docs) == 0:
            return None
        total_docs = self.trained
        size = len(self._vocabulary)
        scores = {}
        for department, docs in self._docs.items():
            counts, total = self._counts[department], self._totals[department]
            score = math.log(docs / total_docs)
            for word in known:
                score += math.log((counts[word] + 1) / (total + size))
            scores[department] = score
        best = max(scores, key=lambda d: scores[d])
        top = scores[best]
        posterior = 1 / sum(math.exp(score - top) for score in scores.values())
        if posterior < minimum:
            return None
        return Suggestion(best, posterior, self._docs[best])
