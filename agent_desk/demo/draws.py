"""Drawing from the demo generator's seeded random stream."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")


class Draws:
    """A seeded random stream; every generator of the demo shares one, so a seed repeats."""

    def __init__(self, rnd: Callable[[], float]) -> None:
        self.rnd = rnd

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.rnd() * len(options))]


def cumulative(weights: Iterable[float]) -> list[float]:
    """Weights as running shares of their total, for bisect_right(shares, random())."""
    cum = list(accumulate(weights))
    total = cum[-1]
    cum = [running / total for running in cum]
    cum[-1] = 1.0  # random() < 1.0, so bisect never runs off the end
    return cum
