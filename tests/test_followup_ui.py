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
from tests.builders import AGENT, Hospital

pytestmark = pytest.mark.usefixtures("qapp")


def _panel(db: Database, drafts: Path, autosave_ms: int = 60_000) -> FollowupPanel:
    return FollowupPanel(
        FollowupService(db),
        DraftStore(drafts),
        default_library(),
        None,
        "en",
        autosave_ms,
        principal=AGENT,
    )


def _open_wang(db: Database, hospital: Hospital, panel: FollowupPanel) -> None:
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(
        hospital.patients["wang"], AGENT
    )
    assert card is not None
    panel.open_for(card, card.open_tasks[0])


def _wang_in_the_active_window(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> FollowupPanel:
    """A panel on screen with the keyboard focus, showing 王秀英's form."""
    panel = _panel(db, tmp_path / "drafts")
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    _open_wang(db, hospital, panel)
    return panel


def _focused(panel: FollowupPanel):
    widget = panel.focusWidget()
    assert widget is not None
    return widget


def test_a_nurse_fills_and_submits_with_the_keyboard_only(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _wang_in_the_active_window(qtbot, db, hospital, tmp_path)
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
    from agent_desk.domain.enums import Role
    from agent_desk.domain.permissions import Principal
    agent = Principal.of("n", [Role.AGENT])
    app = QApplication([])
    db = open_local(Path(sys.argv[1]))
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(uuid.UUID(sys.argv[3]), agent)
    panel = FollowupPanel(FollowupService(db), DraftStore(Path(sys.argv[2])), default_library(),
                          None, "en", autosave_ms=100, principal=agent)
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


def test_a_field_still_being_typed_into_is_in_the_draft(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _panel(db, tmp_path / "drafts")
    qtbot.addWidget(panel)
    _open_wang(db, hospital, panel)
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("nrs"))
    panel.template_combo.activated.emit(panel.template_combo.currentIndex())
    assert panel.view is not None
    qtbot.keyClicks(panel.view.rows["nrs_pain"].editor, "7")  # no Enter, no Tab
    panel.save_draft()
    draft = DraftStore(tmp_path / "drafts").load(str(hospital.tasks["wang_due"]))
    assert draft is not None and draft.typed == {"nrs_pain": "7"}


def test_the_outcome_starts_empty_for_every_patient(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _panel(db, tmp_path / "drafts")
    qtbot.addWidget(panel)
    _open_wang(db, hospital, panel)
    panel.outcome.setCurrentIndex(panel.outcome.findData("no_answer"))
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(
        hospital.patients["li_a"], AGENT
    )
    assert card is not None
    panel.open_for(card, card.open_tasks[0])
    assert panel.outcome.currentData() is None
    panel.submit()
    assert panel.notice.text() == "Choose the outcome of the call first."


def test_number_keys_choose_the_nth_answer(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _panel(db, tmp_path / "drafts")
    qtbot.addWidget(panel)
    _open_wang(db, hospital, panel)
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("phq9"))
    panel.template_combo.activated.emit(panel.template_combo.currentIndex())
    assert panel.view is not None
    qtbot.keyClick(panel.view.rows["phq9_1"].editor, Qt.Key.Key_2)
    assert panel.view.state.answer("phq9_1") == "several_days"


def test_a_question_in_focus_shows_its_own_guidance_beside_the_form(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = _wang_in_the_active_window(qtbot, db, hospital, tmp_path)
    assert panel.view is not None and panel.view.template.code == "general_discharge"
    assert "Medication guidance" not in panel.guidance.toPlainText()
    panel.view.rows["gd_medication"].editor.setFocus()
    qtbot.waitUntil(lambda: "Medication guidance" in panel.guidance.toPlainText())
    # Another question's own text replaces it; the form's general script stays.
    panel.view.rows["gd_recovery"].editor.setFocus()
    qtbot.waitUntil(lambda: "Medication guidance" not in panel.guidance.toPlainText())


def test_phq9_questions_get_the_height_their_wrapped_text_needs(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = FollowupPanel(
        FollowupService(db),
        DraftStore(tmp_path / "drafts"),
        default_library(),
        None,
        "zh",
        principal=AGENT,
    )
    qtbot.addWidget(panel)
    panel.resize(760, 700)  # the form's share of a 1920×1080 window
    panel.show()
    _open_wang(db, hospital, panel)
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("phq9"))
    panel.template_combo.activated.emit(panel.template_combo.currentIndex())
    assert panel.view is not None
    qtbot.waitExposed(panel)
    for link_id in ("phq9_1", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_8"):
        label = panel.view.rows[link_id].label
        assert label.wordWrap()
        assert label.height() >= label.heightForWidth(label.width()), link_id


def test_the_opening_script_names_the_patient_department_date_and_hospital(
    qtbot, db: Database, hospital: Hospital, tmp_path: Path
) -> None:
    panel = FollowupPanel(
        FollowupService(db),
        DraftStore(tmp_path / "drafts"),
        default_library(),
        None,
        "zh",
        hospital_name="示例市人民医院",
        principal=AGENT,
    )
    qtbot.addWidget(panel)
    _open_wang(db, hospital, panel)
    script = panel.guidance.toPlainText()
    assert "我是示例市人民医院客户服务中心" in script
    assert "请问您是王秀英（" in script
    assert "您于11月16日从我院心血管内科出院" in script
