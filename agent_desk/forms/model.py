"""The parsed form template: immutable values built once by the loader and shared freely.

The JSON is modelled on the FHIR R5 Questionnaire. Where FHIR would use an extension we use a
plain, readable field with the same meaning (see resources/forms/README.md for the mapping).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from agent_desk.domain.enums import AlertSeverity as AlertSeverity
from agent_desk.domain.enums import FeedbackKind as FeedbackKind
from agent_desk.domain.enums import Role
from agent_desk.domain.enums import SatisfactionDimension as SatisfactionDimension
from agent_desk.forms.expression import Node, references

Number = int | float
# What a stored answer holds: a choice's code, a number, a yes/no, text, or an ISO date string.
AnswerValue = bool | int | float | str


class ItemType(StrEnum):
    GROUP = "group"
    DISPLAY = "display"
    CHOICE = "choice"
    INTEGER = "integer"
    DECIMAL = "decimal"
    STRING = "string"
    TEXT = "text"
    DATE = "date"
    BOOLEAN = "boolean"


NUMERIC_TYPES = frozenset({ItemType.INTEGER, ItemType.DECIMAL})
TEXT_TYPES = frozenset({ItemType.STRING, ItemType.TEXT})


class TemplateStatus(StrEnum):
    """FHIR PublicationStatus: only active templates are offered for new records."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class EnableOperator(StrEnum):
    EXISTS = "exists"
    EQ = "="
    NE = "!="
    GT = ">"
    LT = "<"
    GE = ">="
    LE = "<="


ORDERING_OPERATORS = frozenset(
    {EnableOperator.GT, EnableOperator.LT, EnableOperator.GE, EnableOperator.LE}
)


class EnableBehavior(StrEnum):
    ALL = "all"
    ANY = "any"


class ConditionAnswerKind(StrEnum):
    """Which FHIR answer[x] a condition carries; it decides how the comparison is made."""

    BOOLEAN = "answerBoolean"
    INTEGER = "answerInteger"
    DECIMAL = "answerDecimal"
    STRING = "answerString"
    DATE = "answerDate"
    CODING = "answerCoding"


class GuidanceKind(StrEnum):
    SCRIPT = "script"  # 规范用语: what the agent says
    EDUCATION = "education"  # 健康宣教: guidance read to the patient


@dataclass(frozen=True, slots=True)
class Text:
    """Chinese first (the UI default), English beside it."""

    zh: str
    en: str

    def get(self, language: str = "zh") -> str:
        return self.en if language.lower().startswith("en") else self.zh


@dataclass(frozen=True, slots=True)
class AnswerOption:
    code: str
    display: Text
    weight: Number | None = None  # FHIR itemWeight; None: the option does not score


@dataclass(frozen=True, slots=True)
class Condition:
    """One FHIR enableWhen entry, also used for alert rules."""

    question: str
    operator: EnableOperator
    answer_kind: ConditionAnswerKind
    answer: bool | int | float | str


@dataclass(frozen=True, slots=True)
class Band:
    """An interpretation range, both ends inclusive; an open end is None."""

    code: str
    label: Text
    low: Number | None
    high: Number | None

    def contains(self, value: Number) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class Guidance:
    kind: GuidanceKind
    text: Text
    title: Text | None = None


@dataclass(frozen=True, slots=True)
class Calculation:
    source: str
    tree: Node


@dataclass(frozen=True, slots=True)
class AlertRule:
    code: str
    severity: AlertSeverity
    notify: Role
    text: Text
    when: tuple[Condition, ...]
    behavior: EnableBehavior = EnableBehavior.ALL


@dataclass(frozen=True, slots=True)
class Item:
    link_id: str
    type: ItemType
    text: Text
    prefix: str | None = None
    required: bool = False
    options: tuple[AnswerOption, ...] = ()
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: EnableBehavior = EnableBehavior.ALL
    min_value: Number | None = None
    max_value: Number | None = None
    max_length: int | None = None
    unit: str | None = None
    calculated: Calculation | None = None
    bands: tuple[Band, ...] = ()
    guidance: tuple[Guidance, ...] = ()
    feedback_kind: FeedbackKind | None = None
    satisfaction_dimension: SatisfactionDimension | None = None
    items: tuple[Item, ...] = ()

    @property
    def answerable(self) -> bool:
        """Whether a person types or picks this value (calculated items are read-only)."""
        return self.type not in (ItemType.GROUP, ItemType.DISPLAY) and self.calculated is None

    @property
    def numeric(self) -> bool:
        """Whether the item has a number usable in expressions, bands and ordering conditions."""
        if self.type in NUMERIC_TYPES or self.type is ItemType.BOOLEAN:
            return True
        return self.type is ItemType.CHOICE and any(o.weight is not None for o in self.options)

    def option(self, code: str) -> AnswerOption | None:
        return next((option for option in self.options if option.code == code), None)

    def band_for(self, value: Number) -> Band | None:
        return next((band for band in self.bands if band.contains(value)), None)


def walk(items: tuple[Item, ...]) -> Iterator[Item]:
    """Every item, depth first, in the order the form shows them."""
    for item in items:
        yield item
        yield from walk(item.items)


@dataclass(frozen=True)
class FormTemplate:
    code: str  # FHIR name: stable, what records keep with the version
    version: str
    title: Text
    status: TemplateStatus
    items: tuple[Item, ...]
    url: str | None = None
    description: Text | None = None
    scoring_reference: str | None = None
    copyright: str | None = None
    guidance: tuple[Guidance, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    recovery_score: str | None = None  # the linkId of the 0-100 item that is the record's score

    @cached_property
    def index(self) -> Mapping[str, Item]:
        return {item.link_id: item for item in walk(self.items)}

    @cached_property
    def parents(self) -> Mapping[str, str | None]:
        parents: dict[str, str | None] = {}

        def visit(items: tuple[Item, ...], parent: str | None) -> None:
            for item in items:
                parents[item.link_id] = parent
                visit(item.items, item.link_id)

        visit(self.items, None)
        return parents

    def item(self, link_id: str) -> Item:
        return self.index[link_id]

    @cached_property
    def dependencies(self) -> Mapping[str, tuple[str, ...]]:
        """What each item's enablement or value reads: its group, enableWhen, expression."""
        graph: dict[str, tuple[str, ...]] = {}
        for item in self.all_items():
            found: list[str] = []
            parent = self.parents[item.link_id]
            if parent is not None:
                found.append(parent)  # an item is only enabled while its group is
            found.extend(condition.question for condition in item.enable_when)
            if item.calculated is not None:
                for name, _ in references(item.calculated.tree):
                    target = self.index.get(name)
                    if target is not None and target.type is ItemType.GROUP:
                        found.extend(self.scored_members(name))
                    else:
                        found.append(name)
            graph[item.link_id] = tuple(dict.fromkeys(n for n in found if n in self.index))
        return graph

    @cached_property
    def evaluation_order(self) -> tuple[str, ...]:
        """Every item after what it depends on, found without recursion (a template may chain
        a thousand items); on a cyclic template, which is refused, the order is arbitrary."""
        order: list[str] = []
        placed: set[str] = set()
        for start in self.dependencies:
            stack = [(start, iter(self.dependencies[start]))]
            placed.add(start)
            while stack:
                node, pending = stack[-1]
                dep = next(pending, None)
                if dep is None:
                    stack.pop()
                    order.append(node)
                elif dep not in placed:
                    placed.add(dep)
                    stack.append((dep, iter(self.dependencies[dep])))
        return tuple(order)

    def all_items(self) -> Iterator[Item]:
        return walk(self.items)

    def scored_members(self, group_link_id: str) -> tuple[str, ...]:
        """What a group stands for inside sum()/mean()/...: its answerable numeric descendants."""
        group = self.index[group_link_id]
        return tuple(item.link_id for item in walk(group.items) if item.answerable and item.numeric)


def version_key(version: str) -> tuple[int, ...]:
    """Versions are dotted whole numbers, so "10" sorts after "9"; the loader enforces the form."""
    return tuple(int(part) for part in version.split("."))
