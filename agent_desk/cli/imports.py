"""`agent-desk import`: discharges from the HIS, as a CSV/.xlsx list or HL7 v2 files."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent_desk.cli.context import EXIT_FAILURE, EXIT_OK, CliError, Context, Subcommands
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    imports = commands.add_parser("import", help="import discharges from the HIS")
    kinds = imports.add_subparsers(dest="import_command", metavar="KIND", required=True)
    discharges = kinds.add_parser("discharges", help="a CSV or .xlsx discharge list")
    discharges.add_argument("file")
    discharges.add_argument(
        "--mapping",
        default="default",
        metavar="NAME",
        help="saved column mapping (DATA/mappings/NAME.json)",
    )
    kinds.add_parser("hl7", help="a file or folder of HL7 v2 ADT messages").add_argument(
        "file", metavar="FILE|DIR"
    )
    return imports


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.services.intake import open_intake

    principal = ctx.principal(Permission.IMPORT_PATIENTS)
    service = open_intake(ctx.db, ctx.data_dir.root, principal, ctx.settings.phone_plan)
    path = Path(args.file)
    if not path.exists():
        raise CliError(f"no such file or folder: {path}")
    if args.import_command == "discharges":
        report = service.import_discharges(path, args.mapping)
    else:
        report = service.import_hl7(path)
    print(report.summary())
    return EXIT_OK if not report.errors else EXIT_FAILURE
