"""The card's parts out of view (the history, the visits, the folded fields) are filled when
they come into view: the patient shown is the same, whichever tab the agent was on."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QLabel, QTreeWidget

from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.patient_card import PatientCardView
from tests.builders import Hospital
from tests.test_ui import window  # noqa: F401 (the shared window fixture)

pytestmark = pytest.mark.usefixtures("qapp")


def _history(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(row).text(column) for column in range(tree.columnCount())]
        for row in range(tree.topLevelItemCount())
    ]


def _fields(card: PatientCardView) -> list[str]:
    return [label.text() for label in card.fields_box.findChildren(QLabel)]


def _filled_at_once(qtbot, window: MainWindow) -> PatientCardView:  # noqa: F811
    """The same patient on a card that shows every part (history tab, fields unfolded)."""
    assert window.card.card is not None
    fresh = PatientCardView()
    qtbot.addWidget(fresh)
    fresh.show_card(window.card.card)
    fresh.tabs.setCurrentWidget(fresh.encounters)
    return fresh


def test_on_the_forms_tab_the_parts_out_of_view_wait_until_they_are_opened(
    qtbot,
    window: MainWindow,  # noqa: F811
    hospital: Hospital,
) -> None:
    card = window.card
    card.tabs.setCurrentWidget(window.followup)  # as after answering a call
    window.open_patient(hospital.patients["wang"])
    assert card.title.text().startswith("王秀英")
    assert card.timeline.topLevelItemCount() == 0
    assert card.encounters.toPlainText() == ""
    assert not card.fields_box.isVisibleTo(card)
    fresh = _filled_at_once(qtbot, window)
    assert fresh.timeline.topLevelItemCount() > 0 and "心血管内科" in fresh.encounters.toPlainText()

    card.tabs.setCurrentWidget(card.timeline)
    assert _history(card.timeline) == _history(fresh.timeline)
    assert card.fields_box.isVisibleTo(card) and _fields(card) == _fields(fresh)
    card.tabs.setCurrentWidget(card.encounters)
    assert card.encounters.toPlainText() == fresh.encounters.toPlainText()


def test_a_part_left_out_of_view_never_shows_the_patient_before(
    qtbot,
    window: MainWindow,  # noqa: F811
    hospital: Hospital,
) -> None:
    card = window.card
    window.open_patient(hospital.patients["wang"])  # on the history tab: filled
    assert card.timeline.topLevelItemCount() > 0
    card.tabs.setCurrentWidget(window.followup)
    window.open_patient(hospital.patients["li_a"])
    card.tabs.setCurrentWidget(card.timeline)
    assert _history(card.timeline) == _history(_filled_at_once(qtbot, window).timeline)
    assert "王秀英" not in card.title.text()


def test_the_tab_in_view_is_filled_with_the_card(
    qtbot,
    window: MainWindow,  # noqa: F811
    hospital: Hospital,
) -> None:
    card = window.card
    card.tabs.setCurrentWidget(card.encounters)
    window.open_patient(hospital.patients["wang"])
    assert card.encounters.toPlainText() == _filled_at_once(qtbot, window).encounters.toPlainText()
    assert card.encounters.toPlainText() != ""
