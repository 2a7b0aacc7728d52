"""`agent-desk users`: staff accounts (add, passwd, list)."""

from __future__ import annotations

import argparse

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands, read_password
from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    users = commands.add_parser("users", help="staff accounts (an administrator's login)")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="add a staff account (the first one, an admin, needs no login)"
    )
    add.add_argument("name")
    add.add_argument(
        "--role",
        required=True,
        action="append",
        choices=[r.value for r in Role],
        help="repeat for an account with several roles; the first is the primary one",
    )
    add.add_argument(
        "--department",
        metavar="CODE",
        action="append",
        help="repeat for several departments; the first is the primary one",
    )
    add.add_argument("--display-name", metavar="TEXT")
    add.add_argument("--password-stdin", action="store_true")
    passwd = actions.add_parser("passwd", help="set a staff account's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    change = actions.add_parser(
        "change", help="change an account's roles or departments, or turn it off or on"
    )
    change.add_argument("name")
    change.add_argument(
        "--role", action="append", choices=[r.value for r in Role], help="replaces the roles"
    )
    change.add_argument(
        "--department", metavar="CODE", action="append", help="replaces the departments"
    )
    change.add_argument("--no-department", action="store_true", help="remove every department")
    state = change.add_mutually_exclusive_group()
    state.add_argument("--disable", action="store_true", help="the account can no longer log in")
    state.add_argument("--enable", action="store_true")
    actions.add_parser("list", help="list staff accounts")
    return users


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.services.accounts import AccountService

    accounts = AccountService(ctx.db)
    if args.users_command == "list":
        for user in accounts.list_users(ctx.principal(Permission.MANAGE_ACCOUNTS)):
            state = "" if user.active else " (disabled)"
            held = ",".join(role.value for role in user.roles)
            print(f"{user.username}\t{held}\t{user.department_name or '-'}{state}")
        return EXIT_OK
    if args.users_command == "add":
        # Checked before the new password is read: a refusal asks for nothing more.
        principal = ctx.setup_principal(Permission.MANAGE_ACCOUNTS)
        roles = list(dict.fromkeys(Role(value) for value in args.role))
        departments = list(dict.fromkeys(args.department or ()))
        password = read_password(args.password_stdin, confirm=True)
        if principal is None:
            user = accounts.create_first_admin(
                password, args.name, roles, departments, args.display_name
            )
        else:
            user = accounts.add_user(
                principal, args.name, password, roles, departments, args.display_name
            )
        print(f"added {user.username} ({', '.join(role.value for role in user.roles)})")
        return EXIT_OK
    principal = ctx.principal(Permission.MANAGE_ACCOUNTS)
    if args.users_command == "change":
        new_departments: list[str] | None = [] if args.no_department else args.department
        active = False if args.disable else True if args.enable else None
        new_roles = None if args.role is None else list(dict.fromkeys(Role(v) for v in args.role))
        if new_roles is None and new_departments is None and active is None:
            raise CliError("nothing to change: give --role, --department, --disable or --enable")
        user = accounts.change_user(
            principal, args.name, roles=new_roles, departments=new_departments, active=active
        )
        held = ", ".join(role.value for role in user.roles)
        print(f"{user.username}: {held}{'' if user.active else ' (disabled)'}")
        return EXIT_OK
    accounts.set_password(principal, args.name, read_password(args.password_stdin, confirm=True))
    print(f"password changed for {args.name}")
    return EXIT_OK
