"""`agent-desk report`: `stats`, the follow-up figures for a period and a grouping, as a table
for people or JSON for machines; `weekly|monthly|quarterly`, the periodic report as PDF
and/or Excel, for the whole hospital or one department (README, section Statistics)."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands

if TYPE_CHECKING:
    from agent_desk.domain.statistics import FollowupFigures, Ratio, StatisticsReport
    from agent_desk.services.statistics import StatisticsService

GROUPINGS = ("hospital", "department", "ward", "staff", "plan", "disease", "chapter")


def _day(option: str, text: str) -> date:
    # Parsed here rather than by argparse, so that a bad date is one line and exit status 1.
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    report = commands.add_parser("report", help="statistics and reports for supervisors")
    actions = report.add_subparsers(dest="action", metavar="ACTION", required=True)
    stats = actions.add_parser("stats", help="follow-up figures for a period, grouped")
    stats.add_argument("--from", dest="start", required=True, metavar="DATE")
    stats.add_argument("--to", dest="end", required=True, metavar="DATE")
    stats.add_argument("--by", choices=GROUPINGS, default="department")
    stats.add_argument(
        "--icd-prefix", metavar="CODE", help="only tasks whose principal diagnosis starts so"
    )
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    _add_periodic(actions)
    return report


def handle(ctx: Context, args: argparse.Namespace) -> int:
    if args.action in PERIODS:
        return _handle_periodic(ctx, args)
    from agent_desk.domain.permissions import Permission
    from agent_desk.domain.statistics import BadPeriod, Grouping, Period, offline_note

    try:
        period = Period.between(_day("--from", args.start), _day("--to", args.end))
    except BadPeriod as exc:
        raise CliError(str(exc)) from None
    service = statistics_service(ctx)
    report = service.report(
        ctx.principal(Permission.VIEW_STATISTICS),
        period,
        Grouping(args.by),
        icd_prefix=args.icd_prefix,
    )
    if report.note:
        print(offline_note(report.note), file=sys.stderr)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False))
    else:
        print_table(report)
    return EXIT_OK


def statistics_service(ctx: Context, department: uuid.UUID | None = None) -> StatisticsService:
    """The figures of the central server when one is configured (every workstation's work),
    else, or when it does not answer, this workstation's: the report says which."""
    from agent_desk.services.statistics import StatisticsService
    from agent_desk.services.statistics_source import central_figures

    return StatisticsService(ctx.db, central=central_figures(ctx.settings), department=department)


def _ratio(ratio: Ratio) -> dict[str, Any]:
    return {"numerator": ratio.numerator, "denominator": ratio.denominator, "value": ratio.value}


def _row_json(row: FollowupFigures) -> dict[str, Any]:
    return {
        "group": {"key": row.group.key, "label": row.group.label},
        "due": row.due,
        "attempted": row.attempted,
        "reached": row.reached,
        "completed": row.completed,
        "lost": row.lost,
        "attempt_rate": _ratio(row.attempt_rate),
        "success_rate": _ratio(row.success_rate),
        "lost_reasons": {str(reason or "unknown"): n for reason, n in row.lost_reasons},
        "satisfaction": {
            d.dimension.value: {
                "answered": d.answered,
                "satisfied": d.satisfied,
                "mean_score": d.mean_score,
                "visit_rate": _ratio(d.visit_rate),
                "answered_rate": _ratio(d.answered_rate),
            }
            for d in row.satisfaction
        },
        "praise_rate": _ratio(row.praise_rate),
        "criticism_rate": _ratio(row.criticism_rate),
        "complaints": {
            "opened": row.complaints.opened,
            "overdue": row.complaints.overdue,
            "closed": row.complaints.closed,
        },
    }


def report_json(report: StatisticsReport) -> dict[str, Any]:
    return {
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "by": report.grouping.value,
        "as_of": report.as_of.isoformat(),
        "source": report.source.value,
        "source_label": report.source.label,
        **({"note": report.note} if report.note else {}),
        "rows": [_row_json(row) for row in report.rows],
        "total": _row_json(report.total),
    }


# 满意率 columns are the overall dimension; the JSON has every dimension.
_COLUMNS = (
    *("应访", "已访", "接通", "完成", "失访", "回访率", "成功率"),
    *("回访满意率", "实访满意率", "表扬率", "批评率", "投诉(新/超期/结)"),
)


def print_table(report: StatisticsReport, out: Any = None) -> None:
    from agent_desk.domain.enums import SatisfactionDimension

    out = out or sys.stdout
    print(f"{report.period.label}  ({report.source.label}, as of {report.as_of})", file=out)
    lines = [("", *_COLUMNS)]
    for row in (*report.rows, report.total):
        overall = row.dimension(SatisfactionDimension.OVERALL)
        lines.append(
            (
                row.group.label,
                str(row.due),
                str(row.attempted),
                str(row.reached),
                str(row.completed),
                str(row.lost),
                row.attempt_rate.percent(1),
                row.success_rate.percent(1),
                overall.visit_rate.percent(1),
                overall.answered_rate.percent(1),
                row.praise_rate.percent(1),
                row.criticism_rate.percent(1),
                f"{row.complaints.opened}/{row.complaints.overdue}/{row.complaints.closed}",
            )
        )
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        pairs = enumerate(zip(line, widths, strict=True))
        cells = [_pad(cell, width, left=i == 0) for i, (cell, width) in pairs]
        print("  ".join(cells).rstrip(), file=out)


def _width(text: str) -> int:
    # A Chinese character takes two columns of a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    gap = " " * (width - _width(text))
    return text + gap if left else gap + text


# action: (option, metavar, help)
PERIODS = {
    "weekly": ("--week", "YYYY-Www", "the ISO week, e.g. 2026-W47 (Monday to Sunday)"),
    "monthly": ("--month", "YYYY-MM", "the calendar month, e.g. 2026-11"),
    "quarterly": ("--quarter", "YYYY-Qn", "the quarter, e.g. 2026-Q4"),
}


def _add_periodic(actions: Subcommands) -> None:
    for action, (option, metavar, help_text) in PERIODS.items():
        parser = actions.add_parser(action, help=f"the {action} report as PDF and/or Excel")
        parser.add_argument(option, dest="period", required=True, metavar=metavar, help=help_text)
        parser.add_argument(
            "--department", metavar="CODE", help="one department's report (default: hospital)"
        )
        parser.add_argument("--pdf", type=Path, metavar="FILE", help="write the PDF here")
        parser.add_argument("--xlsx", type=Path, metavar="FILE", help="write the workbook here")


def _handle_periodic(ctx: Context, args: argparse.Namespace) -> int:
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
    service = statistics_service(ctx, scope.department_id)
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
    if content.source_note:
        print(content.source_note, file=sys.stderr)  # the PDF's and workbook's words
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
