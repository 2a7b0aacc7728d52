"""`agent-desk recordings`: list the recordings library, export one, apply retention now.

The same service as the window's 录音 screen, with the same permission checks.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands

if TYPE_CHECKING:
    from agent_desk.services.recordings import LibraryRow


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    group = commands.add_parser("recordings", help="the call recordings library (录音)")
    actions = group.add_subparsers(dest="recordings_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="recorded calls, newest first")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.add_argument("--limit", type=int, default=50, metavar="N", help="default 50")
    export = actions.add_parser("export", help="write one recording to a FLAC file")
    export.add_argument("call_id", metavar="CALL_ID")
    export.add_argument("file", metavar="FILE")
    actions.add_parser("upload", help="send the recordings made here to the central server")
    actions.add_parser("purge", help="delete recordings older than recordings.keep_days now")
    return group


def _call_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CliError(f"{text!r} is not a call id (a UUID, as 'recordings list' shows)") from None


def _as_json(row: LibraryRow) -> dict[str, object]:
    return {
        "call_id": str(row.call_id),
        "started_at": row.started_at.isoformat(),
        "direction": row.direction.value,
        "patient": row.patient_name,
        "record_no": row.record_no,
        "department": row.department_name,
        "agent": row.agent_name,
        "outcome": None if row.outcome is None else row.outcome.value,
        "seconds": None if row.seconds is None else round(row.seconds, 1),
        "location": "central" if row.location is None else row.location.value,
        "encrypted": row.encrypted,
    }


def handle(ctx: Context, args: argparse.Namespace) -> int:
    from agent_desk.domain.permissions import Permission
    from agent_desk.services.recording_store import open_store
    from agent_desk.services.recordings import LibraryFilter, RecordingLibrary

    store = open_store(ctx.db, ctx.data_dir, ctx.settings)
    match args.recordings_command:
        case "list":
            library = RecordingLibrary(ctx.db, store, ctx.principal(Permission.PLAY_RECORDINGS))
            rows = library.page(LibraryFilter(), limit=max(1, args.limit)).rows
            if args.json:
                print(json.dumps([_as_json(row) for row in rows], ensure_ascii=False, indent=1))
            else:
                for row in rows:
                    shown = _as_json(row)
                    print("\t".join("" if v is None else str(v) for v in shown.values()))
                if not rows:
                    print("no recordings", file=sys.stderr)
        case "export":
            library = RecordingLibrary(ctx.db, store, ctx.principal(Permission.EXPORT_RECORDINGS))
            written = library.export(_call_id(args.call_id), Path(args.file).expanduser())
            print(f"recording written to {written}")
        case "upload":
            from agent_desk.services.recording_upload import upload_pending

            ctx.principal(Permission.SYNC)
            if store.central is None:
                raise CliError("no central server configured (central.url)")
            print(upload_pending(ctx.db, store).summary())
        case "purge":
            from agent_desk.services.recording_retention import purge

            ctx.principal(Permission.MANAGE_SETTINGS)  # applies the retention setting now
            report = purge(ctx.db, store, ctx.settings.get("recordings.keep_days"), ctx.actor)
            print(report.summary())
    return EXIT_OK
