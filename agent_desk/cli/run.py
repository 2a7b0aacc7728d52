"""`agent-desk run`: the workstation window (also what `agent-desk` alone does)."""

from __future__ import annotations

import argparse
import gc

from agent_desk.cli.context import CliError, Context, Subcommands, read_password


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    run = commands.add_parser("run", help="open the workstation window (the default)")
    run.add_argument("--user", metavar="NAME", help="log in as NAME without the dialog")
    run.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password for --user from standard input",
    )
    run.add_argument(
        "--quit-when-ready",
        action="store_true",
        help="exit as soon as the window is usable, saying so on standard output (install check)",
    )
    return run


def handle(ctx: Context, args: argparse.Namespace) -> int:
    user: str | None
    password: str | None
    if ctx.login is not None:  # agent-desk --user NAME --password-stdin run
        user, password = ctx.login.username, ctx.login.password
    else:
        user = args.user
        password = read_password(True, False) if args.password_stdin else None
        if args.password_stdin and not args.user:
            raise CliError("--password-stdin needs --user NAME")
    # Start-up allocates (modules, the window's objects) and frees next to nothing: the
    # collector's passes over it would be wasted (about 5 % of start-up). It is back on
    # once the window has started (settle_after_start), or when the window does not open.
    gc.disable()
    try:
        # The database's modules load here, on this thread, before the thread that opens it
        # starts: two threads importing at once only take turns with the interpreter lock,
        # and lose time handing it over. The lock, the database and the login then go on
        # (mostly in SQLite and the password hash, outside that lock) while Qt and the
        # window's modules load.
        from agent_desk.services.workstation_open import OpenWorkstation

        opening = OpenWorkstation(
            ctx.data_dir,
            user,
            password,
            synced=bool(ctx.settings.get("central.url")),
            worklist_page=int(ctx.settings.get("worklist.page_size")),
        )
        try:
            from agent_desk.ui.app import run_workstation  # Qt is loaded only for the window
        except BaseException:
            opening.release()
            raise
        return run_workstation(
            ctx.data_dir, ctx.settings, opening, user=user, quit_when_ready=args.quit_when_ready
        )
    finally:
        gc.enable()
