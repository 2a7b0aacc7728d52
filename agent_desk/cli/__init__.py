"""The one entry point, `agent-desk`: the workstation window and the tools for hospital IT.

Each command group is a module here, with its parser and its handler side by side (see
context.CommandGroup), listed once in COMMAND_GROUPS. What happens around every command
lives below: the data folder and the log, SIGTERM as Ctrl-C, and the one-line error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from agent_desk import __version__
from agent_desk.cli.context import EXIT_FAILURE, CliError, CommandGroup, Context, read_login
from agent_desk.errors import UserError
from agent_desk.logs import FILE_ONLY, setup_logging
from agent_desk.paths import DataDir, DataDirError, resolve_data_dir

log = logging.getLogger(__name__)

# The command groups, each a module of this package, in the order `agent-desk --help` lists them.
COMMAND_GROUPS = (
    "run",
    "demo",
    "users",
    "config",
    "secret",
    "export",
    "report",
    "audit",
    "imports",
    "hl7",
    "sync",
    "central",
    "backup",
    "recordings",
    "forms",
    "tickets",
    "kb",
    "appointments",
    "sms",
    "bench",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-desk", description="Hospital follow-up workstation (医院随访工作站)"
    )
    parser.add_argument("--version", action="version", version=f"agent-desk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder (default: $AGENT_DESK_HOME or the user data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument(
        "--user",
        dest="login_user",
        metavar="NAME",
        help="log in as NAME: needed by every command that reads or changes patient data, "
        "recordings or accounts",
    )
    parser.add_argument(
        "--password-stdin",
        dest="login_password_stdin",
        action="store_true",
        help="read the password for --user from the first line of standard input",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_GROUPS:
        group: CommandGroup = importlib.import_module(f"{__name__}.{name}")
        group.add_parser(commands).set_defaults(handler=group.handle)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs the command *argv*; None: this process's own command line (the console script,
    `python -m agent_desk`), which also sets up what belongs to the whole process."""
    if getattr(sys, "frozen", False):  # a bundled build: the sync's process starts this way
        import multiprocessing

        multiprocessing.freeze_support()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "run"])
    data_dir: DataDir | None = None
    log_path: Path | None = None
    try:
        data_dir = resolve_data_dir(args.data_dir)
        log_path = setup_logging(data_dir.logs, args.verbose)
        _install_thread_hook(log_path)
        if argv is None:
            from agent_desk.secrets import use_os_keyring  # here: the parser alone loads none

            use_os_keyring()
        handler: Callable[[Context, argparse.Namespace], int] = args.handler
        login = read_login(args.login_user, args.login_password_stdin)
        with _terminate_as_interrupt():
            return handler(Context(data_dir, log_path, login), args)
    except SystemExit:
        raise
    except BaseException as exc:  # the top-level handler: every error leaves as one line
        return _report(exc, data_dir, log_path)


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _say(message: str) -> None:
    print(f"agent-desk: {message}", file=sys.stderr)


def _report(exc: BaseException, data_dir: DataDir | None, log_path: Path | None) -> int:
    """The one place an error leaves the program: one line here, the detail in the log file."""
    if isinstance(exc, KeyboardInterrupt):
        return 130
    # Here, not at the top: this module loads at every start, before `agent-desk run` starts
    # opening the database, and these would load SQLAlchemy and the models first (issue 18).
    from sqlalchemy.exc import OperationalError

    from agent_desk.db.open import DatabaseUnavailable, explain
    from agent_desk.db.sqlcipher import driver
    from agent_desk.db.staff import StaffError
    from agent_desk.domain.passwords import WeakPassword
    from agent_desk.domain.phones import InvalidPhoneNumber
    from agent_desk.settings import SettingError

    user_errors = (
        CliError,
        UserError,
        DataDirError,
        DatabaseUnavailable,
        SettingError,
        StaffError,
        WeakPassword,
        InvalidPhoneNumber,
    )
    match exc:
        case _ if isinstance(exc, user_errors):
            log.info("refused: %s", exc, extra=FILE_ONLY)
            # A user error may list several problems, one per line, each already one line.
            _say(str(exc))
        case OperationalError() if isinstance(exc.orig, driver.Error) and data_dir is not None:
            _say(explain(data_dir.database, exc.orig))
        case OperationalError():  # the central PostgreSQL, not this workstation's file
            detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
            _say(f"the central server failed: {detail}")
        case OSError():
            _say(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        case _:
            log.exception("unexpected error", exc_info=exc, extra=FILE_ONLY)
            where = f" (details in {log_path})" if log_path is not None else ""
            _say(_one_line(f"unexpected error: {type(exc).__name__}: {exc}") + where)
    return EXIT_FAILURE


def _install_thread_hook(log_path: Path) -> None:
    """A worker thread's crash is one line too (the window installs its own dialog hook)."""

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a worker"
        log.error("uncaught exception in %s", name, exc_info=args.exc_value, extra=FILE_ONLY)
        _say(
            _one_line(f"unexpected error in {name}: {args.exc_value!r}")
            + f" (details in {log_path})"
        )

    threading.excepthook = hook


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager, a shutdown) stops a command as Ctrl-C does: the listener
    and the sync loop finish what they hold and say so, an import records what it applied.
    The window replaces this with its own handler, which also leaves the PBX cleanly."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (tests call main() from others)
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
