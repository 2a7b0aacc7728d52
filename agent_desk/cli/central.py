"""`agent-desk central`: the central PostgreSQL server (init, status, prune, audit-verify).

Each action prints to *out* and returns the exit status; a failure raises SyncError (a
UserError: one line on stderr). The sync package is imported inside the functions: it is
slow to load.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from agent_desk.cli.context import EXIT_FAILURE, EXIT_OK, Context, Subcommands, positive
from agent_desk.domain.permissions import Permission

if TYPE_CHECKING:
    from agent_desk.db.engine import Database
    from agent_desk.sync.central import CentralConfig


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    central = commands.add_parser("central", help="the central PostgreSQL server")
    actions = central.add_subparsers(dest="central_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="create or upgrade the central schema")
    init.add_argument(
        "--seed-from-local",
        action="store_true",
        help="upload this workstation's data into an empty server",
    )
    status = actions.add_parser("status", help="schema, change feed, workstations")
    prune = actions.add_parser(
        "prune", help="forget old change-feed rows (workstations behind them resync)"
    )
    prune.add_argument(
        "--older-than-days",
        type=positive,
        default=90,
        metavar="N",
        help="keep this many days of changes (default: 90)",
    )
    audit_verify = actions.add_parser(
        "audit-verify", help="verify every workstation's audit chain kept on the server"
    )
    for command in (init, status, prune, audit_verify):
        command.add_argument("--url", metavar="URL", help="instead of the central.url setting")
    return central


def handle(ctx: Context, args: argparse.Namespace) -> int:
    config = ctx.central_config(args.url)
    if args.central_command == "init":
        ctx.setup_principal(Permission.MANAGE_SETTINGS)
        return run_central_init(
            config, sys.stdout, seed_from=ctx.db if args.seed_from_local else None
        )
    if args.central_command == "audit-verify":
        ctx.principal(Permission.VIEW_AUDIT_LOG)
        return run_central_audit_verify(config, sys.stdout)
    if args.central_command == "prune":
        ctx.principal(Permission.MANAGE_SETTINGS)
        return run_central_prune(config, sys.stdout, older_than_days=args.older_than_days)
    return run_central_status(config, sys.stdout)


def run_central_init(
    config: CentralConfig, out: TextIO, *, seed_from: Database | None = None
) -> int:
    """`agent-desk central init [--seed-from-local]`."""
    from agent_desk.sync.central import central_init
    from agent_desk.sync.seed import seed_from_local

    print(central_init(config).summary(), file=out)
    if seed_from is not None:
        print(seed_from_local(seed_from, config).summary(), file=out)
    return EXIT_OK


def run_central_prune(config: CentralConfig, out: TextIO, *, older_than_days: int) -> int:
    """Forget change-feed rows older than the retention; a workstation that has not synced
    since then downloads everything once (a resync)."""
    from agent_desk.sync.central import prune_change_log

    removed, horizon = prune_change_log(config, timedelta(days=older_than_days))
    print(
        f"removed {removed:,} change-feed rows older than {older_than_days} days; "
        f"workstations behind transaction {horizon.txid} resync on their next sync",
        file=out,
    )
    return EXIT_OK


def run_central_status(config: CentralConfig, out: TextIO) -> int:
    """`agent-desk central status`."""
    from agent_desk.sync.central import central_status

    for line in central_status(config).lines():
        print(line, file=out)
    return EXIT_OK


def run_central_audit_verify(config: CentralConfig, out: TextIO) -> int:
    """`agent-desk central audit-verify`: each workstation's chain as uploaded, one line
    each; the server keeps no head, so a tail that never arrived is not a break."""
    from agent_desk.db import audit_verify
    from agent_desk.sync.central import central_database

    central = central_database(config)
    try:
        with central.read() as session:
            reports = [
                audit_verify.verify_chain(session, workstation, with_head=False)
                for workstation in audit_verify.workstations(session)
            ]
    finally:
        central.dispose()
    for report in reports:
        state = "intact" if report.broken is None else f"broken at {report.broken.line()}"
        print(
            f"workstation {report.workstation}: {report.events:,} events verified, {state}",
            file=out,
        )
    if not reports:
        print("no audit chains on the server yet", file=out)
    return EXIT_OK if all(report.broken is None for report in reports) else EXIT_FAILURE
