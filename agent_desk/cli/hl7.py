"""`agent-desk hl7 listen`: receive ADT messages from the HIS over MLLP until stopped."""

from __future__ import annotations

import argparse
import sys
import threading

from agent_desk.cli.context import EXIT_OK, Context, Subcommands
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    hl7 = commands.add_parser("hl7", help="HL7 v2 interface")
    actions = hl7.add_subparsers(dest="hl7_command", metavar="ACTION", required=True)
    listen = actions.add_parser("listen", help="receive ADT messages over MLLP")
    listen.add_argument("--port", type=_port, default=2575)
    listen.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (the LAN address, for the HIS)"
    )
    return hl7


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.services.intake import open_intake

    principal = ctx.principal(Permission.IMPORT_PATIENTS)
    service = open_intake(ctx.db, ctx.data_dir.root, principal, ctx.settings.phone_plan)
    listener = service.listener(args.host, args.port)
    listener.start()
    try:  # from the announcement on: a stop signal may come as soon as it is read
        print(
            f"listening for HL7 (MLLP) on {args.host}:{listener.port}; Ctrl-C stops",
            file=sys.stderr,
        )
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        print(listener.stop().summary())
    return EXIT_OK


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return value
