"""`agent-desk bench sync --url URL`: the goals for central sync and the shared work
queue, all measured in one run against one PostgreSQL server.

The database the URL names is only connected to: every figure is measured in scratch
databases created beside it and dropped afterwards (the role needs CREATEDB).
"""

from __future__ import annotations

import sys

from agent_desk.bench.options import BenchOptions, BenchUnavailable

NO_SERVER = (
    "no PostgreSQL server to measure against: run "
    "'agent-desk bench sync --url postgresql://USER@HOST:5432/DATABASE' (or set central.url)"
)


def run_sync(options: BenchOptions) -> dict[str, float]:
    """push_vs_copy, pull_1m_s, pull_vs_copy, visible_p95_ms, claim_p95_ms and
    double_claims, with the figures behind them."""
    if options.central is None:
        raise BenchUnavailable(NO_SERVER)
    # Imported here: the other groups, and a workstation without a server, never load them.
    from agent_desk.bench.sync_claims import measure_claims
    from agent_desk.bench.sync_transfer import check_reachable, run_sync_bench

    config, sizes = options.central, options.sync
    check_reachable(config)
    results = run_sync_bench(
        config,
        options.folder,
        options.patients,
        records=sizes.records,
        changes=sizes.changes,
        pushers=sizes.pushers,
    )
    print(
        f"measuring claims by {sizes.agents} agents emptying a queue of {sizes.tasks:,} tasks …",
        file=sys.stderr,
        flush=True,
    )
    results.update(measure_claims(config.engine_url(), agents=sizes.agents, tasks=sizes.tasks))
    return results
