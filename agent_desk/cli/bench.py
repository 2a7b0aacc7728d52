"""`agent-desk bench`: measure the performance goals (sync, core, telephony, governance, report,
feedback,
appointments, sms)."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent_desk.cli.context import Context, Subcommands, positive


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    bench = commands.add_parser("bench", help="measure the performance goals")
    bench.add_argument(
        "name",
        nargs="?",
        help="one benchmark group: sync, core, telephony, governance, report, feedback, "
        "appointments or sms (default: all)",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument(
        "--patients",
        type=positive,
        default=1_000_000,
        metavar="N",
        help="patients of the benchmark hospital, and of the first download (1,000,000)",
    )
    bench.add_argument(
        "--audit-events",
        type=positive,
        metavar="N",
        help="audit events in the chain `bench governance` verifies (1,000,000)",
    )
    bench.add_argument(
        "--bench-dir",
        metavar="DIR",
        help="where the benchmark databases are kept (default: a cache folder)",
    )
    bench.add_argument(
        "--url",
        metavar="URL",
        help="the central PostgreSQL server to measure against (default: the central.url "
        "setting if set)",
    )
    # No defaults here: SyncSizes holds them, and importing it would slow every start-up.
    sync_sizes = bench.add_argument_group(
        "sync sizes (default: the sizes BENCHMARKS.md states the goals at)"
    )
    for flag, meaning in (
        ("--records", "follow-up records pushed per round"),
        ("--changes", "changes timed from one workstation to another"),
        ("--pushers", "workstation processes pushing while those changes are timed"),
        ("--agents", "concurrent agent processes claiming tasks"),
        ("--tasks", "tasks in the queue the agents empty"),
    ):
        sync_sizes.add_argument(flag, type=positive, metavar="N", help=meaning)
    return bench


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.bench import BenchOptions, default_bench_dir, run_benchmarks

    # The door only: what the benchmarks measure and how is agent_desk.bench's. No server is
    # no error here: the sync group says so, and is skipped when all groups run.
    has_server = bool(args.url or ctx.settings.get("central.url"))
    folder = Path(args.bench_dir) if args.bench_dir else default_bench_dir()
    central = ctx.central_config(args.url or None) if has_server else None
    options = BenchOptions.from_arguments(args, folder, central)
    return run_benchmarks(args.name, options, as_json=args.json)
