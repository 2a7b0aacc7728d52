"""`agent-desk kb`: the knowledge base (知识库): import Markdown articles, search them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent_desk.cli.context import EXIT_FAILURE, EXIT_OK, Context, Subcommands
from agent_desk.domain.permissions import Permission


def add_parser(commands: Subcommands) -> argparse.ArgumentParser:
    kb = commands.add_parser("kb", help="the knowledge base: import articles, search")
    actions = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    imports = actions.add_parser(
        "import", help="import the Markdown articles (*.md, with a header) of a folder"
    )
    imports.add_argument("folder", metavar="DIR")
    search = actions.add_parser("search", help="search the articles (Chinese full text)")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=20, metavar="N")
    search.add_argument("--json", action="store_true", help="one JSON array")
    actions.add_parser("reindex", help="rebuild the full-text index of every article")
    return kb


def handle(ctx: Context, args: argparse.Namespace) -> int:
    import json

    from agent_desk.services.knowledge import KnowledgeService

    match args.kb_command:
        case "import":
            principal = ctx.principal(Permission.EDIT_KNOWLEDGE)
            report = KnowledgeService(ctx.db).import_folder(Path(args.folder), principal)
            for line in report.refused:
                print(f"agent-desk: {line}", file=sys.stderr)
            print(f"{args.folder}: {report.summary()}")
            return EXIT_FAILURE if report.refused else EXIT_OK
        case "search":
            principal = ctx.principal(Permission.READ_KNOWLEDGE)
            hits = KnowledgeService(ctx.db).search(args.query, principal, max(1, args.limit))
            if args.json:
                rows = [
                    {
                        "id": str(hit.id),
                        "kind": hit.kind.value,
                        "title": hit.title,
                        "tags": list(hit.tags),
                        "department": hit.department_name,
                        "snippet": hit.snippet,
                    }
                    for hit in hits
                ]
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                for hit in hits:
                    print(f"{hit.title}\t{hit.snippet}")
                if not hits:
                    print(f"no article matches {args.query!r}", file=sys.stderr)
        case "reindex":
            ctx.principal(Permission.EDIT_KNOWLEDGE)
            count = KnowledgeService(ctx.db).rebuild_index()
            print(f"{count} articles indexed")
    return EXIT_OK
