"""`agent-desk sync [--once]`: synchronise this workstation with the central PostgreSQL.

Prints to *out* and returns the exit status; a failure raises SyncError (a UserError: one
line on stderr). The sync package is imported inside the functions: it is slow to load.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING, TextIO

from agent_desk.cli.context import EXIT_OK, Context, Subcommands
from agent_desk.domain.enums import SyncConnection
from agent_desk.domain.permissions import Permission

if TYPE_CHECKING:
    from agent_desk.db.engine import Database
    from agent_desk.sync.central import CentralConfig
    from agent_desk.sync.state import SyncStatus

EXIT_REVIEW = 3  # synced, but conflicts wait for review (scripts can tell)


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    sync = commands.add_parser("sync", help="synchronise with the central PostgreSQL")
    sync.add_argument("--once", action="store_true", help="one round, then exit")
    return sync


def handle(ctx: Context, args: argparse.Namespace) -> int:
    # Free only on a workstation with no account yet: its first sync brings the hospital's
    # accounts down (README: "Logging in on the command line").
    ctx.setup_principal(Permission.SYNC)
    return run_sync(ctx.db, ctx.central_config(), sys.stdout, once=args.once)


def status_line(status: SyncStatus) -> str:
    when = f"{status.last_sync_at:%Y-%m-%d %H:%M:%S} UTC" if status.last_sync_at else "never"
    line = (
        f"{status.connection.value}: last sync {when}, {status.waiting:,} waiting, "
        f"{status.to_review} to review"
    )
    if status.blocked:
        line += f", {status.blocked:,} held back"
    if status.connection is SyncConnection.OFFLINE and status.last_error:
        line += f" — {status.last_error}"
    return line


def run_sync(
    db: Database,
    config: CentralConfig,
    out: TextIO,
    *,
    once: bool,
    stop: threading.Event | None = None,
    interval_s: float = 30.0,
) -> int:
    """One cycle, or keep syncing until *stop* (or Ctrl-C)."""
    from agent_desk.sync.capture import install_capture
    from agent_desk.sync.cycle import sync_once
    from agent_desk.sync.runner import SyncRunner

    capture = install_capture(db)
    if once:
        report = sync_once(db, config)
        print(report.summary(), file=out)
        return EXIT_REVIEW if report.counts.open_issues else EXIT_OK
    runner = SyncRunner(
        db,
        config,
        capture=capture,
        interval_s=interval_s,
        on_status=lambda status: print(status_line(status), file=out, flush=True),
    )
    runner.start()
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
    return EXIT_OK
