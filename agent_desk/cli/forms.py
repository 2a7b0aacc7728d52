"""`agent-desk forms`: follow-up form templates (validate, show, score)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent_desk.cli.context import EXIT_OK, CliError, Context, Subcommands


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    forms = commands.add_parser("forms", help="follow-up form templates: validate, show, score")
    actions = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    actions.add_parser("validate", help="check a template file").add_argument("file")
    show = actions.add_parser("show", help="list a template's items")
    show.add_argument("template", help="code or short name (phq9, gad7, barthel, nrs, mrs, nps…)")
    show.add_argument("--json", action="store_true")
    show.add_argument("--lang", choices=["zh", "en"], default="zh")
    score = actions.add_parser("score", help="score an answers file (linkId → code or value)")
    score.add_argument("template")
    score.add_argument("answers", metavar="ANSWERS.json")
    for command in (show, score):
        command.add_argument("--template-version", metavar="V")
    return forms


def handle(ctx: Context, args: argparse.Namespace) -> int:
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
