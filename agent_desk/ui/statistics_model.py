"""The 统计 screen's tables: the figures of a report (one group a row, the total last), the
workload per staff member and the recovery scores per disease.

Thin models: they show the domain's values and say which tasks a number stands for; the
figures themselves are computed once, in agent_desk/db/statistics*.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from agent_desk.domain.enums import SatisfactionDimension
from agent_desk.domain.statistics import (
    HOSPITAL_GROUP,
    EffectArm,
    EffectComparison,
    FollowupFigures,
    Group,
    Grouping,
    Ratio,
    RecoveryRow,
    StatisticsReport,
    TaskFigure,
    WorkloadRow,
)
from agent_desk.ui.labels import plan_label
from agent_desk.ui.table_model import INDEX, RowsModel

_DISPLAY = Qt.ItemDataRole.DisplayRole
_LINK = QColor("#0b57d0")  # a number that lists its tasks when clicked
PERCENT_DIGITS = 1


class Column(IntEnum):
    GROUP = 0
    DUE = 1
    ATTEMPTED = 2
    REACHED = 3
    COMPLETED = 4
    ATTEMPT_RATE = 5  # 回访率
    SUCCESS_RATE = 6  # 成功率
    LOST = 7  # 失访
    VISIT_SATISFACTION = 8  # 回访满意率
    ANSWERED_SATISFACTION = 9  # 实访满意率
    PRAISE_RATE = 10  # 表扬率
    CRITICISM_RATE = 11  # 批评率
    COMPLAINTS = 12
    COMPLAINTS_OVERDUE = 13
    COMPLAINTS_CLOSED = 14


# The tasks a click on a cell lists: a count's own, a rate's numerator. Satisfaction and
# complaints are not sets of tasks (answers, feedback items), so they list nothing.
FIGURE_OF: dict[Column, TaskFigure] = {
    Column.DUE: TaskFigure.DUE,
    Column.ATTEMPTED: TaskFigure.ATTEMPTED,
    Column.REACHED: TaskFigure.REACHED,
    Column.COMPLETED: TaskFigure.COMPLETED,
    Column.ATTEMPT_RATE: TaskFigure.ATTEMPTED,
    Column.SUCCESS_RATE: TaskFigure.REACHED,
    Column.LOST: TaskFigure.LOST,
    Column.PRAISE_RATE: TaskFigure.PRAISED,
    Column.CRITICISM_RATE: TaskFigure.CRITICISED,
}

# The dimension the table's two satisfaction rates are of; the others are in the reports.
TABLE_DIMENSION = SatisfactionDimension.OVERALL


@dataclass(frozen=True, slots=True)
class Behind:
    """What a clicked number counts: *figure* of group *key* when the report is grouped by
    *grouping* (the total row is the whole report, asked for as one hospital group)."""

    figure: TaskFigure
    grouping: Grouping
    key: str | None
    group_label: str
    count: int


def _count(row: FollowupFigures, figure: TaskFigure) -> int:
    return int(getattr(row, figure.value))


def _ratio(row: FollowupFigures, column: Column) -> Ratio | None:
    satisfaction = row.dimension(TABLE_DIMENSION)
    return {
        Column.ATTEMPT_RATE: row.attempt_rate,
        Column.SUCCESS_RATE: row.success_rate,
        Column.VISIT_SATISFACTION: satisfaction.visit_rate,
        Column.ANSWERED_SATISFACTION: satisfaction.answered_rate,
        Column.PRAISE_RATE: row.praise_rate,
        Column.CRITICISM_RATE: row.criticism_rate,
    }.get(column)


class FiguresModel(RowsModel[FollowupFigures]):
    columns = Column

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.report: StatisticsReport | None = None

    def set_report(self, report: StatisticsReport | None) -> None:
        self.report = report
        rows: list[FollowupFigures] = []
        if report is not None:
            rows = list(report.rows)
            if report.grouping is not Grouping.HOSPITAL:
                rows.append(report.total)  # one hospital row is its own total
        self.pinned_last = int(report is not None and report.grouping is not Grouping.HOSPITAL)
        self.set_rows(rows)

    def is_total(self, row: int) -> bool:
        report = self.report
        return (
            report is not None
            and report.grouping is not Grouping.HOSPITAL
            and (row == len(self.rows) - 1)
        )

    def behind(self, index: INDEX) -> Behind | None:
        """The tasks the number at *index* counts, or None where it is no set of tasks."""
        if not index.isValid() or self.report is None:
            return None
        figure = FIGURE_OF.get(Column(index.column()))
        if figure is None:
            return None
        row = self.rows[index.row()]
        if self.is_total(index.row()):
            grouping, key = Grouping.HOSPITAL, HOSPITAL_GROUP.key
        else:
            grouping, key = self.report.grouping, row.group.key
        label = self.group_label(index.row())
        return Behind(figure, grouping, key, label, _count(row, figure))

    def group_label(self, row: int) -> str:
        group = self.rows[row].group
        if self.is_total(row):
            return self.tr("Total")
        if group == HOSPITAL_GROUP:
            return self.tr("Whole hospital")
        return self.name_of(group)

    def name_of(self, group: Group) -> str:
        """A group's name as the screen shows it (the charts' too)."""
        if group.key is None:
            return self.tr("(unassigned)")
        if self.report is not None and self.report.grouping is Grouping.PLAN:
            return plan_label(group.key)
        return group.label

    def headers(self) -> list[str]:
        return [
            self.tr("Group"),
            self.tr("Due"),
            self.tr("Attempted"),
            self.tr("Reached"),
            self.tr("Completed"),
            self.tr("Follow-up rate"),
            self.tr("Success rate"),
            self.tr("Lost"),
            self.tr("Satisfied (reached)"),
            self.tr("Satisfied (answered)"),
            self.tr("Praise rate"),
            self.tr("Criticism rate"),
            self.tr("Complaints"),
            self.tr("Overdue"),
            self.tr("Closed"),
        ]

    def header_tip(self, column: int) -> str | None:
        return {
            Column.ATTEMPT_RATE: self.tr("Attempted ÷ due"),
            Column.SUCCESS_RATE: self.tr("Reached ÷ attempted"),
            Column.VISIT_SATISFACTION: self.tr("Overall satisfied ÷ all reached"),
            Column.ANSWERED_SATISFACTION: self.tr(
                "Overall satisfied ÷ those who answered the question"
            ),
            Column.PRAISE_RATE: self.tr("Reached tasks with praise ÷ reached"),
            Column.CRITICISM_RATE: self.tr("Reached tasks with a complaint ÷ reached"),
            Column.COMPLAINTS: self.tr("Complaints opened in the period"),
            Column.COMPLAINTS_OVERDUE: self.tr("Complaints still open after 7 days"),
            Column.COMPLAINTS_CLOSED: self.tr("Complaints closed"),
        }.get(Column(column))

    def sort_key(self, row: FollowupFigures, column: int) -> Any:
        if Column(column) is Column.GROUP:
            return self.name_of(row.group)
        ratio = _ratio(row, Column(column))
        if ratio is not None:
            return ratio.value
        return int(self._text(row, Column(column)))

    def data(self, index: INDEX, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = Column(index.column())
        if role == _DISPLAY:
            if column is Column.GROUP:
                return self.group_label(index.row())
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            ratio = _ratio(row, column)
            return None if ratio is None else f"{ratio.numerator}/{ratio.denominator}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not Column.GROUP:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_total(index.row()):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            figure = FIGURE_OF.get(column)
            if figure is not None and _count(row, figure):
                return QBrush(_LINK)
        return None

    def _text(self, row: FollowupFigures, column: Column) -> str:
        ratio = _ratio(row, column)
        if ratio is not None:
            return ratio.percent(PERCENT_DIGITS)
        complaints = row.complaints
        match column:
            case Column.COMPLAINTS:
                return str(complaints.opened)
            case Column.COMPLAINTS_OVERDUE:
                return str(complaints.overdue)
            case Column.COMPLAINTS_CLOSED:
                return str(complaints.closed)
        return str(_count(row, FIGURE_OF[column]))


def minutes_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class WorkloadColumn(IntEnum):
    STAFF = 0
    CALLS = 1
    ANSWERED = 2
    TALK_MINUTES = 3
    RECORDS = 4
    HANDLING = 5


class WorkloadModel(RowsModel[WorkloadRow]):
    columns = WorkloadColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Staff member"),
            self.tr("Calls"),
            self.tr("Answered"),
            self.tr("Talk minutes"),
            self.tr("Records"),
            self.tr("Average handling time"),
        ]

    def sort_key(self, row: WorkloadRow, column: int) -> Any:
        match WorkloadColumn(column):
            case WorkloadColumn.STAFF:
                return row.group.label
            case WorkloadColumn.CALLS:
                return row.calls
            case WorkloadColumn.ANSWERED:
                return row.answered
            case WorkloadColumn.TALK_MINUTES:
                return row.talk_seconds
            case WorkloadColumn.RECORDS:
                return row.records
        return row.average_handling_seconds

    def data(self, index: INDEX, role: int = 0) -> Any:
        if not index.isValid():
            return None
        column = WorkloadColumn(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not WorkloadColumn.STAFF:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != _DISPLAY:
            return None
        row = self.rows[index.row()]
        match column:
            case WorkloadColumn.STAFF:
                return self.tr("(unassigned)") if row.group.key is None else row.group.label
            case WorkloadColumn.CALLS:
                return str(row.calls)
            case WorkloadColumn.ANSWERED:
                return str(row.answered)
            case WorkloadColumn.TALK_MINUTES:
                return f"{row.talk_minutes:.1f}"
            case WorkloadColumn.RECORDS:
                return str(row.records)
            case WorkloadColumn.HANDLING:
                return minutes_seconds(row.average_handling_seconds)
        return None


class RecoveryColumn(IntEnum):
    DISEASE = 0
    RECORDS = 1
    MEAN = 2
    TREND = 3


class RecoveryModel(RowsModel[RecoveryRow]):
    columns = RecoveryColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Disease"),
            self.tr("Records"),
            self.tr("Mean recovery score"),
            self.tr("By month"),
        ]

    def sort_key(self, row: RecoveryRow, column: int) -> Any:
        match RecoveryColumn(column):
            case RecoveryColumn.DISEASE:
                return row.group.label
            case RecoveryColumn.RECORDS:
                return row.records
            case RecoveryColumn.MEAN:
                return row.mean
        return None  # the months side by side: no one order

    def data(self, index: INDEX, role: int = 0) -> Any:
        if not index.isValid() or role != _DISPLAY:
            return None
        row = self.rows[index.row()]
        match RecoveryColumn(index.column()):
            case RecoveryColumn.DISEASE:
                return self.tr("(unassigned)") if row.group.key is None else row.group.label
            case RecoveryColumn.RECORDS:
                return str(row.records)
            case RecoveryColumn.MEAN:
                return "—" if row.mean is None else f"{row.mean:.1f}"
            case RecoveryColumn.TREND:
                return "  ".join(
                    f"{m.month}: {'—' if m.mean is None else f'{m.mean:.1f}'}" for m in row.trend
                )
        return None


class EffectColumn(IntEnum):
    ARM = 0
    TASKS = 1
    READMITTED = 2
    REVISITED = 3
    LATER_SCORES = 4
    LATER_MEAN = 5


class EffectModel(RowsModel[tuple[bool, EffectArm]]):
    """效果统计: one row per side, the followed-up patients and those never reached."""

    columns = EffectColumn

    def set_comparison(self, comparison: EffectComparison | None) -> None:
        if comparison is None:
            self.set_rows([])
        else:
            self.set_rows([(True, comparison.followed_up), (False, comparison.not_reached)])

    def headers(self) -> list[str]:
        return [
            self.tr("Patients"),
            self.tr("Tasks"),
            self.tr("Readmitted within 30 days"),
            self.tr("Revisited within 30 days"),
            self.tr("Later recovery scores"),
            self.tr("Mean later recovery score"),
        ]

    def header_tip(self, column: int) -> str | None:
        return {
            EffectColumn.READMITTED: self.tr("An inpatient stay within 30 days of the discharge"),
            EffectColumn.REVISITED: self.tr("An outpatient visit within 30 days of the discharge"),
            EffectColumn.LATER_SCORES: self.tr("Recovery scores recorded after the discharge"),
        }.get(EffectColumn(column))

    def arm_label(self, followed_up: bool) -> str:
        return self.tr("Followed up") if followed_up else self.tr("Not reached")

    def sort_key(self, row: tuple[bool, EffectArm], column: int) -> Any:
        followed_up, arm = row
        match EffectColumn(column):
            case EffectColumn.ARM:
                return self.arm_label(followed_up)
            case EffectColumn.TASKS:
                return arm.tasks
            case EffectColumn.READMITTED:
                return arm.readmitted.value
            case EffectColumn.REVISITED:
                return arm.revisited.value
            case EffectColumn.LATER_SCORES:
                return arm.later_scores
        return arm.later_mean

    def data(self, index: INDEX, role: int = 0) -> Any:
        if not index.isValid():
            return None
        followed_up, arm = self.rows[index.row()]
        column = EffectColumn(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not EffectColumn.ARM:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (
            EffectColumn.READMITTED,
            EffectColumn.REVISITED,
        ):
            ratio = arm.readmitted if column is EffectColumn.READMITTED else arm.revisited
            return f"{ratio.numerator}/{ratio.denominator}"
        if role != _DISPLAY:
            return None
        match column:
            case EffectColumn.ARM:
                return self.arm_label(followed_up)
            case EffectColumn.TASKS:
                return str(arm.tasks)
            case EffectColumn.READMITTED:
                return arm.readmitted.percent(PERCENT_DIGITS)
            case EffectColumn.REVISITED:
                return arm.revisited.percent(PERCENT_DIGITS)
            case EffectColumn.LATER_SCORES:
                return str(arm.later_scores)
        return "—" if arm.later_mean is None else f"{arm.later_mean:.1f}"
