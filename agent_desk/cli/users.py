"""`agent-desk users`: staff accounts (add, passwd, list)."""

from __future__ import annotations

import argparse

from agent_desk.cli.context import EXIT_OK, Context, Subcommands, read_password
from agent_desk.domain.enums import AuditAction, Role


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    users = commands.add_parser("users", help="staff accounts")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a staff account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--department", metavar="CODE")
    add.add_argument("--display-name", metavar="TEXT")
    add.add_argument("--password-stdin", action="store_true")
    passwd = actions.add_parser("passwd", help="set a staff account's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    actions.add_parser("list", help="list staff accounts")
    return users


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db import audit, staff

    if args.users_command == "list":
        with ctx.db.read() as session:
            users = staff.list_users(session)
        for user in users:
            state = "" if user.active else " (disabled)"
            print(f"{user.username}\t{user.role.value}\t{user.department_name or '-'}{state}")
        return EXIT_OK
    password = read_password(args.password_stdin, confirm=True)
    with ctx.db.write() as session:
        if args.users_command == "add":
            user = staff.add_user(
                session, args.name, password, Role(args.role), args.department, args.display_name
            )
            audit.record(
                session, ctx.actor, AuditAction.USER_ADDED, "staff", user.id, role=user.role.value
            )
            print(f"added {user.username} ({user.role.value})")
        else:
            staff.set_password(session, args.name, password)
            audit.record(session, ctx.actor, AuditAction.PASSWORD_CHANGED, "staff", args.name)
            print(f"password changed for {args.name}")
    return EXIT_OK
