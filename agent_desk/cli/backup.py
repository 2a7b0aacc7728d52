"""`agent-desk backup`: copy the database while it is in use, list the copies, restore one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent_desk.cli.context import EXIT_OK, Context, Subcommands
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    backup = commands.add_parser("backup", help="back up or restore the database")
    actions = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="back up now (the window may stay open)")
    create.add_argument("file", nargs="?", metavar="FILE", help="default: backups/ in DATA")
    actions.add_parser("list", help="the backups in backups/, newest first")
    restore = actions.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("file", metavar="FILE")
    return backup


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.services import backup

    principal = ctx.principal(Permission.BACKUP)
    match args.backup_command:
        case "create":

            def progress(done: int, total: int) -> None:
                print(f"\r{done:,} / {total:,} pages", end="", file=sys.stderr, flush=True)

            target = Path(args.file).expanduser() if args.file else None
            made = backup.create_backup(
                ctx.db, ctx.data_dir, principal, ctx.settings.get("backup.keep"), target, progress
            )
            print(file=sys.stderr)
            print(f"backup written to {made.path}")
            for old in made.pruned:
                print(f"deleted the old backup {old.name} (backup.keep)")
        case "list":
            listed = backup.list_backups(ctx.data_dir, principal)
            for found in listed:
                print(f"{found.path}\t{found.size:,} bytes\t{found.modified:%Y-%m-%d %H:%M:%S}")
            if not listed:
                print(f"no backups in {ctx.data_dir.backups}", file=sys.stderr)
        case "restore":
            ctx.db.dispose()  # the login's connection: the file is about to be replaced
            file = Path(args.file).expanduser()
            restored = backup.restore_backup(ctx.data_dir, file, principal)
            print(f"restored {args.file}")
            if restored.kept_aside is not None:
                print(f"the previous database is kept as {restored.kept_aside}")
    return EXIT_OK
