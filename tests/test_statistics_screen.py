"""统计 in the window, continued: sorting every table by its columns, the effect tab (效果统计),
and the label that says whose figures these are."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role
from agent_desk.domain.statistics import Grouping
from agent_desk.services.statistics import StatisticsService
from agent_desk.services.statistics_source import CentralFigures
from agent_desk.services.worklist import WorklistService
from agent_desk.sync.central import CentralConfig
from agent_desk.ui.background import Background
from agent_desk.ui.statistics_model import Column, EffectColumn, WorkloadColumn
from agent_desk.ui.statistics_tasks import TaskColumn
from agent_desk.ui.statistics_view import StatisticsDialog
from tests.executors import Immediate
from tests.statistics_data import AS_OF, Month, build_month
from tests.test_statistics_ui import _cells, _click, _login, _set_grouping

pytestmark = pytest.mark.usefixtures("qapp")
NOWHERE = CentralConfig(url="postgresql://agent_desk@127.0.0.1:9/agent_desk", connect_timeout_s=2)


@pytest.fixture
def month(db: Database) -> Month:
    return build_month(db)


def _dialog(qtbot, db: Database, service: StatisticsService | None = None) -> StatisticsDialog:
    user = _login(db, "qc", Role.SUPERVISOR)
    dialog = StatisticsDialog(
        service or StatisticsService(db),
        WorklistService(db, user.principal),
        user,
        AS_OF,
        Background(Immediate()),
    )
    qtbot.addWidget(dialog)
    return dialog


def _groups(dialog: StatisticsDialog) -> list[str]:
    return [dialog.model.index(r, Column.GROUP).data() for r in range(dialog.model.rowCount())]


def test_a_column_header_sorts_the_groups_and_the_total_stays_last(
    qtbot, db: Database, month: Month
) -> None:
    # Due: 心血管内科 5, 骨科 2.
    dialog = _dialog(qtbot, db)
    dialog.show()
    dialog.table.sortByColumn(Column.DUE, Qt.SortOrder.AscendingOrder)
    assert _groups(dialog) == ["骨科", "心血管内科", "Total"]
    dialog.table.sortByColumn(Column.DUE, Qt.SortOrder.DescendingOrder)
    assert _groups(dialog) == ["心血管内科", "骨科", "Total"]


def test_rates_sort_by_their_value_not_their_text(qtbot, db: Database, month: Month) -> None:
    # 回访率: 心血管内科 4/5 = 80.0%, 骨科 2/2 = 100.0% (as text "100.0%" < "80.0%").
    dialog = _dialog(qtbot, db)
    dialog.table.sortByColumn(Column.ATTEMPT_RATE, Qt.SortOrder.AscendingOrder)
    assert _groups(dialog) == ["心血管内科", "骨科", "Total"]


def test_a_header_click_sorts(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    dialog.show()
    header = dialog.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.DUE) + header.sectionSize(Column.DUE) // 2
    point = header.rect().center()
    point.setX(x)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    first = _groups(dialog)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert {tuple(first), tuple(_groups(dialog))} == {
        ("骨科", "心血管内科", "Total"),
        ("心血管内科", "骨科", "Total"),
    }


def test_a_click_on_a_sorted_table_lists_the_right_groups_tasks(
    qtbot, db: Database, month: Month
) -> None:
    dialog = _dialog(qtbot, db)
    dialog.table.sortByColumn(Column.DUE, Qt.SortOrder.AscendingOrder)  # 骨科 first
    listed = _click(qtbot, dialog, "骨科", Column.LOST)
    assert [row.task_id for row in listed.model.rows] == [month["t6"]]


def test_the_workload_sorts_by_calls(qtbot, db: Database, month: Month) -> None:
    # 护士甲 2 calls, 护士乙 1.
    dialog = _dialog(qtbot, db)
    dialog.tabs.setCurrentWidget(dialog.workload_table)
    dialog.workload_table.sortByColumn(WorkloadColumn.CALLS, Qt.SortOrder.AscendingOrder)
    assert [row.group.label for row in dialog.workload_model.rows] == ["护士乙", "护士甲"]


def test_the_tasks_behind_a_number_sort_by_attempts(qtbot, db: Database, month: Month) -> None:
    # 心血管内科's attempted: t1 1 attempt, t2 2, t3 3, t9 1.
    listed = _click(qtbot, _dialog(qtbot, db), "心血管内科", Column.ATTEMPTED)
    listed.table.sortByColumn(TaskColumn.ATTEMPTS, Qt.SortOrder.DescendingOrder)
    assert [row.task_id for row in listed.model.rows][:2] == [month["t3"], month["t2"]]


def test_the_effect_tab_compares_followed_up_with_not_reached(
    qtbot, db: Database, month: Month
) -> None:
    # I10: t2 followed up (P2 revisited), t3 never reached (P3 readmitted).
    dialog = _dialog(qtbot, db)
    dialog.tabs.setCurrentWidget(dialog.effect_tab)
    dialog.effect_box.setText("i10")
    dialog.read_effect()
    model = dialog.effect_model
    cells = {
        model.index(r, EffectColumn.ARM).data(): (
            model.index(r, EffectColumn.TASKS).data(),
            model.index(r, EffectColumn.READMITTED).data(),
            model.index(r, EffectColumn.REVISITED).data(),
        )
        for r in range(model.rowCount())
    }
    assert cells == {
        "Followed up": ("1", "0.0%", "100.0%"),
        "Not reached": ("1", "100.0%", "0.0%"),
    }
    assert "Observational comparison" in dialog.effect_note.text()


def test_the_effect_tab_asks_for_a_disease(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    dialog.tabs.setCurrentWidget(dialog.effect_tab)
    assert dialog.effect_model.rowCount() == 0
    assert "ICD-10" in dialog.effect_status.text()


def test_the_disease_filter_is_the_effect_tabs_disease(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    dialog.icd_box.setText("I21")
    dialog.icd_box.editingFinished.emit()
    dialog.tabs.setCurrentWidget(dialog.effect_tab)
    # I21: t1 only, followed up.
    assert dialog.effect_model.index(0, EffectColumn.TASKS).data() == "1"
    assert dialog.effect_status.text().startswith("I21")


def test_the_screen_says_the_figures_are_this_workstations(
    qtbot, db: Database, month: Month
) -> None:
    dialog = _dialog(qtbot, db)
    assert dialog.status_label.text().startswith("This workstation (offline)")
    assert dialog.note_label.isHidden()


def test_an_unreachable_server_is_said_on_the_screen(qtbot, db: Database, month: Month) -> None:
    service = StatisticsService(db, central=CentralFigures(NOWHERE))
    dialog = _dialog(qtbot, db, service)
    assert dialog.status_label.text().startswith("This workstation (offline)")
    assert not dialog.note_label.isHidden() and "127.0.0.1:9" in dialog.note_label.text()
    _set_grouping(dialog, Grouping.PLAN)  # read again: the server is left alone a while
    assert _cells(dialog, Column.DUE)["Total"] == "7"
