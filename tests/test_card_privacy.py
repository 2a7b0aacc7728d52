"""The card: every identifier masked by the one rule, shown in full only on an audited
request; the history names forms by their title."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QLabel, QToolButton, QWidget

from agent_desk.db.engine import Database
from agent_desk.db.models import Patient
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.db.worklist import WorklistFilter
from agent_desk.domain.enums import CallDirection, WorklistView
from agent_desk.domain.masking import Identifier
from agent_desk.domain.phones import PhonePlan
from agent_desk.services.patients import PatientService
from agent_desk.services.worklist import WorklistService
from agent_desk.telephony.events import CallRinging, CallSnapshot, CallSource
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.new_caller import NewCallerDialog
from agent_desk.ui.patient_card import PatientCardView
from agent_desk.ui.worklist_model import Column, WorklistModel
from tests.builders import AGENT, Hospital, add_task
from tests.conftest import TODAY
from tests.test_ui import controller_for, window  # noqa: F401 (the shared window fixture)

pytestmark = pytest.mark.usefixtures("qapp")


def _card_text(widget: QWidget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def _give_wang_insurance_and_address(db: Database, hospital: Hospital) -> None:
    with db.write() as session:
        wang = session.get(Patient, hospital.patients["wang"])
        assert wang is not None
        wang.insurance_no, wang.address = "1101934536797968", "北京市东城区西大街173号明珠花园"


def test_insurance_number_and_address_are_masked(
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
) -> None:
    _give_wang_insurance_and_address(db, hospital)
    window.open_patient(hospital.patients["wang"])
    text = _card_text(window.card)
    assert "1101********7968" in text and "1101934536797968" not in text
    assert "北京市东城区****" in text and "西大街" not in text


def test_every_number_on_the_card_masks_alike(
    window: MainWindow,  # noqa: F811
    hospital: Hospital,
) -> None:
    window.open_patient(hospital.patients["wang"])
    text = _card_text(window.card)
    assert "138****8000  (Self)" in text and "010****5678  (Child 家属)" in text


@pytest.mark.parametrize(
    ("language", "title"),
    [("zh", "出院患者回访表（通用）"), ("en", "Discharge follow-up (general)")],
)
def test_history_names_a_record_by_its_forms_title(
    qtbot, db: Database, hospital: Hospital, language: str, title: str
) -> None:
    card = PatientService(db, PhonePlan(), PhoneIndex(db)).open_card(
        hospital.patients["li_b"], AGENT
    )
    assert card is not None
    view = PatientCardView(language=language)
    qtbot.addWidget(view)
    view.show_card(card)
    rows = [view.timeline.topLevelItem(row) for row in range(view.timeline.topLevelItemCount())]
    assert [(item.text(2), item.text(3)) for item in rows] == [(title, "82")]


def test_the_worklist_masks_a_landline_as_the_card_does(db: Database, hospital: Hospital) -> None:
    add_task(db, hospital, "li_b_due", "li_b", hospital.orthopaedics, TODAY)
    model = WorklistModel(WorklistService(db))
    model.set_filter(WorklistFilter(WorklistView.DUE, TODAY))
    phones = {
        model.row_at(row).patient_name: model.index(row, Column.PHONE).data()
        for row in range(model.rowCount())
    }
    assert phones["李桂兰"] == "010****4321"


def test_the_new_caller_dialog_masks_a_formatted_number(qtbot, db: Database) -> None:
    service = PatientService(db, PhonePlan(), PhoneIndex(db))
    dialog = NewCallerDialog("+86 131-2222-3333", service, AGENT)
    qtbot.addWidget(dialog)
    assert "No patient has the number 131****3333." in _card_text(dialog)


def test_the_call_panel_masks_a_formatted_number(
    window: MainWindow,  # noqa: F811
    db: Database,
) -> None:
    controller = controller_for(window, db)
    call = CallSnapshot("c1", CallSource.SIP, CallDirection.INBOUND, "+86 139-1234-5678")
    controller.handle(CallRinging(call=call))
    assert "李建国 139****5678" in window.call_panel.status.text()


def _shown(card: PatientCardView) -> list[str]:
    """What the agent sees on the card: its visible labels and Show buttons, in order."""
    texts = [w.text() for w in card.findChildren(QLabel) if w.isVisibleTo(card)]
    buttons = card.findChildren(QToolButton)
    return texts + [
        b.objectName()
        for b in buttons
        if b.objectName().startswith("unmask_") and b.isVisibleTo(card)
    ]


def test_a_card_refilled_for_the_next_patient_shows_what_a_new_card_would(
    qtbot,
    window: MainWindow,  # noqa: F811
    hospital: Hospital,
) -> None:
    """The card's rows are made once and refilled: nothing of the patient before (an
    identifier revealed in full, tags, risk flags) may stay on it."""
    window.open_patient(hospital.patients["wang"])  # flags, tags, an ID number
    window.card.reveal(Identifier.ID_NUMBER)
    assert "11010119500307123X" in _shown(window.card)
    window.open_patient(hospital.patients["li_a"])  # none of them
    assert window.card.card is not None
    fresh = PatientCardView()
    qtbot.addWidget(fresh)
    fresh.may_unmask = window.card.may_unmask
    fresh.show_card(window.card.card)
    assert _shown(window.card) == _shown(fresh)
    assert not any("11010119500307123X" in t or "高龄" in t for t in _shown(window.card))
    window.open_patient(hospital.patients["wang"])  # the Show button is back for the ID
    assert "unmask_id_number" in _shown(window.card) or not window.card.may_unmask
