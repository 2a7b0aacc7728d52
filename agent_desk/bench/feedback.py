"""`agent-desk bench feedback`: the feedback loop's goals. Each part is a module of its own
returning its figures; a new part is one more entry of PARTS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agent_desk.bench.feedback_kb import run_kb
from agent_desk.bench.options import BenchOptions

PARTS: tuple[Callable[[Path], dict[str, float]], ...] = (run_kb,)


def run_feedback(options: BenchOptions) -> dict[str, float]:
    figures: dict[str, float] = {}
    for part in PARTS:
        figures.update(part(options.folder))
    return figures
