"""What `agent-desk bench` hands each benchmark group; each group reads only what it needs."""

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

    @classmethod
    def from_arguments(
        cls, args: argparse.Namespace, folder: Path, central: CentralConfig | None
    ) -> BenchOptions:
        """The command line's options; those not given keep the defaults above."""
        sizes = {s.name: getattr(args, s.name) for s in fields(SyncSizes)}
        given = {name: value for name, value in sizes.items() if value is not None}
        options = cls(folder, args.patients, central, SyncSizes(**given))
        if args.audit_events is None:
            return options
        return replace(options, audit_events=args.audit_events)


class BenchUnavailable(UserError):
    """A group lacks what it needs to run (a server): an error when asked for by name,
    skipped with a note when every group runs."""


Group = Callable[[BenchOptions], dict[str, float]]
