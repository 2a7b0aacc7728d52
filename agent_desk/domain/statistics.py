"""The follow-up centre's figures as values: periods, groupings, ratios and report rows.

Qt-free and SQL-free, so that the 统计 screen, the PDF and the Excel reports and the command
line all render the same objects. Every rate is a Ratio that keeps its numerator and
denominator: a click on a number can list what is behind it, and a report can say
"12/15" beside "80.00%". The definitions (README, section Statistics) are in
agent_desk/db/statistics.py, once, as SQL expressions.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from agent_desk.domain.enums import FeedbackKind, LostReason, SatisfactionDimension
from agent_desk.errors import UserError

# 满意 (4) or 非常满意 (5) on the templates' 1-5 scale counts as satisfied; 一般 does not.
SATISFIED_AT = 4
# Complaints are answered within a week (S4: departments report back within 1 week).
COMPLAINT_DEADLINE_DAYS = 7
# After-call work counts towards handling time only when the form was submitted this soon
# after the hang-up; later, it was finished another time, not handled on the call.
WRAP_UP_LIMIT_SECONDS = 30 * 60
# Effect statistics: readmission and revisit within this many days of the discharge.
OUTCOME_WINDOW_DAYS = 30
OBSERVATIONAL_NOTE = (
    "观察性比较：未接通的患者与接受回访的患者本身可能不同，差异不能直接归因于回访。"
    " (Observational comparison: patients not reached may differ from those followed up;"
    " a difference is not proof that follow-up caused it.)"
)


class BadPeriod(UserError):
    """A period that cannot be: an end before its start, a month 13."""


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"  # from/to, both days included


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days in the hospital's time zone, both ends included."""

    start: date
    end: date
    kind: PeriodKind = PeriodKind.RANGE

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BadPeriod(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day, PeriodKind.DAY)

    @classmethod
    def week(cls, day: date) -> Period:
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6), PeriodKind.WEEK)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise BadPeriod(f"there is no month {month}")
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise BadPeriod(f"there is no quarter {quarter}")
        first = 3 * quarter - 2
        end = cls.month(year, first + 2).end
        return cls(date(year, first, 1), end, PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start, end, PeriodKind.RANGE)

    def months(self) -> Iterator[Period]:
        """The calendar months the period touches, each cut to the period."""
        first = date(self.start.year, self.start.month, 1)
        while first <= self.end:
            month = Period.month(first.year, first.month)
            yield Period(max(month.start, self.start), min(month.end, self.end), PeriodKind.MONTH)
            first = month.end + timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH and self.start.day == 1:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        if self.kind is PeriodKind.YEAR:
            return str(self.start.year)
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


class Grouping(StrEnum):
    HOSPITAL = "hospital"  # one row, the whole hospital (or the principal's departments)
    DEPARTMENT = "department"  # the task's department
    WARD = "ward"  # the ward of the discharge the task follows up
    STAFF = "staff"  # the task's assignee, else whoever made its latest attempt
    PLAN = "plan"  # the follow-up plan that made the task
    DISEASE = "disease"  # principal diagnosis, ICD-10 category (first 3 characters)
    CHAPTER = "chapter"  # principal diagnosis, ICD-10 chapter (I … XXII)


class TaskFigure(StrEnum):
    """The counts of a statistics row that are sets of tasks: what a click can list."""

    DUE = "due"
    ATTEMPTED = "attempted"
    REACHED = "reached"
    COMPLETED = "completed"
    LOST = "lost"
    PRAISED = "praised"
    CRITICISED = "criticised"


@dataclass(frozen=True, slots=True)
class IcdChapter:
    numeral: str
    first: str  # first 3-character category, inclusive
    last: str  # last 3-character category, inclusive
    name: str


# WHO ICD-10 (2019) chapters, as GB/T 14396 names them.
ICD10_CHAPTERS: tuple[IcdChapter, ...] = (
    IcdChapter("I", "A00", "B99", "某些传染病和寄生虫病"),
    IcdChapter("II", "C00", "D48", "肿瘤"),
    IcdChapter("III", "D50", "D89", "血液及造血器官疾病和某些免疫疾患"),
    IcdChapter("IV", "E00", "E90", "内分泌、营养和代谢疾病"),
    IcdChapter("V", "F00", "F99", "精神和行为障碍"),
    IcdChapter("VI", "G00", "G99", "神经系统疾病"),
    IcdChapter("VII", "H00", "H59", "眼和附器疾病"),
    IcdChapter("VIII", "H60", "H95", "耳和乳突疾病"),
    IcdChapter("IX", "I00", "I99", "循环系统疾病"),
    IcdChapter("X", "J00", "J99", "呼吸系统疾病"),
    IcdChapter("XI", "K00", "K93", "消化系统疾病"),
    IcdChapter("XII", "L00", "L99", "皮肤和皮下组织疾病"),
    IcdChapter("XIII", "M00", "M99", "肌肉骨骼系统和结缔组织疾病"),
    IcdChapter("XIV", "N00", "N99", "泌尿生殖系统疾病"),
    IcdChapter("XV", "O00", "O99", "妊娠、分娩和产褥期"),
    IcdChapter("XVI", "P00", "P96", "起源于围生期的某些情况"),
    IcdChapter("XVII", "Q00", "Q99", "先天性畸形、变形和染色体异常"),
    IcdChapter("XVIII", "R00", "R99", "症状、体征和临床与实验室异常所见"),
    IcdChapter("XIX", "S00", "T98", "损伤、中毒和外因的某些其他后果"),
    IcdChapter("XX", "V01", "Y98", "疾病和死亡的外因"),
    IcdChapter("XXI", "Z00", "Z99", "影响健康状态和与保健机构接触的因素"),
    IcdChapter("XXII", "U00", "U99", "用于特殊目的的编码"),
)


def chapter_name(numeral: str) -> str:
    return next((f"{c.numeral} {c.name}" for c in ICD10_CHAPTERS if c.numeral == numeral), numeral)


@dataclass(frozen=True, slots=True)
class Ratio:
    """A rate that keeps what it was computed from; no value when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def percent(self, digits: int = 2) -> str:
        value = self.value
        return "—" if value is None else f"{value * 100:.{digits}f}%"

    def __str__(self) -> str:
        return f"{self.percent()} ({self.numerator}/{self.denominator})"


@dataclass(frozen=True, slots=True)
class Group:
    """One row's grouping: key None gathers what has none (no department, no diagnosis)."""

    key: str | None
    label: str


HOSPITAL_GROUP = Group("hospital", "全院")
UNASSIGNED_LABEL = "(未分配)"


@dataclass(frozen=True, slots=True)
class DimensionFigures:
    """满意度 of one dimension, over the reached tasks of a group."""

    dimension: SatisfactionDimension
    reached: int
    answered: int  # rated the dimension (不清楚/不评价 is not an answer)
    satisfied: int  # rated it SATISFIED_AT or better
    score_sum: float

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.answered if self.answered else None

    @property
    def visit_rate(self) -> Ratio:
        """回访满意率: satisfied ÷ all reached."""
        return Ratio(self.satisfied, self.reached)

    @property
    def answered_rate(self) -> Ratio:
        """实访满意率: satisfied ÷ those who answered the question."""
        return Ratio(self.satisfied, self.answered)


@dataclass(frozen=True, slots=True)
class ComplaintFigures:
    """Complaints (feedback items of kind complaint) opened in the period, as they stand."""

    opened: int = 0
    overdue: int = 0  # still open COMPLAINT_DEADLINE_DAYS after they were opened
    closed: int = 0


@dataclass(frozen=True, slots=True)
class FollowupFigures:
    """One row of the statistics table: the tasks planned in the period, for one group."""

    group: Group
    due: int = 0
    attempted: int = 0
    reached: int = 0
    completed: int = 0
    lost: int = 0
    praised: int = 0
    criticised: int = 0
    lost_reasons: tuple[tuple[LostReason | None, int], ...] = ()
    satisfaction: tuple[DimensionFigures, ...] = ()
    complaints: ComplaintFigures = field(default_factory=ComplaintFigures)

    @property
    def attempt_rate(self) -> Ratio:
        """回访率: attempted ÷ due."""
        return Ratio(self.attempted, self.due)

    @property
    def success_rate(self) -> Ratio:
        """成功率: reached ÷ attempted."""
        return Ratio(self.reached, self.attempted)

    @property
    def lost_rate(self) -> Ratio:
        """失访率: lost ÷ due."""
        return Ratio(self.lost, self.due)

    @property
    def praise_rate(self) -> Ratio:
        """表扬率: reached tasks whose records hold praise ÷ reached."""
        return Ratio(self.praised, self.reached)

    @property
    def criticism_rate(self) -> Ratio:
        """批评率: reached tasks whose records hold a complaint ÷ reached."""
        return Ratio(self.criticised, self.reached)

    def dimension(self, dimension: SatisfactionDimension) -> DimensionFigures:
        found = next((d for d in self.satisfaction if d.dimension is dimension), None)
        return found or DimensionFigures(dimension, self.reached, 0, 0, 0.0)


class FiguresSource(StrEnum):
    """Where figures were computed: what a report says its numbers cover."""

    CENTRAL = "central"  # the central PostgreSQL: every workstation's work
    LOCAL = "local"  # this workstation's own copy (no server, or none reachable)

    @property
    def label(self) -> str:
        return "全院（中心库）" if self is FiguresSource.CENTRAL else "本工作站（离线）"


def offline_note(reason: str) -> str:
    """The line a report prints when the central server did not answer."""
    return f"中心库无法连接，以下为本工作站的数据：{reason}"


@dataclass(frozen=True, slots=True)
class StatisticsReport:
    period: Period
    grouping: Grouping
    as_of: date  # tasks planned after this day are not due yet
    source: FiguresSource
    rows: tuple[FollowupFigures, ...]
    total: FollowupFigures
    # Why these are not the central server's figures when one is configured: its error, in
    # one line (offline_note says it in a sentence); empty otherwise.
    note: str = ""


@dataclass(frozen=True, slots=True)
class WorkloadRow:
    """工作量 of one staff member in the period."""

    group: Group
    calls: int = 0  # calls made or taken, answered or not
    answered: int = 0
    talk_seconds: float = 0.0
    records: int = 0  # follow-up forms submitted
    wrap_seconds: float = 0.0  # hang-up to the record's submit, for calls that made one

    @property
    def talk_minutes(self) -> float:
        return self.talk_seconds / 60

    @property
    def average_handling_seconds(self) -> float | None:
        """平均处理时长: (talk + after-call work) ÷ answered calls."""
        return (self.talk_seconds + self.wrap_seconds) / self.answered if self.answered else None


@dataclass(frozen=True, slots=True)
class MonthlyMean:
    month: str  # "2026-11"
    records: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class RecoveryRow:
    """康复评分 of one disease group: the mean over the period, and month by month."""

    group: Group
    records: int
    mean: float | None
    trend: tuple[MonthlyMean, ...] = ()


@dataclass(frozen=True, slots=True)
class EffectArm:
    """One side of the effect comparison: tasks followed up, or tasks never reached."""

    tasks: int
    readmitted: Ratio  # an inpatient stay within OUTCOME_WINDOW_DAYS of the discharge
    revisited: Ratio  # an outpatient visit within OUTCOME_WINDOW_DAYS of the discharge
    later_scores: int  # recovery scores recorded on the patient's later tasks
    later_mean: float | None


@dataclass(frozen=True, slots=True)
class EffectComparison:
    """效果统计 (S0): one disease and period, followed-up patients against those not reached."""

    icd_prefix: str
    period: Period
    followed_up: EffectArm
    not_reached: EffectArm
    note: str = OBSERVATIONAL_NOTE


@dataclass(frozen=True, slots=True)
class FeedbackQuote:
    """One praise or complaint as heard, for the reports that quote them."""

    day: date  # the day the record was made, in the hospital
    department: str
    kind: FeedbackKind
    text: str


def total_of(rows: Iterable[FollowupFigures], group: Group = HOSPITAL_GROUP) -> FollowupFigures:
    """The rows added up: every count is of tasks (or complaints) that belong to one group
    only, so the total is their sum, and its rates are recomputed from the sums."""
    rows = list(rows)
    reasons: dict[LostReason | None, int] = {}
    for row in rows:
        for reason, count in row.lost_reasons:
            reasons[reason] = reasons.get(reason, 0) + count
    reached = sum(row.reached for row in rows)
    dimensions = tuple(
        DimensionFigures(
            dimension,
            reached,
            sum(row.dimension(dimension).answered for row in rows),
            sum(row.dimension(dimension).satisfied for row in rows),
            sum(row.dimension(dimension).score_sum for row in rows),
        )
        for dimension in SatisfactionDimension
    )
    return FollowupFigures(
        group=group,
        due=sum(row.due for row in rows),
        attempted=sum(row.attempted for row in rows),
        reached=reached,
        completed=sum(row.completed for row in rows),
        lost=sum(row.lost for row in rows),
        praised=sum(row.praised for row in rows),
        criticised=sum(row.criticised for row in rows),
        lost_reasons=tuple(sorted(reasons.items(), key=lambda item: (-item[1], str(item[0])))),
        satisfaction=dimensions,
        complaints=ComplaintFigures(
            sum(row.complaints.opened for row in rows),
            sum(row.complaints.overdue for row in rows),
            sum(row.complaints.closed for row in rows),
        ),
    )
