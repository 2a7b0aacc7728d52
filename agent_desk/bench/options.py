"""What `agent-desk bench` hands each benchmark group (each reads only what it needs), and the
command line's flags that set it. Imported by every start of `agent-desk` (the parser is
built whole): this module stays light, and no benchmark group is imported here."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.errors import UserError

if TYPE_CHECKING:  # the sync stack (psycopg, Alembic) loads only when `bench sync` runs
    from agent_desk.sync.central import CentralConfig


@dataclass(frozen=True)
class SyncSizes:
    """How much `bench sync` does; the defaults are the sizes BENCHMARKS.md states the goals at."""

    records: int = 20_000  # follow-up records pushed per round (push_vs_copy)
    changes: int = 100  # changes timed from one workstation to another (visible_p95_ms)
    pushers: int = 8  # workstation processes pushing meanwhile (visible_p95_ms)
    agents: int = 8  # concurrent workstation processes claiming (claim_p95_ms)
    tasks: int = 2000  # tasks in the queue those agents empty


@dataclass(frozen=True)
class BenchOptions:
    folder: Path  # where the benchmark databases are kept
    patients: int
    central: CentralConfig | None = None  # the server `bench sync` measures against
    sync: SyncSizes = field(default_factory=SyncSizes)
    audit_events: int = 1_000_000  # the chain `bench governance` verifies
    recordings: int = 100_000  # recorded calls in the library `bench governance` pages
    calls: int = 1000  # SIP calls in a row `bench telephony` rings (the tail and memory)

    @classmethod
    def from_arguments(
        cls, args: argparse.Namespace, folder: Path, central: CentralConfig | None
    ) -> BenchOptions:
        """The command line's options; those not given keep the defaults above."""
        sizes = {s.name: getattr(args, s.name) for s in fields(SyncSizes)}
        given = {name: value for name, value in sizes.items() if value is not None}
        options = cls(folder, args.patients, central, SyncSizes(**given))
        if args.calls is not None:
            options = replace(options, calls=args.calls)
        if args.audit_events is None:
            return options
        return replace(options, audit_events=args.audit_events)


def add_arguments(bench: argparse.ArgumentParser, positive: Callable[[str], int]) -> None:
    """The flags of `agent-desk bench` (*positive*: the command line's whole-number type)."""
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
        help="audit events in the chain `bench governance` verifies "
        f"({BenchOptions.audit_events:,})",
    )
    bench.add_argument(
        "--calls",
        type=positive,
        metavar="N",
        help=f"SIP calls in a row for `bench telephony` ({BenchOptions.calls:,})",
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
    # Not given is None: from_arguments keeps SyncSizes' own defaults then.
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
        default = getattr(SyncSizes, flag.removeprefix("--"))
        sync_sizes.add_argument(flag, type=positive, metavar="N", help=f"{meaning} ({default:,})")


class BenchUnavailable(UserError):
    """A group lacks what it needs to run (a server): an error when asked for by name,
    skipped with a note when every group runs."""


Group = Callable[[BenchOptions], dict[str, float]]
