"""`agent-desk bench`: measure the performance goals (sync, core, telephony, governance, report,
feedback, appointments, sms)."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent_desk.bench.options import add_arguments
from agent_desk.cli.context import Context, Subcommands, positive


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    bench = commands.add_parser("bench", help="measure the performance goals")
    add_arguments(bench, positive)  # the flags are the benchmarks' (agent_desk.bench.options)
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
