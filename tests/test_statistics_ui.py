"""统计 in the window: the hand-built month of tests/statistics_data.py on screen, who has the
menu entry, what a click on a number lists, and the charts' series."""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import pytest

from PySide6.QtCharts import QHorizontalBarSeries, QLineSeries, QPieSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AttemptOutcome, LostReason, Role
from agent_desk.domain.permissions import Principal
from agent_desk.domain.statistics import Grouping, Period, TaskFigure
from agent_desk.domain.views import StaffView
from agent_desk.services.accounts import AccountService
from agent_desk.services.statistics import StatisticsService
from agent_desk.services.worklist import WorklistService
from agent_desk.settings import Settings
from agent_desk.ui.app import build_main_window
from agent_desk.ui.background import Background
from agent_desk.ui.labels import label
from agent_desk.ui.statistics_model import Behind, Column, FiguresModel
from agent_desk.ui.statistics_tasks import TaskColumn, TasksBehindDialog
from agent_desk.ui.statistics_view import StatisticsDialog
from tests.executors import Held, Immediate
from tests.statistics_data import AS_OF, Month, build_month

pytestmark = pytest.mark.usefixtures("qapp")
BOSS = Principal.of("boss", [Role.SUPERVISOR])


def _login(db: Database, name: str, role: Role) -> StaffView:
    with db.write() as session:
        staff.add_user(session, name, "a long password", role, None, name)
    user = AccountService(db).login(name, "a long password")
    assert user is not None
    return user


@pytest.fixture
def month(db: Database) -> Month:
    return build_month(db)


def _dialog(
    qtbot, db: Database, executor: Executor | None = None, opened: list | None = None
) -> StatisticsDialog:
    user = _login(db, "qc", Role.SUPERVISOR)
    dialog = StatisticsDialog(
        StatisticsService(db),
        WorklistService(db, user.principal),
        user,
        AS_OF,  # the screen opens on the last full month: November 2026
        Background(executor or Immediate()),
        None if opened is None else opened.append,
    )
    qtbot.addWidget(dialog)
    return dialog


def _cells(dialog: StatisticsDialog, column: Column) -> dict[str, str]:
    model = dialog.model
    return {
        model.index(row, Column.GROUP).data(): model.index(row, column).data()
        for row in range(model.rowCount())
    }


def _set_grouping(dialog: StatisticsDialog, grouping: Grouping) -> None:
    dialog.grouping_combo.setCurrentIndex(dialog.grouping_combo.findData(grouping))


def _click(qtbot, dialog: StatisticsDialog, group: str, column: Column) -> TasksBehindDialog:
    dialog.show()
    row = list(_cells(dialog, Column.GROUP)).index(group)
    index = dialog.model.index(row, column)
    rect = dialog.table.visualRect(index)
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    found = dialog.findChild(TasksBehindDialog)
    assert found is not None
    return found


def test_the_screen_shows_the_months_figures(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    assert _cells(dialog, Column.DUE) == {"心血管内科": "5", "骨科": "2", "Total": "7"}


def test_rates_show_as_percent_with_their_ratio(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    index = dialog.model.index(0, Column.ATTEMPT_RATE)  # 心血管内科: attempted 4 of 5 due
    assert (index.data(), index.data(Qt.ItemDataRole.ToolTipRole)) == ("80.0%", "4/5")


def test_satisfaction_columns_are_of_the_overall_question(
    qtbot, db: Database, month: Month
) -> None:
    # Overall: t1 5 (satisfied), t2 2; CARD reached 2, answered 2 → 1/2 both ways.
    dialog = _dialog(qtbot, db)
    assert _cells(dialog, Column.VISIT_SATISFACTION)["心血管内科"] == "50.0%"
    assert _cells(dialog, Column.ANSWERED_SATISFACTION)["骨科"] == "—"  # t5 was an NRS form


def test_switching_grouping_reads_the_figures_again(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    _set_grouping(dialog, Grouping.WARD)
    # W1: t1 t2; the rest has no ward.
    assert _cells(dialog, Column.DUE) == {"心内一病区": "2", "(unassigned)": "5", "Total": "7"}


def test_the_whole_hospital_is_one_row_without_a_total(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    _set_grouping(dialog, Grouping.HOSPITAL)
    assert _cells(dialog, Column.DUE) == {"Whole hospital": "7"}


def test_figures_read_for_an_older_choice_are_dropped(qtbot, db: Database, month: Month) -> None:
    server = Held()
    dialog = _dialog(qtbot, db, server)
    _set_grouping(dialog, Grouping.WARD)
    _set_grouping(dialog, Grouping.PLAN)
    assert dialog.status_label.text() == "Loading…"
    server.release(newest_first=True)  # the department and ward figures arrive last
    assert set(_cells(dialog, Column.DUE)) == {"Discharge follow-up (day 7)", "surgery", "Total"}


def test_clicking_a_number_lists_its_tasks_masked(qtbot, db: Database, month: Month) -> None:
    listed = _click(qtbot, _dialog(qtbot, db), "骨科", Column.DUE)
    names = [listed.model.index(r, TaskColumn.PATIENT).data() for r in range(2)]
    assert names == ["患***", "患***"]  # 患者P5, 患者P6


def test_clicking_a_rate_lists_its_numerator(qtbot, db: Database, month: Month) -> None:
    # 心血管内科 成功率 2/4: the two reached tasks, t1 and t2.
    listed = _click(qtbot, _dialog(qtbot, db), "心血管内科", Column.SUCCESS_RATE)
    assert [row.task_id for row in listed.model.rows] == [month["t1"], month["t2"]]


def test_clicking_the_total_lists_every_group(qtbot, db: Database, month: Month) -> None:
    listed = _click(qtbot, _dialog(qtbot, db), "Total", Column.LOST)
    assert {row.task_id for row in listed.model.rows} == {month["t3"], month["t6"]}


def test_a_listed_task_opens_its_patient(qtbot, db: Database, month: Month) -> None:
    opened: list = []
    listed = _click(qtbot, _dialog(qtbot, db, opened=opened), "骨科", Column.LOST)
    listed.open_selected()
    assert opened == [month["P6"]]


def test_without_a_way_to_open_there_is_no_open_button(qtbot, db: Database, month: Month) -> None:
    listed = _click(qtbot, _dialog(qtbot, db), "骨科", Column.LOST)
    assert listed.open_button.isHidden()


def test_the_charts_have_a_line_per_rate_a_bar_per_group_a_slice_per_reason(
    qtbot, db: Database, month: Month
) -> None:
    dialog = _dialog(qtbot, db)
    lines = dialog.trend_view.chart().series()
    assert len(lines) == 3 and all(isinstance(line, QLineSeries) for line in lines)
    (bars,) = dialog.bars_view.chart().series()
    assert isinstance(bars, QHorizontalBarSeries)
    assert [bar_set.count() for bar_set in bars.barSets()] == [2, 2]  # CARD, ORTH
    (pie,) = dialog.pie_view.chart().series()
    assert isinstance(pie, QPieSeries) and pie.count() == 2  # unreachable, refused


def test_the_trend_draws_the_six_months_up_to_the_period(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    line = dialog.trend_view.chart().series()[0]
    # June to November; only October (t7) and November had tasks due.
    assert [point.x() for point in line.points()] == [4.0, 5.0]


def test_the_workload_tab_is_read_when_shown(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    assert dialog.workload_model.rowCount() == 0
    dialog.tabs.setCurrentWidget(dialog.workload_table)
    staff_names = {row.group.label for row in dialog.workload_model.rows}
    assert staff_names == {"护士甲", "护士乙"}


def test_the_recovery_tab_shows_scores_by_disease(qtbot, db: Database, month: Month) -> None:
    dialog = _dialog(qtbot, db)
    dialog.tabs.setCurrentWidget(dialog.recovery_table)
    assert {row.group.label for row in dialog.recovery_model.rows} >= {"I21", "I10"}


def _statistics_action(qtbot, db: Database, tmp_path: Path, role: Role) -> QAction | None:
    user = _login(db, f"u_{role}", role)
    win = build_main_window(db, Settings(tmp_path / f"{role}.json"), user)
    qtbot.addWidget(win)
    return win.findChild(QAction, "statistics_action")


def test_only_supervisors_have_statistics_in_the_menu(qtbot, db: Database, tmp_path: Path) -> None:
    shown = [role for role in Role if _statistics_action(qtbot, db, tmp_path, role)]
    assert shown == [Role.SUPERVISOR]


def test_the_menu_entry_opens_the_statistics(qtbot, db: Database, tmp_path: Path) -> None:
    action = _statistics_action(qtbot, db, tmp_path, Role.SUPERVISOR)
    assert action is not None
    action.trigger()
    window = action.parent()
    dialog = window.findChild(StatisticsDialog)
    assert dialog is not None and dialog.isVisible()


def test_a_nurse_lists_only_her_departments_tasks(db: Database, month: Month) -> None:
    nurse = Principal.of("a", [Role.NURSE], [month["CARD"]])
    rows = WorklistService(db, nurse).rows_of([month["t5"], month["t1"], month["t2"]])
    assert [row.task_id for row in rows] == [month["t1"], month["t2"]]  # t5 is ORTH's


def test_the_total_row_lists_the_whole_report(db: Database, month: Month) -> None:
    model = FiguresModel()
    report = StatisticsService(db).report(BOSS, Period.month(2026, 11), Grouping.WARD, as_of=AS_OF)
    model.set_report(report)
    behind = model.behind(model.index(model.rowCount() - 1, Column.REACHED))
    assert behind == Behind(TaskFigure.REACHED, Grouping.HOSPITAL, "hospital", "Total", 3)


def test_satisfaction_cells_list_nothing(db: Database, month: Month) -> None:
    model = FiguresModel()
    model.set_report(StatisticsService(db).report(BOSS, Period.month(2026, 11), Grouping.PLAN))
    assert model.behind(model.index(0, Column.VISIT_SATISFACTION)) is None


def test_a_lost_reason_has_its_own_label_beside_an_attempts_outcome(qapp) -> None:
    assert label(LostReason.REFUSED) != label(AttemptOutcome.REFUSED)  # both are "refused"
