"""`agent-desk sms`: send one message, run a campaign, the outbox's state, the gateway loop.

The same services as the window's 短信 screen, with the same permission checks; every
message goes into the outbox first, and only the gateway (`sms gateway`, or the window of
the workstation whose sms.gateway is on) hands messages to the modem.
"""

from __future__ import annotations

import argparse
import json

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    group = commands.add_parser("sms", help="text messages through the GSM modem (短信)")
    actions = group.add_subparsers(dest="sms_command", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="queue one message for one number")
    send.add_argument("number", metavar="NUMBER")
    send.add_argument("text", metavar="TEXT")
    campaign = actions.add_parser("campaign", help="a template to a filtered group (群发)")
    campaign.add_argument("--template", required=True, metavar="NAME", help="a template name")
    campaign.add_argument(
        "--filter",
        default="",
        metavar="EXPR",
        help="department=CARD,icd10=I10,discharged=2026-11-01..2026-11-30,age=60..80",
    )
    campaign.add_argument("--dry-run", action="store_true", help="preview: count and samples")
    status = actions.add_parser("status", help="the outbox and the modem")
    status.add_argument("--json", action="store_true")
    gateway = actions.add_parser("gateway", help="send and receive until stopped (Ctrl-C)")
    gateway.add_argument("--once", action="store_true", help="one turn, then stop")
    return group


def handle(ctx: Context, args: argparse.Namespace) -> int:
    command = args.sms_command
    if command == "send":
        return _send(ctx, args)
    if command == "campaign":
        return _campaign(ctx, args)
    if command == "status":
        return _status(ctx, args)
    return _gateway(ctx, args)


def _send(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.domain.masking import mask_phone
    from agent_desk.domain.permissions import Permission
    from agent_desk.services.sms import SmsService

    principal = ctx.principal(Permission.SEND_SMS)
    message_id = SmsService(ctx.db, ctx.settings).send(principal, args.number, args.text)
    print(f"queued {message_id} for {mask_phone(args.number)}")
    return EXIT_OK


def _campaign(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.domain.permissions import Permission
    from agent_desk.domain.sms_filter import parse_filter
    from agent_desk.services.sms_campaigns import CampaignService, load_templates

    principal = ctx.principal(Permission.SEND_CAMPAIGNS)
    templates = load_templates(ctx.data_dir.root / "sms" / "templates.json")
    if args.template not in templates:
        raise CliError(
            f"no SMS template {args.template!r}; there are: {', '.join(sorted(templates))}"
        )
    wanted = parse_filter(args.filter)
    service = CampaignService(ctx.db, ctx.settings)
    if args.dry_run:
        preview = service.preview(principal, templates[args.template], wanted)
        print(
            f"{preview.sendable} patients would get {preview.parts_each} part(s) each; "
            f"skipped: {preview.no_consent} without SMS consent, {preview.no_number} without "
            f"a mobile number, {preview.do_not_contact} on the do-not-contact list"
        )
        for sample in preview.samples:
            print(f"  {sample.name} {sample.number}: {sample.text}")
        return EXIT_OK
    result = service.send(principal, args.template, templates[args.template], wanted)
    print(f"campaign {result.campaign_id}: {result.queued} queued, {result.skipped} skipped")
    return EXIT_OK


def _status(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.services.sms import SmsService, load_gateway_state

    counts = SmsService(ctx.db, ctx.settings).counts()
    state = load_gateway_state(ctx.data_dir.sms_gateway_status)
    outbox = {sms_state.value: count for sms_state, count in sorted(counts.items())}
    data = {
        "outbox": outbox,
        "modem": None
        if state is None
        else {
            "problem": state.problem.value,
            "reason": state.reason,
            "signal_percent": state.signal_percent,
            "network": state.network,
        },
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return EXIT_OK
    listed = ", ".join(f"{name} {count}" for name, count in outbox.items()) or "empty"
    print(f"outbox: {listed}")
    if state is None:
        print("modem: no gateway has run on this workstation")
    else:
        signal = "?" if state.signal_percent is None else f"{state.signal_percent}%"
        print(f"modem: {state.problem.value} {state.reason} (signal {signal}, {state.network})")
    return EXIT_OK


def _gateway(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.domain.permissions import Permission
    from agent_desk.services.sms_gateway import Calendar, build_gateway, calendar_sources
    from agent_desk.sync.central import central_database

    ctx.principal(Permission.RUN_SMS_GATEWAY)
    central = None
    if ctx.settings.get("central.url"):
        central = central_database(ctx.central_config(), pool_size=2)
    db = ctx.db
    calendar = Calendar(db, calendar_sources(ctx.data_dir, ctx.settings), central)
    gateway = build_gateway(
        ctx.data_dir,
        ctx.settings,
        db,
        central,
        tick=calendar,
        on_status=lambda s: print(f"modem: {s.problem.value} {s.reason}".rstrip(), flush=True),
    )
    try:
        if args.once:
            gateway.outbox.recover()
            while gateway.step():
                pass
            gateway.modem.close()
            gateway.lease.release()
        else:
            gateway.run()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: run() has closed the modem on its way out
        print("sms gateway stopped")
    finally:
        if central is not None:
            central.dispose()
    return EXIT_OK
