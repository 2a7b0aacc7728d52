"""What a fresh install needs: every package listed, translations compiled and complete."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "agent_desk_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent  # the venv's pyside6-lupdate and pyside6-lrelease


def test_every_package_in_the_tree_is_installed() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "agent_desk").rglob("__init__.py")
    } | {"agent_desk.resources"}
    assert found == listed


def test_every_chinese_translation_is_finished() -> None:
    unfinished = [
        message.findtext("source")
        for message in ET.parse(TS).getroot().iter("message")
        if message.find("translation").get("type") in {"unfinished", "vanished", "obsolete"}
        or not (message.findtext("translation") or "").strip()
    ]
    assert unfinished == []


def test_every_string_in_the_window_is_in_the_translation_file(tmp_path: Path) -> None:
    """Refreshing the .ts from the code must add nothing: run `make translations` if it does."""
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(path) for path in (ROOT / "agent_desk" / "ui").glob("*.py"))
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *sources,
            "-no-obsolete",
            "-locations",
            "none",
            "-ts",
            str(fresh),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    in_code = {(m.findtext("source")) for m in ET.parse(fresh).getroot().iter("message")}
    in_file = {(m.findtext("source")) for m in ET.parse(TS).getroot().iter("message")}
    assert in_code == in_file


def test_compiled_translation_matches_its_source(tmp_path: Path) -> None:
    rebuilt = tmp_path / "check.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(rebuilt)],
        check=True,
        capture_output=True,
    )
    assert rebuilt.read_bytes() == QM.read_bytes(), "run `make translations`"
