"""`agent-desk audit`: the audit log (verify its hash chain)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands
from agent_desk.domain.permissions import Permission

if TYPE_CHECKING:
    from agent_desk.db.audit_verify import ChainReport
    from agent_desk.db.engine import Database


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    audit = commands.add_parser("audit", help="the audit log")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    actions.add_parser("verify", help="check that no audit event was changed, removed or inserted")
    return audit


def handle(ctx: Context, args: argparse.Namespace) -> int:
    # The chain is read before the login, whose own audit event would otherwise start a
    # new chain over a removed head and identity, and hide that they were removed.
    reports = verify_chains(ctx.db)
    ctx.principal(Permission.VIEW_AUDIT_LOG)
    return report_chains(reports, sys.stdout)


def verify_chains(db: Database) -> list[ChainReport]:
    """This workstation's chain(s), each verified."""
    from agent_desk.db import audit_verify, sync_local

    with db.read() as session:
        state = sync_local.read_state(session)
        return audit_verify.verify_local(session, None if state is None else state.client_id)


def report_chains(reports: list[ChainReport], out: TextIO) -> int:
    """A break fails in one line naming the first bad event; else the count of events."""
    for report in reports:
        if report.broken is not None:
            raise CliError(f"the audit chain is broken at {report.broken.line()}")
    events = sum(report.events for report in reports)
    if events == 0:
        print("no audit events chained yet", file=out)
    else:
        print(f"audit chain intact: {events:,} events", file=out)
    return EXIT_OK
