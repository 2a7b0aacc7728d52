"""The one entry point, `agent-desk`: the workstation window and the tools for hospital IT."""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import OperationalError

from agent_desk import __version__
from agent_desk.db.engine import Database
from agent_desk.db.open import DatabaseUnavailable, explain, open_local
from agent_desk.db.staff import StaffError
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.passwords import WeakPassword
from agent_desk.domain.phones import InvalidPhoneNumber
from agent_desk.errors import UserError
from agent_desk.logs import FILE_ONLY, setup_logging
from agent_desk.paths import DataDir, DataDirError, resolve_data_dir
from agent_desk.settings import REGISTRY, SettingError, Settings

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CliError(RuntimeError):
    """A problem the user can fix; printed as one line."""


@dataclass
class Context:
    data_dir: DataDir
    log_path: Path

    @cached_property
    def settings(self) -> Settings:
        return Settings(self.data_dir.settings)

    @cached_property
    def db(self) -> Database:
        db = open_local(self.data_dir.database)
        if self.settings.get("central.url"):
            from agent_desk.sync.capture import install_capture

            install_capture(db)  # every change from here on goes up with the next sync
        return db

    @property
    def actor(self) -> str:
        return f"cli:{getpass.getuser()}"


def _read_password(from_stdin: bool, confirm: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != password:
        raise CliError("the two passwords differ")
    return password


# --- commands -------------------------------------------------------------------------


def cmd_run(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.ui.app import run_workstation  # Qt is loaded only for the window

    password = _read_password(True, False) if args.password_stdin else None
    if args.password_stdin and not args.user:
        raise CliError("--password-stdin needs --user NAME")
    return run_workstation(
        ctx.data_dir,
        ctx.settings,
        user=args.user,
        password=password,
        quit_when_ready=args.quit_when_ready,
    )


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db import demo
    from agent_desk.db.patients import count_patients

    if args.patients < 1:
        raise CliError("--patients must be at least 1")
    if args.if_empty:
        with ctx.db.read() as session:
            existing = count_patients(session)
        if existing:
            print(f"the database already has {existing:,} patients; no demo data added")
            return EXIT_OK

    def progress(done: int, total: int) -> None:
        print(f"\r{done:,} / {total:,} patients", end="", file=sys.stderr, flush=True)

    summary = demo.generate(ctx.db, args.patients, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(
        f"created {summary.patients:,} patients, {summary.encounters:,} encounters, "
        f"{summary.tasks:,} tasks, {summary.attempts:,} attempts in {summary.seconds:.1f} s"
    )
    return EXIT_OK


def cmd_users(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db import audit, staff

    if args.users_command == "list":
        with ctx.db.read() as session:
            users = staff.list_users(session)
        for user in users:
            state = "" if user.active else " (disabled)"
            print(f"{user.username}\t{user.role.value}\t{user.department_name or '-'}{state}")
        return EXIT_OK
    password = _read_password(args.password_stdin, confirm=True)
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


def cmd_config(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db import audit

    settings = ctx.settings
    match args.config_command:
        case "get":
            print(settings.get(args.key))
        case "set":
            value = settings.set(args.key, args.value)
            with ctx.db.write() as session:
                audit.record(
                    session, ctx.actor, AuditAction.CONFIG_CHANGED, "setting", args.key, value=value
                )
        case "list":
            for key, value in settings.items():
                print(f"{key} = {value}\t# {REGISTRY[key].help}")
    return EXIT_OK


SECRET_NAMES = ("sip.password", "central.password")  # the names the keyring keeps them under


def cmd_secret(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk import secrets

    if args.secret_command == "set":
        secrets.set_secret(args.name, _read_password(args.password_stdin, confirm=True))
        print(f"{args.name} stored in the OS keyring ({secrets.backend_name()})")
    elif secrets.delete_secret(args.name):
        print(f"{args.name} removed from the OS keyring")
    else:
        print(f"{args.name} was not in the OS keyring")
    return EXIT_OK


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db.export import ExportKind
    from agent_desk.services.export import ExportFormat, export

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
            ctx.actor,
            unmasked=args.unmasked,
        )
    if args.out:
        print(f"exported {count:,} {args.kind} to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.services.intake import open_intake

    service = open_intake(ctx.db, ctx.data_dir.root, ctx.settings.phone_plan, ctx.actor)
    path = Path(args.file)
    if not path.exists():
        raise CliError(f"no such file or folder: {path}")
    if args.import_command == "discharges":
        report = service.import_discharges(path, args.mapping)
    else:
        report = service.import_hl7(path)
    print(report.summary())
    return EXIT_OK if not report.errors else EXIT_FAILURE


def cmd_hl7(ctx: Context, args: argparse.Namespace) -> int:
    import threading

    from agent_desk.services.intake import open_intake

    service = open_intake(ctx.db, ctx.data_dir.root, ctx.settings.phone_plan, ctx.actor)
    listener = service.listener(args.host, args.port)
    listener.start()
    print(f"listening for HL7 (MLLP) on {args.host}:{listener.port}; Ctrl-C stops", file=sys.stderr)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        print(listener.stop().summary())
    return EXIT_OK


def _central_config(ctx: Context, url: str | None = None) -> Any:
    from agent_desk.sync.central import config_from_settings

    return config_from_settings(ctx.settings.get, url=url)


def cmd_sync(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.cli.sync import run_sync

    return run_sync(ctx.db, _central_config(ctx), sys.stdout, once=args.once)


def cmd_central(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.cli.sync import (
        run_central_init,
        run_central_prune,
        run_central_status,
    )

    config = _central_config(ctx, args.url)
    if args.central_command == "init":
        return run_central_init(
            config, sys.stdout, seed_from=ctx.db if args.seed_from_local else None
        )
    if args.central_command == "prune":
        return run_central_prune(config, sys.stdout, older_than_days=args.older_than_days)
    return run_central_status(config, sys.stdout)


def cmd_forms(ctx: Context, args: argparse.Namespace) -> int:
    import json

    from agent_desk import forms
    from agent_desk.forms.tools import render_text

    match args.forms_command:
        case "validate":
            errors = forms.validate_file(Path(args.file))
            if len(errors) == 1:
                raise CliError(f"{args.file}: {errors[0]}; the template is refused")
            for error in errors:
                print(f"{args.file}: {error}", file=sys.stderr)
            if errors:
                raise CliError(f"{args.file}: {len(errors)} errors; the template is refused")
            print(f"{args.file}: OK")
        case "show":
            shown = forms.show(args.template, args.template_version)
            print(
                json.dumps(shown, ensure_ascii=False, indent=2)
                if args.json
                else render_text(shown, args.lang)
            )
        case "score":
            result = forms.score_file(args.template, Path(args.answers), args.template_version)
            print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_bench(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.bench import BenchOptions, SyncSizes, default_bench_dir, run_benchmarks

    # No server is no error here: the sync group says so, and is skipped when all groups run.
    has_server = bool(args.url or ctx.settings.get("central.url"))
    options = BenchOptions(
        folder=Path(args.bench_dir) if args.bench_dir else default_bench_dir(),
        patients=args.patients,
        central=_central_config(ctx, args.url or None) if has_server else None,
        sync=SyncSizes(
            **{
                size.name: getattr(args, size.name)
                for size in fields(SyncSizes)
                if getattr(args, size.name) is not None
            }
        ),
    )
    return run_benchmarks(args.name, options, as_json=args.json)


# --- parser ---------------------------------------------------------------------------


def _positive(text: str) -> int:
    message = f"{text!r} is not a whole number of 1 or more"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None
    if value < 1:
        raise argparse.ArgumentTypeError(message)
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return value


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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="open the workstation window (the default)")
    run.add_argument("--user", metavar="NAME", help="log in as NAME without the dialog")
    run.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password for --user from standard input",
    )
    run.add_argument(
        "--quit-when-ready",
        action="store_true",
        help="exit as soon as the window is usable (install check)",
    )
    run.set_defaults(handler=cmd_run)

    demo = sub.add_parser("demo", help="fill the database with a synthetic hospital")
    demo.add_argument("--patients", type=int, default=2000, metavar="N")
    demo.add_argument("--seed", type=int, default=20261123)
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="only when the database has no patients yet (first run)",
    )
    demo.set_defaults(handler=cmd_demo)

    users = sub.add_parser("users", help="staff accounts")
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser("add", help="add a staff account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--department", metavar="CODE")
    add.add_argument("--display-name", metavar="TEXT")
    add.add_argument("--password-stdin", action="store_true")
    passwd = users_sub.add_parser("passwd", help="set a staff account's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    users_sub.add_parser("list", help="list staff accounts")
    users.set_defaults(handler=cmd_users)

    config = sub.add_parser("config", help="workstation settings")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_sub.add_parser("get").add_argument("key")
    config_set = config_sub.add_parser("set")
    config_set.add_argument("key")
    config_set.add_argument("value")
    config_sub.add_parser("list")
    config.set_defaults(handler=cmd_config)

    secret = sub.add_parser("secret", help="passwords kept in the OS keyring")
    secret_sub = secret.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    secret_set = secret_sub.add_parser("set", help="store a password in the OS keyring")
    secret_set.add_argument("name", choices=SECRET_NAMES)
    secret_set.add_argument("--password-stdin", action="store_true")
    secret_sub.add_parser("delete", help="remove it").add_argument("name", choices=SECRET_NAMES)
    secret.set_defaults(handler=cmd_secret)

    export = sub.add_parser("export", help="export data as CSV or JSON")
    export.add_argument("kind", choices=["patients", "tasks", "calls", "followups"])
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    export.add_argument(
        "--unmasked", action="store_true", help="export identifiers in full (audit-logged)"
    )
    export.set_defaults(handler=cmd_export)

    imports = sub.add_parser("import", help="import discharges from the HIS")
    imports_sub = imports.add_subparsers(dest="import_command", metavar="KIND", required=True)
    discharges = imports_sub.add_parser("discharges", help="a CSV or .xlsx discharge list")
    discharges.add_argument("file")
    discharges.add_argument(
        "--mapping",
        default="default",
        metavar="NAME",
        help="saved column mapping (DATA/mappings/NAME.json)",
    )
    imports_sub.add_parser("hl7", help="a file or folder of HL7 v2 ADT messages").add_argument(
        "file", metavar="FILE|DIR"
    )
    imports.set_defaults(handler=cmd_import)

    hl7 = sub.add_parser("hl7", help="HL7 v2 interface")
    hl7_sub = hl7.add_subparsers(dest="hl7_command", metavar="ACTION", required=True)
    listen = hl7_sub.add_parser("listen", help="receive ADT messages over MLLP")
    listen.add_argument("--port", type=_port, default=2575)
    listen.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (the LAN address, for the HIS)"
    )
    hl7.set_defaults(handler=cmd_hl7)

    sync = sub.add_parser("sync", help="synchronise with the central PostgreSQL")
    sync.add_argument("--once", action="store_true", help="one round, then exit")
    sync.set_defaults(handler=cmd_sync)
    central = sub.add_parser("central", help="the central PostgreSQL server")
    central_sub = central.add_subparsers(dest="central_command", metavar="ACTION", required=True)
    central_init = central_sub.add_parser("init", help="create or upgrade the central schema")
    central_init.add_argument(
        "--seed-from-local",
        action="store_true",
        help="upload this workstation's data into an empty server",
    )
    central_status = central_sub.add_parser("status", help="schema, change feed, workstations")
    central_prune = central_sub.add_parser(
        "prune", help="forget old change-feed rows (workstations behind them resync)"
    )
    central_prune.add_argument(
        "--older-than-days",
        type=_positive,
        default=90,
        metavar="N",
        help="keep this many days of changes (default: 90)",
    )
    for command in (central_init, central_status, central_prune):
        command.add_argument("--url", metavar="URL", help="instead of the central.url setting")
    central.set_defaults(handler=cmd_central)

    forms_parser = sub.add_parser("forms", help="follow-up form templates: validate, show, score")
    forms_sub = forms_parser.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    forms_sub.add_parser("validate", help="check a template file").add_argument("file")
    show = forms_sub.add_parser("show", help="list a template's items")
    show.add_argument("template", help="code or short name (phq9, gad7, barthel, nrs, mrs, nps…)")
    show.add_argument("--json", action="store_true")
    show.add_argument("--lang", choices=["zh", "en"], default="zh")
    score = forms_sub.add_parser("score", help="score an answers file (linkId → code or value)")
    score.add_argument("template")
    score.add_argument("answers", metavar="ANSWERS.json")
    for command in (show, score):
        command.add_argument("--template-version", metavar="V")
    forms_parser.set_defaults(handler=cmd_forms)

    bench = sub.add_parser("bench", help="measure the performance goals")
    bench.add_argument(
        "name", nargs="?", help="one benchmark group: sync, core or telephony (default: all)"
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument(
        "--patients",
        type=_positive,
        default=1_000_000,
        metavar="N",
        help="patients of the benchmark hospital, and of the first download (1,000,000)",
    )
    bench.add_argument(
        "--bench-dir",
        metavar="DIR",
        help="where the benchmark databases are kept (default: a cache folder)",
    )
    bench.add_argument(
        "--url",
        metavar="URL",
        help="the central PostgreSQL server to measure against (default: the central.url "
        "setting if set)",
    )
    # No defaults here: SyncSizes holds them, and importing it would slow every start-up.
    sync_sizes = bench.add_argument_group("sync sizes (default: those the issue states)")
    for flag, meaning in (
        ("--records", "follow-up records pushed per round"),
        ("--changes", "changes timed from one workstation to another"),
        ("--agents", "concurrent agent processes claiming tasks"),
        ("--tasks", "tasks in the queue the agents empty"),
    ):
        sync_sizes.add_argument(flag, type=_positive, metavar="N", help=meaning)
    bench.set_defaults(handler=cmd_bench)
    return parser


_USER_ERRORS = (
    CliError,
    UserError,
    DataDirError,
    DatabaseUnavailable,
    SettingError,
    StaffError,
    WeakPassword,
    InvalidPhoneNumber,
)


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _say(message: str) -> None:
    print(f"agent-desk: {message}", file=sys.stderr)


def _report(exc: BaseException, data_dir: DataDir | None, log_path: Path | None) -> int:
    """The one place an error leaves the program: one line here, the detail in the log file."""
    match exc:
        case KeyboardInterrupt():
            return 130
        case _ if isinstance(exc, _USER_ERRORS):
            log.info("refused: %s", exc, extra=FILE_ONLY)
            # A user error may list several problems, one per line, each already one line.
            _say(str(exc))
        case OperationalError() if isinstance(exc.orig, sqlite3.Error) and data_dir is not None:
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


def main(argv: list[str] | None = None) -> int:
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
        handler: Callable[[Context, argparse.Namespace], int] = args.handler
        with _terminate_as_interrupt():
            return handler(Context(data_dir, log_path), args)
    except SystemExit:
        raise
    except BaseException as exc:  # the top-level handler: every error leaves as one line
        return _report(exc, data_dir, log_path)


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
