"""A nurse at the window types into a form field and never leaves it: run by a test that
then kills this process with SIGKILL, as a power cut would.

    python -m tests.typing_nurse DATA_DIR USER PASSWORD PATIENT_ID TEXT AUTOSAVE_MS
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from agent_desk.db.open import open_local
from agent_desk.paths import DataDir
from agent_desk.services.accounts import AccountService
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window


def main(root: str, user: str, password: str, patient: str, text: str, autosave: str) -> None:
    app = QApplication([])
    data = DataDir(Path(root))
    db = open_local(data.database)
    staff = AccountService(db).login(user, password)
    assert staff is not None
    window = build_main_window(
        db, Settings(data.root / "settings.json"), staff, autosave_ms=int(autosave)
    )
    window.show()
    window.open_patient(uuid.UUID(patient))
    panel = window.followup
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("nrs"))
    panel.template_combo.activated.emit(panel.template_combo.currentIndex())
    assert panel.view is not None
    field = panel.view.rows["nrs_pain"].editor
    field.setFocus()
    QTest.keyClicks(field, text)  # no Enter, no Tab: still typing
    end = time.monotonic() + 5 * int(autosave) / 1000  # well past the autosave
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    print("typed", flush=True)
    while True:  # until the power goes
        app.processEvents()
        time.sleep(0.02)


if __name__ == "__main__":
    main(*sys.argv[1:7])
