"""PySide6 no longer reads the source of each module the window imports after it (issue 18,
`startup_s`; agent_desk/ui/feature_scan.py). Each check runs in a fresh interpreter: this
one has imported Qt long ago."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Prints whether the probe module's text was read, then what *report* prints.
_PROBE = """
import linecache, sys
{setup}
sys.path.insert(0, sys.argv[1])
import probe_after_qt
print(probe_after_qt.__file__ in linecache.cache)
{report}
"""


def _probe(folder: Path, setup: str, report: str = "") -> list[str]:
    (folder / "probe_after_qt.py").write_text("VALUE = 1\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(setup=setup, report=report), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


@pytest.mark.parametrize(
    ("setup", "read"),
    [
        # PySide6 alone: the module's text is read (what the workstation avoids).
        ("import PySide6.QtCore", "True"),
        # The workstation's Qt package loaded: it is not.
        ("import agent_desk.ui", "False"),
    ],
)
def test_a_module_imported_after_qt_is_read_only_without_the_workstation(
    tmp_path: Path, setup: str, read: str
) -> None:
    assert _probe(tmp_path, setup) == [read]


def test_modules_imported_after_qt_get_the_default_features(tmp_path: Path) -> None:
    lines = _probe(
        tmp_path,
        "import agent_desk.ui\nfrom agent_desk.ui.feature_scan import _feature_registry",
        "print(_feature_registry().pyside_feature_dict['probe_after_qt'])",
    )
    assert lines == ["False", "0"]
