"""`agent-desk report weekly|monthly|quarterly`: the periodic report as PDF and/or Excel,
for the whole hospital or one department (README, section Statistics)."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands

# action: (option, metavar, help)
PERIODS = {
    "weekly": ("--week", "YYYY-Www", "the ISO week, e.g. 2026-W47 (Monday to Sunday)"),
    "monthly": ("--month", "YYYY-MM", "the calendar month, e.g. 2026-11"),
    "quarterly": ("--quarter", "YYYY-Qn", "the quarter, e.g. 2026-Q4"),
}


def add_parsers(actions: Subcommands) -> None:
    for action, (option, metavar, help_text) in PERIODS.items():
        parser = actions.add_parser(action, help=f"the {action} report as PDF and/or Excel")
        parser.add_argument(option, dest="period", required=True, metavar=metavar, help=help_text)
        parser.add_argument(
            "--department", metavar="CODE", help="one department's report (default: hospital)"
        )
        parser.add_argument("--pdf", type=Path, metavar="FILE", help="write the PDF here")
        parser.add_argument("--xlsx", type=Path, metavar="FILE", help="write the workbook here")


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db.staff import department_by_code
    from agent_desk.domain.permissions import Permission
    from agent_desk.paths import write_atomically
    from agent_desk.reports.content import (
        EXCEL_QUOTES,
        PDF_QUOTES,
        ReportKind,
        Scope,
        gather,
        parse_period,
    )
    from agent_desk.services.statistics import StatisticsService

    if args.pdf is None and args.xlsx is None:
        raise CliError("say where to write the report: --pdf FILE and/or --xlsx FILE")
    for path in (args.pdf, args.xlsx):
        if path is not None and not path.parent.is_dir():
            raise CliError(f"{path.parent} is not a folder")
    kind = ReportKind(args.action)
    period = parse_period(kind, args.period)
    principal = ctx.principal(Permission.VIEW_STATISTICS)
    scope = Scope("全院")
    if args.department:
        with ctx.db.read() as session:
            department = department_by_code(session, args.department)
            scope = Scope(department.name, department.id)
    service = StatisticsService(ctx.db, department=scope.department_id)
    files = [str(path) for path in (args.pdf, args.xlsx) if path is not None]
    # The Excel file lists more quotes than the PDF: gathered once, with the larger limit.
    content = gather(
        service,
        principal,
        kind,
        period,
        scope,
        hospital=str(ctx.settings.get("hospital.name") or ""),
        quotes=EXCEL_QUOTES if args.xlsx is not None else PDF_QUOTES,
    )
    service.audit_report(principal, f"{kind.value} {scope.label}", period, files)
    if args.pdf is not None:
        from datetime import UTC, datetime

        from agent_desk.plans.calendar import local_date
        from agent_desk.reports.pdf import render_pdf

        # The hospital's day, as the figures' "as of" is: not this computer's clock zone.
        today = local_date(datetime.now(UTC))
        write_atomically(args.pdf, render_pdf(content, today=today))
        print(f"wrote {args.pdf}")
    if args.xlsx is not None:
        from agent_desk.reports.excel import render_xlsx

        write_atomically(args.xlsx, render_xlsx(content))
        print(f"wrote {args.xlsx}")
    return EXIT_OK
