"""Modules stay small enough to say what they hold: none under agent_desk/ passes the limit."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "agent_desk"
MAX_LINES = 550


def _line_counts() -> dict[str, int]:
    counts = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if "migrations" in relative.parts:
            continue  # a migration is history: it is never split afterwards
        counts[relative.as_posix()] = len(path.read_text("utf-8").splitlines())
    return counts


def test_no_module_is_longer_than_the_limit() -> None:
    long = {name: n for name, n in _line_counts().items() if n > MAX_LINES}
    assert long == {}
