"""The command-line side of sync, for the sync and central commands: each returns an exit code
and prints to *out*; failures raise SyncError (a UserError: one line on stderr)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TextIO

from agent_desk.db.engine import Database
from agent_desk.domain.enums import SyncConnection
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import (
    CentralConfig,
    central_init,
    central_status,
    prune_change_log,
)
from agent_desk.sync.cycle import sync_once
from agent_desk.sync.runner import SyncRunner
from agent_desk.sync.seed import seed_from_local
from agent_desk.sync.state import SyncStatus

EXIT_OK = 0
EXIT_REVIEW = 3  # synced, but conflicts wait for review (scripts can tell)


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
    """`agent-desk sync [--once]`: one cycle, or keep syncing until *stop* (or Ctrl-C)."""
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


def run_central_init(
    config: CentralConfig, out: TextIO, *, seed_from: Database | None = None
) -> int:
    """`agent-desk central init [--seed-from-local]`."""
    print(central_init(config).summary(), file=out)
    if seed_from is not None:
        print(seed_from_local(seed_from, config).summary(), file=out)
    return EXIT_OK


def run_central_prune(config: CentralConfig, out: TextIO, *, older_than_days: int) -> int:
    """`agent-desk central prune`: forget change-feed rows older than the retention; a
    workstation that has not synced since then downloads everything once (a resync)."""
    removed, horizon = prune_change_log(config, timedelta(days=older_than_days))
    print(
        f"removed {removed:,} change-feed rows older than {older_than_days} days; "
        f"workstations behind transaction {horizon.txid} resync on their next sync",
        file=out,
    )
    return EXIT_OK


def run_central_status(config: CentralConfig, out: TextIO) -> int:
    """`agent-desk central status`."""
    for line in central_status(config).lines():
        print(line, file=out)
    return EXIT_OK
