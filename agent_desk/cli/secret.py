"""`agent-desk secret`: the passwords kept in the OS keyring (set, delete)."""

from __future__ import annotations

import argparse

from agent_desk.cli.context import EXIT_OK, Context, Subcommands, read_password
from agent_desk.domain.permissions import Permission

SECRET_NAMES = (
    "sip.password",
    "central.password",
    "sms.pin",
)  # the names the keyring keeps them under


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    secret = commands.add_parser("secret", help="passwords kept in the OS keyring")
    actions = secret.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    secret_set = actions.add_parser("set", help="store a password in the OS keyring")
    secret_set.add_argument("name", choices=SECRET_NAMES)
    secret_set.add_argument("--password-stdin", action="store_true")
    actions.add_parser("delete", help="remove it").add_argument("name", choices=SECRET_NAMES)
    return secret


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk import secrets

    # The SIP and central server passwords are settings: free at set-up, an admin's after.
    ctx.setup_principal(Permission.MANAGE_SETTINGS)
    if args.secret_command == "set":
        secrets.set_secret(args.name, read_password(args.password_stdin, confirm=True))
        print(f"{args.name} stored in the OS keyring ({secrets.backend_name()})")
    elif secrets.delete_secret(args.name):
        print(f"{args.name} removed from the OS keyring")
    else:
        print(f"{args.name} was not in the OS keyring")
    return EXIT_OK
