"""The package map's "may import" rules (README, Development), read from the source by AST.

Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "agent_desk"
BELOW_UI = ("db", "domain", "forms", "intake", "plans", "services", "sms", "sync", "telephony")
# The modules at the top of agent_desk/ ("" is its __init__, with the version).
SHARED = (
    "",
    "data_key",
    "foreground",
    "errors",
    "json_input",
    "logs",
    "paths",
    "secrets",
    "settings",
    "window_lock",
)
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "domain": ("errors",),
    "plans": ("domain", *SHARED),
    "forms": ("domain", *SHARED),
    "intake": ("domain", "plans", *SHARED),
    "telephony": ("domain", *SHARED),
    "sms": ("domain", *SHARED),
    "db": ("domain", "plans", "intake", *SHARED),
    "sync": ("domain", "plans", "db", *SHARED),
    "services": (
        "domain",
        "plans",
        "forms",
        "intake",
        "telephony",
        "sms",
        "db",
        "sync",
        *SHARED,
    ),
    "ui": (*BELOW_UI, *SHARED),
    "reports": ("domain", "services", *SHARED),
    "demo": (*BELOW_UI, *SHARED),
    "bench": (*BELOW_UI, "ui", "demo", "reports", *SHARED),
    "cli": (*BELOW_UI, "ui", "demo", "bench", "reports", *SHARED),
    "__main__": ("cli",),
    **{name: ("domain", *SHARED) for name in SHARED},
}


@cache
def _modules() -> dict[str, tuple[str, ...]]:
    """Every module under agent_desk/ with the names it imports."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = tuple(_imported(ast.parse(path.read_text("utf-8"))))
    return found


def _imported(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            # Each name, since `from agent_desk import ui` imports agent_desk.ui.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _package(name: str) -> str:
    """agent_desk.sync.queue -> sync, agent_desk.errors -> errors, agent_desk -> ''."""
    parts = name.split(".")
    if len(parts) == 1:
        return ""
    first = parts[1]
    if first in MAY_IMPORT or (PACKAGE / first).is_dir() or (PACKAGE / f"{first}.py").is_file():
        return first
    return ""  # a name in agent_desk/__init__.py, such as __version__


def _shown(package: str) -> str:
    return f"agent_desk.{package}" if package else "agent_desk"


def _breaks(package: str, forbidden: tuple[str, ...] | None = None) -> set[str]:
    """What the package's modules import against its rule: an agent_desk package not on its
    list or, given *forbidden*, any of those libraries."""
    found = set()
    for module, names in _modules().items():
        if _package(module) != package:
            continue
        for name in names:
            top = name.split(".")[0]
            if forbidden is not None:
                if top in forbidden:
                    found.add(f"{module} imports {top}")
            elif top == "agent_desk" and _package(name) not in (package, *MAY_IMPORT[package]):
                found.add(f"{module} imports {_shown(_package(name))}")
    return found


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_package_imports_only_what_the_map_allows(package: str) -> None:
    assert sorted(_breaks(package)) == []


def test_every_package_is_on_the_map() -> None:
    assert sorted({_package(module) for module in _modules()} - set(MAY_IMPORT)) == []


@pytest.mark.parametrize("package", sorted(set(MAY_IMPORT) - {"ui", "bench"}))
def test_qt_only_in_the_ui_and_the_benchmarks(package: str) -> None:
    assert sorted(_breaks(package, ("PySide6", "shiboken6"))) == []


@pytest.mark.parametrize(
    "package", ["domain", "plans", "forms", "intake", "telephony", "reports", "ui"]
)
def test_no_sql_outside_the_storage_layers(package: str) -> None:
    assert sorted(_breaks(package, ("sqlalchemy", "psycopg", "alembic"))) == []
