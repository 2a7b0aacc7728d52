"""`agent-desk tickets`: feedback tickets (工单): list, show, the escalation pass, and the
working calendar's import. The same service as the window's 工单 screen, with the same
permission checks."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands, positive

if TYPE_CHECKING:
    from agent_desk.db.tickets import TicketDetail, TicketRow

_KINDS = ("praise", "criticism", "suggestion", "complaint", "dispute", "red_flag")


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    group = commands.add_parser("tickets", help="feedback tickets (工单) and their deadlines")
    actions = group.add_subparsers(dest="tickets_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="tickets in your departments, newest first")
    listing.add_argument("--overdue", action="store_true", help="only those past their deadline")
    listing.add_argument("--department", metavar="CODE", help="one department")
    listing.add_argument("--kind", choices=_KINDS)
    listing.add_argument("--json", action="store_true", help="one JSON array")
    show = actions.add_parser("show", help="one ticket with its history")
    show.add_argument("ticket_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    escalate = actions.add_parser(
        "escalate", help="one escalation pass (what the window runs on its timer)"
    )
    escalate.add_argument(
        "--now",
        metavar="TIMESTAMP",
        help="the moment to judge deadlines at (ISO 8601; without a zone, hospital time)",
    )
    assign = actions.add_parser(
        "assign", help="the people assigned to a ticket (they see a dispute's case record)"
    )
    assign.add_argument("ticket_id", metavar="ID")
    assign.add_argument("users", nargs="*", metavar="USER", help="none: nobody assigned")
    rule = actions.add_parser(
        "rule", help="route tickets holding KEYWORD to a department (the last resort)"
    )
    rule.add_argument("keyword", metavar="KEYWORD")
    target = rule.add_mutually_exclusive_group(required=True)
    target.add_argument("--department", metavar="CODE")
    target.add_argument("--off", action="store_true", help="turn the keyword's rule off")
    deadline = actions.add_parser("deadline", help="a kind's deadline in working days")
    deadline.add_argument("kind", choices=_KINDS)
    deadline.add_argument("days", type=positive, metavar="DAYS")
    deadline.add_argument(
        "--office-days",
        type=positive,
        default=2,
        metavar="N",
        help="working days more before 医务处/护理部 take it over (default 2)",
    )
    calendar = actions.add_parser("calendar", help="the working calendar (holidays, 调休)")
    calendar_actions = calendar.add_subparsers(dest="calendar_command", metavar="ACTION")
    calendar_actions.required = True
    imported = calendar_actions.add_parser(
        "import", help="a year's holidays and working weekends from a CSV: date,type,name"
    )
    imported.add_argument("file", metavar="FILE")
    return group


def _ticket_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CliError(f"{text!r} is not a ticket id (a UUID, as 'tickets list' shows)") from None


def _moment(text: str) -> datetime:
    from agent_desk.plans.calendar import HOSPITAL_TZ

    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{text!r} is not a timestamp such as 2026-12-07T09:30") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=HOSPITAL_TZ)


def _row_json(row: TicketRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "kind": row.kind.value,
        "state": row.state.value,
        "severity": row.severity.value,
        "patient": row.patient_name,
        "department": row.department,
        "text": row.text,
        "opened_at": row.opened_at.isoformat(),
        "due_at": row.due_at.isoformat(),
        "escalation_level": row.escalation_level,
        "overdue": row.overdue,
    }


def _detail_json(detail: TicketDetail) -> dict[str, object]:
    return {
        **_row_json(detail.row),
        "source": detail.source.value,
        "routed_by": detail.routed_by.value if detail.routed_by else None,
        "call_id": str(detail.call_id) if detail.call_id else None,
        "recording": detail.recording.value if detail.recording else None,
        "office_due_at": detail.office_due_at.isoformat(),
        "escalated_to": detail.escalated_to,
        "reply": detail.reply,
        "callback_satisfaction": detail.callback_satisfaction,
        "history": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "event": e.kind.value,
                "department": e.department,
                "note": e.note,
            }
            for e in detail.events
        ],
    }


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.db.tickets import TicketFilter
    from agent_desk.domain.enums import TicketKind
    from agent_desk.domain.permissions import Permission
    from agent_desk.plans.calendar import HOSPITAL_TZ
    from agent_desk.services.tickets import TicketService

    service = TicketService(ctx.db, office=lambda: str(ctx.settings.get("tickets.office")))
    command = args.tickets_command
    if command == "list":
        principal = ctx.principal(Permission.VIEW_TICKETS)
        department = None
        if args.department:
            known = {code: ident for ident, code, _name in service.departments(principal)}
            if args.department not in known:
                raise CliError(f"unknown department code {args.department!r}")
            department = known[args.department]
        flt = TicketFilter(
            overdue=args.overdue,
            department_id=department,
            kind=TicketKind(args.kind) if args.kind else None,
        )
        rows = service.list_tickets(principal, flt)
        if args.json:
            print(json.dumps([_row_json(r) for r in rows], ensure_ascii=False))
            return EXIT_OK
        for r in rows:
            due = r.due_at.astimezone(HOSPITAL_TZ).strftime("%Y-%m-%d %H:%M")
            late = " OVERDUE" if r.overdue else ""
            first_line = r.text.splitlines()[0][:40] if r.text else ""
            print(
                f"{r.id}\t{r.kind.value}\t{r.state.value}{late}\t{r.department or '-'}\t"
                f"due {due}\t{r.patient_name or '-'}\t{first_line}"
            )
        return EXIT_OK
    if command == "show":
        principal = ctx.principal(Permission.VIEW_TICKETS)
        detail = service.detail(_ticket_id(args.ticket_id), principal)
        if args.json:
            print(json.dumps(_detail_json(detail), ensure_ascii=False))
            return EXIT_OK
        for key, value in _detail_json(detail).items():
            if key != "history":
                print(f"{key}: {'-' if value is None else value}")
        for event in detail.events:
            at = event.at.astimezone(HOSPITAL_TZ).strftime("%Y-%m-%d %H:%M")
            where = f" → {event.department}" if event.department else ""
            print(f"  {at} {event.actor} {event.kind.value}{where} {event.note or ''}".rstrip())
        return EXIT_OK
    if command == "escalate":
        principal = ctx.principal(Permission.MANAGE_TICKETS)
        report = service.escalate(principal, _moment(args.now) if args.now else None)
        if report.skipped_outside_hours:
            print("outside working hours: nothing escalated")
        else:
            print(f"escalated {report.escalated}, to the office {report.to_office}")
        return EXIT_OK
    principal = ctx.principal(Permission.MANAGE_TICKETS)
    if command == "assign":
        service.assign(_ticket_id(args.ticket_id), args.users, principal)
        print(f"assigned: {', '.join(args.users) or 'nobody'}")
        return EXIT_OK
    if command == "rule":
        department = None
        if not args.off:
            known = {code: ident for ident, code, _name in service.departments(principal)}
            if args.department not in known:
                raise CliError(f"unknown department code {args.department!r}")
            department = known[args.department]
        service.set_rule(args.keyword, department, principal)
        print(f"{args.keyword} → {args.department or 'off'}")
        return EXIT_OK
    if command == "deadline":
        service.set_deadline(TicketKind(args.kind), args.days, args.office_days, principal)
        print(f"{args.kind}: {args.days} working days, then {args.office_days} to the office")
        return EXIT_OK
    path = Path(args.file)
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    count = service.import_calendar(text, path.name, principal)
    print(f"imported {count} days from {path.name}")
    return EXIT_OK
