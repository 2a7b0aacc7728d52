"""`agent-desk bench`: the performance goals each capability names, measured here and now."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from agent_desk.bench.appointments import run_appointments
from agent_desk.bench.core import run_core
from agent_desk.bench.feedback import run_feedback
from agent_desk.bench.governance import run_governance
from agent_desk.bench.options import BenchOptions, BenchUnavailable, Group, SyncSizes
from agent_desk.bench.report import run_report
from agent_desk.bench.sms import run_sms
from agent_desk.bench.sync import run_sync
from agent_desk.bench.telephony import run_telephony

# sync first: a server that is down or refuses us then fails the run in a second, not
# after the minutes the other groups take (whose figures would be lost with it).
GROUPS: dict[str, Group] = {
    "sync": run_sync,
    "core": run_core,
    "telephony": run_telephony,
    "governance": run_governance,
    "report": run_report,
    "feedback": run_feedback,
    "appointments": run_appointments,
    "sms": run_sms,
}


def default_bench_dir() -> Path:
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
