"""`agent-desk demo`: a synthetic hospital in the local database."""

from __future__ import annotations

import argparse
import sys

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands
from agent_desk.demo import DEFAULT_SEED
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    demo = commands.add_parser("demo", help="fill the database with a synthetic hospital")
    demo.add_argument("--patients", type=int, default=2000, metavar="N")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED)
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="only when the database has no patients yet (first run)",
    )
    return demo


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db.base import utcnow
    from agent_desk.db.patients import count_patients
    from agent_desk.demo import writer as demo
    from agent_desk.demo.knowledge import load_sample_articles

    if args.patients < 1:
        raise CliError("--patients must be at least 1")
    if args.if_empty:
        with ctx.db.read() as session:
            existing = count_patients(session)
        if existing:
            print(f"the database already has {existing:,} patients; no demo data added")
            return EXIT_OK
    # A set-up command (`make run` makes the demo hospital before the first login); once
    # accounts exist, adding patients is an import's right.
    ctx.setup_principal(Permission.IMPORT_PATIENTS)

    def progress(done: int, total: int) -> None:
        print(f"\r{done:,} / {total:,} patients", end="", file=sys.stderr, flush=True)

    summary = demo.generate(ctx.db, args.patients, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    articles = load_sample_articles(ctx.db)
    print(
        f"created {summary.patients:,} patients, {summary.encounters:,} encounters, "
        f"{summary.tasks:,} tasks, {summary.attempts:,} attempts in {summary.seconds:.1f} s; "
        f"{articles} knowledge-base articles"
    )
    from agent_desk.demo.appointments import add_appointments
    from agent_desk.plans.calendar import local_date

    slots, bookings = add_appointments(ctx.db, local_date(utcnow()), args.seed)
    print(f"published {slots:,} appointment slots and booked {bookings:,} revisits")
    return EXIT_OK
