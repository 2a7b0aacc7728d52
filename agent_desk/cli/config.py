"""`agent-desk config`: the workstation's settings (get, set, list)."""

from __future__ import annotations

import argparse

from agent_desk.cli.context import EXIT_OK, Context, Subcommands
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    config = commands.add_parser("config", help="workstation settings")
    actions = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    actions.add_parser("get").add_argument("key")
    config_set = actions.add_parser("set")
    config_set.add_argument("key")
    config_set.add_argument("value")
    actions.add_parser("list")
    return config


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db import audit
    from agent_desk.settings import REGISTRY

    settings = ctx.settings
    match args.config_command:
        case "get":
            print(settings.get(args.key))
        case "set":
            # A set-up command: free on a new workstation, an admin's once accounts exist.
            ctx.setup_principal(Permission.MANAGE_SETTINGS)
            value = settings.set(args.key, args.value)
            with ctx.db.write() as session:
                audit.record(
                    session, ctx.actor, AuditAction.CONFIG_CHANGED, "setting", args.key, value=value
                )
        case "list":
            for key, value in settings.items():
                print(f"{key} = {value}\t# {REGISTRY[key].help}")
    return EXIT_OK
