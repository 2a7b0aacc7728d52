"""`agent-desk export`: patients, tasks, calls or follow-ups as CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import TextIO

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    export = commands.add_parser("export", help="export data as CSV or JSON")
    export.add_argument("kind", choices=["patients", "tasks", "calls", "followups"])
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    export.add_argument(
        "--unmasked",
        action="store_true",
        help="export identifiers in full (needs --reason; audit-logged)",
    )
    export.add_argument(
        "--reason", metavar="TEXT", help="why the export is needed (written to the audit log)"
    )
    return export


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db.export import ExportKind
    from agent_desk.services.export import ExportFormat, export

    # Checked before --out is created, so that a refusal leaves no empty file behind.
    principal = ctx.principal(
        Permission.EXPORT_UNMASKED if args.unmasked else Permission.EXPORT_DATA
    )
    if args.unmasked and not (args.reason or "").strip():
        raise CliError("an unmasked export needs --reason TEXT: why the identifiers are needed")
    with ExitStack() as stack:
        out: TextIO
        if args.out:
            # utf-8-sig: Excel on a Chinese Windows opens it without garbling the names.
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
            out = stack.enter_context(open(args.out, "w", encoding=encoding, newline=""))
        else:
            out = sys.stdout
        count = export(
            ctx.db,
            ExportKind(args.kind),
            ExportFormat(args.format),
            out,
            principal,
            unmasked=args.unmasked,
            reason=args.reason,
        )
    if args.out:
        print(f"exported {count:,} {args.kind} to {args.out}", file=sys.stderr)
    return EXIT_OK
