"""`agent-desk bench`: the performance goals each capability names, measured here and now."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from agent_desk.bench.options import BenchOptions, BenchUnavailable, Group, SyncSizes


def _group(module: str, function: str) -> Group:
    """The group *function* of agent_desk.bench.*module*, imported when it runs: the command
    line imports this package for its flags at every start, and the groups load Qt,
    telephony, reports and the demo hospital."""

    def run(options: BenchOptions) -> dict[str, float]:
        group: Group = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return group(options)

    return run


# sync first: a server that is down or refuses us then fails the run in a second, not
# after the minutes the other groups take (whose figures would be lost with it).
GROUPS: dict[str, Group] = {
    "sync": _group("sync", "run_sync"),
    "core": _group("core", "run_core"),
    "telephony": _group("telephony", "run_telephony"),
    "governance": _group("governance", "run_governance"),
    "report": _group("report", "run_report"),
    "feedback": _group("feedback", "run_feedback"),
    "appointments": _group("appointments", "run_appointments"),
    "sms": _group("sms", "run_sms"),
}


def default_bench_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("agent_desk", appauthor=False)) / "bench"


def run_benchmarks(
    name: str | None,
    options: BenchOptions,
    *,
    as_json: bool,
    groups: Mapping[str, Group] = GROUPS,
) -> int:
    """Run the group *name*, or every group when None, and print their figures."""
    if name is not None and name not in groups:
        print(
            f"agent-desk: unknown benchmark {name!r}; choose from {', '.join(groups)}",
            file=sys.stderr,
        )
        return 1
    options.folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}
    skipped: list[str] = []
    for group_name, group in groups.items():
        if name not in (None, group_name):
            continue
        try:
            results.update(group(options))
        except BenchUnavailable as exc:
            if name is not None:
                raise  # asked for by name: an error, printed as one line by the CLI
            skipped.append(f"agent-desk: {group_name} skipped: {exc}")
    if as_json:
        print(json.dumps(results))
    elif results:
        width = max(map(len, results))
        for key, value in results.items():
            print(f"{key:<{width}}  {value:g}")
    # After the figures, so that the note is not scrolled away by a long run.
    for note in skipped:
        print(note, file=sys.stderr)
    return 0


__all__ = [
    "GROUPS",
    "BenchOptions",
    "BenchUnavailable",
    "Group",
    "SyncSizes",
    "default_bench_dir",
    "run_benchmarks",
]
