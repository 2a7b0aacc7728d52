"""The report's tables as plain values: the PDF draws them and the Excel file holds them, one
sheet each, so the two never disagree. A cell's type says how it is shown: int a count, Ratio
a percentage (keeping its numerator and denominator), float a mean, Change a difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent_desk.domain.enums import FeedbackKind, LostReason, SatisfactionDimension
from agent_desk.domain.statistics import FeedbackQuote, FollowupFigures, Ratio
from agent_desk.reports.content import ReportContent


@dataclass(frozen=True, slots=True)
class Change:
    """本期 − 上期: a count's difference, or a rate's in percentage points (as a fraction)."""

    value: float | None
    rate: bool

    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.value == 0:
            return "0"
        if self.rate:
            return f"{self.value * 100:+.2f}%"
        return f"{int(self.value):+,d}"


Cell = str | int | float | Ratio | Change | None


@dataclass(frozen=True)
class Table:
    key: str  # the Excel sheet's name
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  # said under the table
    total_row: bool = False  # the last row adds up the others


LOST_LABELS = {
    LostReason.UNREACHABLE: "多次未接通",
    LostReason.NUMBER_INVALID: "空号",
    LostReason.WRONG_NUMBER: "号码错误",
    LostReason.REFUSED: "拒绝回访",
    LostReason.DECEASED: "患者已故",
    None: "未记录原因",
}
DIMENSION_LABELS = {
    SatisfactionDimension.DOCTORS: "医生",
    SatisfactionDimension.NURSES: "护士",
    SatisfactionDimension.ENVIRONMENT: "环境",
    SatisfactionDimension.COST: "收费",
    SatisfactionDimension.OVERALL: "总体",
}
_OVERALL = SatisfactionDimension.OVERALL


def cell_text(cell: Cell) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, Ratio):
        return cell.percent()
    if isinstance(cell, Change):
        return cell.text()
    if isinstance(cell, float):
        return f"{cell:,.2f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def _change(now: int | Ratio, then: int | Ratio) -> Change:
    if isinstance(now, Ratio) and isinstance(then, Ratio):
        if now.value is None or then.value is None:
            return Change(None, rate=True)
        return Change(now.value - then.value, rate=True)
    assert isinstance(now, int) and isinstance(then, int)
    return Change(now - then, rate=False)


def _headline(row: FollowupFigures) -> list[tuple[str, int | Ratio]]:
    overall = row.dimension(_OVERALL)
    doctors = row.dimension(SatisfactionDimension.DOCTORS)
    nurses = row.dimension(SatisfactionDimension.NURSES)
    care = Ratio(doctors.satisfied + nurses.satisfied, doctors.answered + nurses.answered)
    return [
        ("应访数", row.due),
        ("已访数", row.attempted),
        ("接通数", row.reached),
        ("失访数", row.lost),
        ("回访率", row.attempt_rate),
        ("成功率", row.success_rate),
        ("失访率", row.lost_rate),
        ("回访满意率", overall.visit_rate),
        ("实访满意率", overall.answered_rate),
        ("医护质量满意率", care),
        ("表扬率", row.praise_rate),
        ("批评率", row.criticism_rate),
        ("新增投诉", row.complaints.opened),
        ("超期未结投诉", row.complaints.overdue),
    ]


def _compared(now: int | Ratio, then: int | Ratio | None) -> tuple[Cell, Cell]:
    return (None, None) if then is None else (then, _change(now, then))


def summary(content: ReportContent) -> Table:
    now = _headline(content.current.total)
    # A period with no tasks is no comparison (before the centre started, or before the
    # data this workstation holds): shown as —, not as a rise from zero.
    before, year = (
        [None] * len(now) if total.due == 0 else [value for _, value in _headline(total)]
        for total in (content.previous_total, content.last_year_total)
    )
    rows = tuple(
        (name, value, *_compared(value, then), *_compared(value, ago))
        for (name, value), then, ago in zip(now, before, year, strict=True)
    )
    return Table(
        "主要指标",
        "主要指标（纵向对比）",
        ("指标", "本期", f"上期 {content.previous.label}", "较上期", "去年同期", "较去年同期"),
        rows,
        note="医护质量满意率 = 对医生、护士满意的人次 ÷ 作答人次。满意 = 满意或非常满意。",
    )


def _total_label(content: ReportContent, row: FollowupFigures) -> str:
    # A department's wards add up to the department, not to 全院.
    if row is content.current.total and content.scope.department_id is not None:
        return "合计"
    return row.group.label


def by_group(content: ReportContent) -> Table:
    per = "科室" if content.scope.department_id is None else "病区"
    rows = []
    for row in (*content.current.rows, content.current.total):
        overall = row.dimension(_OVERALL)
        rows.append((
            _total_label(content, row), row.due, row.attempted, row.reached, row.lost,
            row.attempt_rate, row.success_rate, overall.visit_rate, overall.answered_rate,
            row.praise_rate, row.criticism_rate, row.complaints.opened, row.complaints.overdue,
            row.complaints.closed,
        ))  # fmt: skip
    columns = (
        *(per, "应访", "已访", "接通", "失访", "回访率", "成功率", "回访满意率"),
        *("实访满意率", "表扬率", "批评率", "投诉", "超期", "已结"),
    )
    return Table(f"各{per}", f"各{per}回访情况（横向对比）", columns, tuple(rows), total_row=True)


def satisfaction(content: ReportContent) -> Table:
    total = content.current.total
    rows = tuple(
        (
            DIMENSION_LABELS[d], total.reached, figures.answered, figures.satisfied,
            figures.mean_score, figures.visit_rate, figures.answered_rate,
        )
        for d in SatisfactionDimension
        for figures in [total.dimension(d)]
    )  # fmt: skip
    return Table(
        "满意度",
        "满意度（各维度）",
        ("维度", "接通", "作答", "满意", "平均分", "回访满意率", "实访满意率"),
        rows,
        note="回访满意率 = 满意 ÷ 接通；实访满意率 = 满意 ÷ 作答（不清楚/不评价不算作答）。"
        "平均分：非常满意 5 … 非常不满意 1。",
    )


def satisfaction_by_group(content: ReportContent) -> Table:
    per = "科室" if content.scope.department_id is None else "病区"
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            _total_label(content, row),
            *(row.dimension(d).answered_rate for d in SatisfactionDimension),
        )
        for row in (*content.current.rows, content.current.total)
    )
    columns = (per, *(f"{DIMENSION_LABELS[d]}满意率" for d in SatisfactionDimension))
    return Table(f"各{per}满意度", f"各{per}实访满意率（各维度）", columns, rows, total_row=True)


def lost_reasons(content: ReportContent) -> Table:
    total = content.current.total
    rows = tuple(
        (LOST_LABELS[reason], count, Ratio(count, total.lost))
        for reason, count in total.lost_reasons
    )
    return Table("失访原因", "失访原因", ("原因", "例数", "占失访"), rows)


def trend(content: ReportContent) -> Table:
    rows = tuple(
        (
            point.label, point.figures.due, point.figures.attempt_rate,
            point.figures.success_rate, point.figures.dimension(_OVERALL).answered_rate,
            point.figures.praise_rate, point.figures.criticism_rate,
        )
        for point in content.trend
    )  # fmt: skip
    columns = ("期间", "应访", "回访率", "成功率", "实访满意率", "表扬率", "批评率")
    return Table("趋势", "趋势（本期及之前各期）", columns, rows)


def workload(content: ReportContent) -> Table:
    rows = tuple(
        (
            row.group.label, row.calls, row.answered, round(row.talk_minutes, 1), row.records,
            None if row.average_handling_seconds is None else row.average_handling_seconds / 60,
        )
        for row in content.workload
    )  # fmt: skip
    columns = ("人员", "通话", "接通", "通话分钟", "记录", "平均处理时长（分钟）")
    return Table("工作量", "工作量（按人员）", columns, rows)


def recovery(content: ReportContent) -> Table:
    rows = tuple((row.group.label, row.records, row.mean) for row in content.recovery)
    return Table(
        "康复评分",
        "康复评分（按疾病，记录最多者）",
        ("疾病（ICD-10 类目）", "记录数", "平均分"),
        rows,
    )


def effects(content: ReportContent) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for comparison in content.effects:
        for label, arm in (("已回访", comparison.followed_up), ("未接通", comparison.not_reached)):
            rows.append((
                comparison.icd_prefix, label, arm.tasks, arm.readmitted, arm.revisited,
                arm.later_scores, arm.later_mean,
            ))  # fmt: skip
    note = content.effects[0].note if content.effects else ""
    columns = ("疾病", "组", "例数", "30天再入院率", "30天复诊率", "后续评分数", "后续康复评分")
    return Table("效果统计", "效果统计（观察性比较）", columns, tuple(rows), note=note)


def quotes(
    kind: FeedbackKind, counted: tuple[int, Sequence[FeedbackQuote]], limit: int | None = None
) -> Table:
    total, shown = counted[0], counted[1][:limit]
    title = "表扬" if kind is FeedbackKind.PRAISE else "批评与投诉"
    rows = tuple((quote.day.isoformat(), quote.department, quote.text) for quote in shown)
    note = f"共 {total} 条" + (f"，列出最近 {len(shown)} 条" if len(shown) < total else "")
    return Table(title, title, ("日期", "科室", "内容"), rows, note=note)


def all_tables(content: ReportContent) -> list[Table]:
    return [
        summary(content),
        by_group(content),
        satisfaction(content),
        satisfaction_by_group(content),
        lost_reasons(content),
        trend(content),
        workload(content),
        recovery(content),
        effects(content),
        quotes(FeedbackKind.PRAISE, content.praise),
        quotes(FeedbackKind.COMPLAINT, content.complaints),
    ]
