"""The 统计 screen's tables: the figures of a report (one group a row, the total last), the
workload per staff member and the recovery scores per disease.

Thin models: they show the domain's values and say which tasks a number stands for; the
figures themselves are computed once, in agent_desk/db/statistics*.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from agent_desk.domain.enums import SatisfactionDimension
from agent_desk.domain.statistics import (
    HOSPITAL_GROUP,
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

_INDEX = QModelIndex | QPersistentModelIndex
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


class FiguresModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.report: StatisticsReport | None = None
        self.rows: list[FollowupFigures] = []

    def set_report(self, report: StatisticsReport | None) -> None:
        self.beginResetModel()
        self.report = report
        self.rows = []
        if report is not None:
            self.rows = list(report.rows)
            if report.grouping is not Grouping.HOSPITAL:
                self.rows.append(report.total)  # one hospital row is its own total
        self.endResetModel()

    def is_total(self, row: int) -> bool:
        report = self.report
        return (
            report is not None
            and report.grouping is not Grouping.HOSPITAL
            and (row == len(self.rows) - 1)
        )

    def behind(self, index: _INDEX) -> Behind | None:
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

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is not Qt.Orientation.Horizontal:
            return None
        if role == _DISPLAY:
            return self._headers()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips().get(Column(section))
        return None

    def _headers(self) -> list[str]:
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

    def _header_tips(self) -> dict[Column, str]:
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
        }

    def data(self, index: _INDEX, role: int = 0) -> Any:
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


class WorkloadModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[WorkloadRow] = []

    def set_rows(self, rows: list[WorkloadRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(WorkloadColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == _DISPLAY:
            return [
                self.tr("Staff member"),
                self.tr("Calls"),
                self.tr("Answered"),
                self.tr("Talk minutes"),
                self.tr("Records"),
                self.tr("Average handling time"),
            ][section]
        return None

    def data(self, index: _INDEX, role: int = 0) -> Any:
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


class RecoveryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[RecoveryRow] = []

    def set_rows(self, rows: list[RecoveryRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RecoveryColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == _DISPLAY:
            return [
                self.tr("Disease"),
                self.tr("Records"),
                self.tr("Mean recovery score"),
                self.tr("By month"),
            ][section]
        return None

    def data(self, index: _INDEX, role: int = 0) -> Any:
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
