"""Percentiles and timing, shared by every benchmark group."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q% of the samples at or below."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def time_each_ms(action: Callable[[T], object], inputs: Sequence[T]) -> list[float]:
    samples = []
    for item in inputs:
        start = time.perf_counter()
        action(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_side_by_side_ms(
    actions: Sequence[Callable[[T], object]], inputs: Sequence[T]
) -> list[list[float]]:
    """The times of each action on each input, the actions taking turns input by input
    (who goes first rotating), so that each meets the caches as the others do: a ratio of
    their percentiles then compares their work, not the order they ran in. One list of
    samples per action."""
    samples: list[list[float]] = [[] for _ in actions]
    turns = list(range(len(actions)))
    for n, item in enumerate(inputs):
        shift = n % len(turns)
        for turn in turns[shift:] + turns[:shift]:
            start = time.perf_counter()
            actions[turn](item)
            samples[turn].append((time.perf_counter() - start) * 1000)
    return samples


def rounded(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}") if value < 1 else round(value, 2)
