"""待办 in the window: the count in the status bar opens the list, an alert is acknowledged
there with a note and leaves it, and a new item is told by a desktop notification."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.enums import AlertSeverity, Role, TodoKind
from agent_desk.domain.permissions import Principal
from agent_desk.services.alerts import AlertService
from agent_desk.ui.todo_view import TodoDialog
from tests.builders import Hospital
from tests.desk_window import desk_window

SHOTS = Path(__file__).resolve().parent.parent / "build" / "screens"


def raise_alert(db: Database, hospital: Hospital, text: str = "PHQ-9 第9题阳性") -> None:
    AlertService(db).escalate(
        hospital.patients["wang"],
        "phq9_item9",
        AlertSeverity.CRITICAL,
        text,
        Principal.of("nurse1", [Role.NURSE]),
    )


@pytest.fixture
def window(qtbot, db: Database, hospital: Hospital, tmp_path: Path):
    return desk_window(qtbot, db, tmp_path)


def test_the_status_bar_counts_and_opens_the_list(qtbot, window, db, hospital) -> None:
    raise_alert(db, hospital)
    window.todos.hub.refresh()
    button = window.todos.button
    assert button.text() == "To-do: 2 · Alerts: 1"
    button.click()
    dialog = window.findChild(TodoDialog)
    qtbot.waitUntil(lambda: dialog is not None and dialog.tree.topLevelItemCount() == 2)
    assert [dialog.tree.topLevelItem(i).text(0) for i in range(2)] == ["Alert", "Due today"]
    window.resize(1200, 700)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "todo_list.png"))
    window.grab().save(str(SHOTS / "window_with_todo.png"))


def test_an_alert_acknowledged_in_the_list_leaves_it(qtbot, window, db, hospital) -> None:
    raise_alert(db, hospital)
    dialog = window.todos.open_list()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2)
    assert dialog.acknowledge_button.isEnabled()  # the alert is first, and chosen
    assert dialog.open_button.isEnabled()  # its patient's card opens too
    dialog.acknowledge_selected("已联系家属")
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1)
    assert dialog.selected().kind is TodoKind.TASK and not dialog.acknowledge_button.isEnabled()
    [handled] = AlertService(db).lists(window.user.principal).handled
    assert handled.acknowledged_by == "admin" and "已联系家属" in handled.notes
    assert window.todos.button.text() == "To-do: 1"


def test_a_task_opens_its_patients_card(qtbot, window, hospital) -> None:
    dialog = window.todos.open_list()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1)
    dialog.open_selected()
    assert window.card.card is not None and window.card.card.id == hospital.patients["wang"]


def test_a_new_item_is_notified_once(qtbot, window, db, hospital) -> None:
    tray = window.todos.tray
    assert tray.notified == []  # what was there at start is not news
    raise_alert(db, hospital, "血压 190/120 mmHg")
    window.todos.hub.refresh()
    assert len(tray.notified) == 1 and "血压 190/120 mmHg" in tray.notified[0]
    window.todos.hub.refresh()
    assert len(tray.notified) == 1
