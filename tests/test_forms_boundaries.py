"""The form engine is domain code: it loads without Qt and without the database."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_form_engine_loads_neither_qt_nor_sqlalchemy() -> None:
    code = (
        "import sys, agent_desk.forms; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlalchemy'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
