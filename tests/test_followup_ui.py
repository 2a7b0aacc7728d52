"""The follow-up form in the window: keyboard only, live validation, drafts that survive a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupRecord
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.phones import PhonePlan
from agent_desk.forms import DraftStore, default_library
from agent_desk.services.followup import FollowupService
from agent_desk.services.patients import PatientService
from agent_desk.ui.followup_panel import FollowupPanel
from tests.builders import Hospital

pytestmark = pytest.mark.usefixtures("qapp")


def _panel(db: Database, drafts: Path, autosave_ms: int = 60_000) -> FollowupPanel:
    return FollowupPanel(
        FollowupService(db), DraftStore(drafts), default_library(), None, "en", autosave_ms
    )


def _open_wang(db: Database, hospital: Hospital, panel: FollowupPanel) -> None:
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(
        hospital.patients["wang"], "nurse1"
    )
    assert card is not None
    panel.open_for(card, card.open_tasks[0])


def _focused(panel: FollowupPanel):
    widget = panel.focusWidget()
    assert widget is not None
    return widget


def test_a_nurse_fills_and_submits_with_the_keyboard_only(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _panel(db, tmp_path / "drafts")
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    _open_wang(db, hospital, panel)
    panel.template_combo.setFocus()
    steps = panel.template_combo.findData("nrs") - panel.template_combo.currentIndex()
    key = Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up
    for _ in range(abs(steps)):
        qtbot.keyClick(panel.template_combo, key)
    assert panel.view is not None and panel.view.template.code == "nrs"
    qtbot.keyClick(panel.template_combo, Qt.Key.Key_Tab)  # into the pain score
    assert _focused(panel) is panel.view.rows["nrs_pain"].editor
    qtbot.keyClicks(_focused(panel), "12")
    qtbot.keyClick(_focused(panel), Qt.Key.Key_Tab)
    error = panel.view.rows["nrs_pain"].error
    assert error.isVisibleTo(panel) and "10" in error.text()  # refused, saying why
    pain = panel.view.rows["nrs_pain"].editor
    assert isinstance(pain, QLineEdit)
    qtbot.keyClick(_focused(panel), Qt.Key.Key_Backtab)  # back to the pain score
    assert _focused(panel) is pain
    qtbot.keyClick(pain, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(pain, "7")
    qtbot.keyClick(pain, Qt.Key.Key_Tab)
    assert not error.isVisibleTo(panel)
    assert "severe" in panel.view.score_label.text().lower()
    assert _focused(panel) is panel.outcome
    qtbot.keyClick(panel.outcome, Qt.Key.Key_1)  # reached
    qtbot.keyClick(_focused(panel), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with db.read() as session:
        [record] = session.query(FollowupRecord).filter_by(template_code="nrs").all()
    assert record.answers["nrs_pain"] == 7
    assert record.task_id == hospital.tasks["wang_due"]


def test_an_incomplete_form_is_not_submitted(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _panel(db, tmp_path / "drafts")
    qtbot.addWidget(panel)
    _open_wang(db, hospital, panel)
    panel.outcome.setCurrentIndex(panel.outcome.findData("reached"))
    panel.submit()
    assert panel.notice.text().startswith("Not yet complete")
    with db.read() as session:
        assert (
            session.query(FollowupRecord).filter_by(task_id=hospital.tasks["wang_due"]).all() == []
        )


_KILLED_NURSE = textwrap.dedent(
    """
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from agent_desk.db.open import open_local
    from agent_desk.db.phone_index import PhoneIndex
    from agent_desk.domain.phones import PhonePlan
    from agent_desk.forms import DraftStore, default_library
    from agent_desk.services.followup import FollowupService
    from agent_desk.services.patients import PatientService
    from agent_desk.ui.followup_panel import FollowupPanel
    import uuid
    app = QApplication([])
    db = open_local(Path(sys.argv[1]))
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(uuid.UUID(sys.argv[3]), "n")
    panel = FollowupPanel(FollowupService(db), DraftStore(Path(sys.argv[2])), default_library(),
                          None, "en", autosave_ms=100)
    panel.open_for(card, card.open_tasks[0])
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("nrs"))
    panel.template_combo.activated.emit(panel.template_combo.currentIndex())
    pain = panel.view.rows["nrs_pain"].editor
    pain.setText("6")
    pain.editingFinished.emit()
    while not any(Path(sys.argv[2]).glob("*.json")):
        app.processEvents()
        time.sleep(0.02)
    print("saved", flush=True)
    while True:  # typing on, until the power goes
        app.processEvents()
        time.sleep(0.02)
    """
)


def test_a_draft_survives_a_killed_process(
    qtbot, db: Database, hospital: Hospital, data_dir, tmp_path: Path
) -> None:
    drafts = tmp_path / "drafts"
    nurse = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLED_NURSE,
            str(data_dir.database),
            str(drafts),
            str(hospital.patients["wang"]),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert nurse.stdout is not None and nurse.stdout.readline().strip() == "saved"
    finally:
        nurse.send_signal(signal.SIGKILL)
        nurse.wait(10)
    time.sleep(0.1)
    panel = _panel(db, drafts)
    qtbot.addWidget(panel)
    _open_wang(db, hospital, panel)
    assert panel.view is not None and panel.view.template.code == "nrs"
    assert panel.view.state.answer("nrs_pain") == 6
    assert panel.notice.text().startswith("Draft restored")
