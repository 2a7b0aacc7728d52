"""`agent-desk bench`: the performance goals each capability names, measured here and now."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs

from agent_desk.bench.core import run_core
from agent_desk.bench.telephony import run_telephony

Group = Callable[[Path, int], dict[str, float]]
GROUPS: dict[str, Group] = {"core": run_core, "telephony": run_telephony}


def default_bench_dir() -> Path:
    return Path(platformdirs.user_cache_dir("agent_desk", appauthor=False)) / "bench"


def run_benchmarks(name: str | None, *, patients: int, as_json: bool, bench_dir: str | None) -> int:
    if name is not None and name not in GROUPS:
        print(
            f"agent-desk: unknown benchmark {name!r}; choose from {', '.join(GROUPS)}",
            file=sys.stderr,
        )
        return 1
    folder = Path(bench_dir) if bench_dir else default_bench_dir()
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}
    for group_name, group in GROUPS.items():
        if name in (None, group_name):
            results.update(group(folder, patients))
    if as_json:
        print(json.dumps(results))
    else:
        width = max(map(len, results))
        for key, value in results.items():
            print(f"{key:<{width}}  {value:g}")
    return 0
