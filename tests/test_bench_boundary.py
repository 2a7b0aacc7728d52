"""The benchmarks stand beside the workstation: nothing the workstation runs imports them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "agent_desk"
# The command line offers `agent-desk bench`: the one door into the benchmarks.
DOOR = "agent_desk.cli"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            # `from agent_desk import bench` names the package in its alias.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_bench(name: str) -> bool:
    return name == "agent_desk.bench" or name.startswith("agent_desk.bench.")


def test_no_workstation_module_imports_the_benchmarks() -> None:
    reaching = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        if _is_bench(module) or module == DOOR or module.startswith(f"{DOOR}."):
            continue
        bench = {n for n in _imported(ast.parse(path.read_text(encoding="utf-8"))) if _is_bench(n)}
        if bench:
            reaching[module] = sorted(bench)
    assert reaching == {}
