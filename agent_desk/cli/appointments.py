"""`agent-desk appointments`: clinic schedules, free slots, booking, cancelling, day lists.

The same services as the window's 预约 screen, with the same permission checks. With a
central server, bookings are made there (and refused while it cannot be reached).
"""

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
    from agent_desk.domain.appointments import AppointmentView, SlotView


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    group = commands.add_parser(
        "appointments", help="revisit appointments in time slots (复诊预约)"
    )
    actions = group.add_subparsers(dest="appointments_command", metavar="ACTION", required=True)
    schedule = actions.add_parser("schedule", help="clinic schedules (出诊排班)")
    schedule_actions = schedule.add_subparsers(
        dest="schedule_command", metavar="ACTION", required=True
    )
    importing = schedule_actions.add_parser(
        "import", help="replace the clinic hours of the departments a CSV file names"
    )
    importing.add_argument("file", metavar="FILE")
    schedule_actions.add_parser("publish", help="publish slots up to appointments.publish_days")
    slots = actions.add_parser("slots", help="a department's slots and their free places")
    slots.add_argument("--department", required=True, metavar="CODE")
    slots.add_argument("--doctor", metavar="NAME", help="one doctor's clinic only")
    slots.add_argument("--from", dest="first", required=True, type=_day, metavar="DATE")
    slots.add_argument("--to", dest="last", required=True, type=_day, metavar="DATE")
    slots.add_argument("--free", action="store_true", help="only slots with a place left")
    slots.add_argument("--json", action="store_true", help="one JSON array")
    book = actions.add_parser("book", help="book a patient into a slot")
    book.add_argument("patient", metavar="PATIENT", help="record number (病案号) or patient id")
    book.add_argument("slot", metavar="SLOT", help="slot id, as 'appointments slots' shows")
    book.add_argument("--note", metavar="TEXT")
    cancel = actions.add_parser("cancel", help="cancel a booking, with the reason")
    cancel.add_argument("appointment", metavar="ID")
    cancel.add_argument("--reason", required=True, metavar="TEXT")
    listing = actions.add_parser("list", help="the bookings of a day")
    listing.add_argument("--day", type=_day, metavar="DATE", help="default: today")
    listing.add_argument("--department", metavar="CODE")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.add_argument("--csv", metavar="FILE", help="write the HIS's CSV (UTF-8 with BOM)")
    reminders = actions.add_parser("reminders", help="bookings due an SMS reminder on a day")
    reminders.add_argument("--day", type=_day, metavar="DATE", help="default: today")
    reminders.add_argument("--json", action="store_true", help="one JSON array")
    return group


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CliError(f"{text!r} is not {what} id (a UUID)") from None


def _slot_json(slot: SlotView) -> dict[str, Any]:
    from agent_desk.plans.calendar import HOSPITAL_TZ

    return {
        "id": str(slot.id),
        "doctor": slot.doctor,
        "starts_at": slot.starts_at.astimezone(HOSPITAL_TZ).isoformat(),
        "ends_at": slot.ends_at.astimezone(HOSPITAL_TZ).isoformat(),
        "capacity": slot.capacity,
        "booked": slot.booked,
        "state": slot.state.value,
    }


def _appointment_json(a: AppointmentView) -> dict[str, Any]:
    from agent_desk.domain.masking import mask_phone
    from agent_desk.plans.calendar import HOSPITAL_TZ

    return {
        "id": str(a.id),
        "patient": a.patient_name,
        "record_no": a.record_no,
        "phone": mask_phone(a.phone) if a.phone else None,
        "department": a.department_name,
        "doctor": a.doctor,
        "starts_at": a.starts_at.astimezone(HOSPITAL_TZ).isoformat(),
        "status": a.status.value,
        "booked_by": a.booked_by,
        "cancel_reason": a.cancel_reason,
    }


def _print(rows: list[dict[str, Any]], as_json: bool, empty: str) -> None:
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row.values()))
    if not rows:
        print(empty, file=sys.stderr)


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.domain.permissions import Permission
    from agent_desk.plans.calendar import local_date
    from agent_desk.services.appointments import AppointmentRules, AppointmentService, open_central

    rules = AppointmentRules.from_settings(ctx.settings.get)
    command = args.appointments_command
    if command == "schedule":
        return _schedule(ctx, args, rules)
    principal = ctx.principal(
        Permission.BOOK_APPOINTMENTS if command in ("book", "cancel") else Permission.VIEW_RECORDS
    )
    central = open_central(ctx.settings.get) if command in ("book", "cancel") else None
    service = AppointmentService(ctx.db, principal, central=central, rules=rules)
    try:
        match command:
            case "slots":
                department = _department(ctx, args.department)
                found = service.slots(department, args.first, args.last, args.doctor)
                if args.free:
                    found = [s for s in found if s.free > 0]
                _print([_slot_json(s) for s in found], args.json, "no slots")
            case "book":
                made = service.book(
                    _patient(ctx, args.patient), _uuid(args.slot, "a slot"), args.note
                )
                print(f"booked {made.id} for {made.starts_at.astimezone().isoformat()}")
                _tell_his(ctx, principal, made.id)
            case "cancel":
                done = service.cancel(_uuid(args.appointment, "an appointment"), args.reason)
                print(f"cancelled {done.id}")
                _tell_his(ctx, principal, done.id)
            case "list":
                day = args.day or local_date(service.clock())
                chosen = _department(ctx, args.department) if args.department else None
                rows, _ = service.day(day, chosen)
                if args.csv:
                    from agent_desk.services.appointment_his import write_csv

                    count = write_csv(rows, Path(args.csv).expanduser())
                    print(f"{count} appointments written to {args.csv}")
                else:
                    _print([_appointment_json(a) for a in rows], args.json, "no appointments")
            case "reminders":
                day = args.day or local_date(service.clock())
                due = service.reminders_due(day)
                _print([_appointment_json(a) for a in due], args.json, "no reminders due")
    finally:
        if central is not None:
            central.dispose()
    return EXIT_OK


def _schedule(ctx: Context, args: argparse.Namespace, rules: Any) -> int:
    from agent_desk.domain.permissions import Permission
    from agent_desk.services.appointment_schedules import ScheduleService
    from agent_desk.services.appointments import open_central

    wanted = (
        Permission.EDIT_SCHEDULES if args.schedule_command == "import" else Permission.VIEW_RECORDS
    )
    central = open_central(ctx.settings.get)
    service = ScheduleService(ctx.db, ctx.principal(wanted), central=central, rules=rules)
    try:
        if args.schedule_command == "import":
            print(service.import_file(Path(args.file).expanduser()).summary())
        else:
            report = service.publish()
            print(f"{report.created} slots published, {report.removed} withdrawn")
    finally:
        if central is not None:
            central.dispose()
    return EXIT_OK


def _department(ctx: Context, code: str) -> uuid.UUID:
    from agent_desk.db import schedules

    with ctx.db.read() as session:
        found = schedules.department_ids(session, [code.upper()])
    if not found:
        raise CliError(f"unknown department code: {code}")
    return next(iter(found.values()))


def _patient(ctx: Context, text: str) -> uuid.UUID:
    from agent_desk.db import schedules

    with ctx.db.read() as session:
        found = schedules.patient_by_record(session, text)
    if found is not None:
        return found
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CliError(f"no patient with record number {text!r}") from None


def _tell_his(ctx: Context, principal: Any, appointment_id: uuid.UUID) -> None:
    """With his.mllp_address set, the HIS hears of the change at once; its answer is shown
    (a HIS that is down does not undo the booking: the message is stored without an ACK)."""
    address = ctx.settings.get("his.mllp_address")
    if not address:
        return
    from agent_desk.services.appointment_his import send_to_his

    answer = send_to_his(ctx.db, principal, appointment_id, address)
    state = answer.ack_code or "no ACK"
    print(f"HIS ({address}): SIU^{answer.event.value} {state} {answer.detail}".rstrip())
