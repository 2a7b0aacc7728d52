"""What the fields of a template mean together: item rules, references, types and cycles.

Runs on the tree the parser could build. `broken` holds linkIds that exist but could not be
built, so that one mistake is reported once, not again at every reference to it.
"""

from __future__ import annotations

import itertools

from agent_desk.forms.errors import TemplateError, TemplateErrorCode
from agent_desk.forms.expression import references
from agent_desk.forms.model import (
    NUMERIC_TYPES,
    ORDERING_OPERATORS,
    TEXT_TYPES,
    Condition,
    ConditionAnswerKind,
    EnableOperator,
    FormTemplate,
    Item,
    ItemType,
)

Code = TemplateErrorCode
_NUMBER_KINDS = frozenset({ConditionAnswerKind.INTEGER, ConditionAnswerKind.DECIMAL})


class _Checker:
    def __init__(self, template: FormTemplate, broken: frozenset[str]) -> None:
        self.template = template
        self.broken = broken
        self.errors: list[TemplateError] = []

    def error(self, link_id: str | None, code: Code, message: str) -> None:
        self.errors.append(TemplateError(link_id, code, message))

    def run(self) -> list[TemplateError]:
        dimensions: dict[str, str] = {}
        for item in self.template.all_items():
            self.item_shape(item)
            self.item_range(item)
            self.item_markers(item, dimensions)
            self.bands(item)
            for condition in item.enable_when:
                self.condition(condition, item.link_id, "enableWhen")
            self.calculation(item)
        self.alerts()
        self.recovery_score()
        self.cycles()
        return self.errors

    # --- one item -------------------------------------------------------------------------

    def item_shape(self, item: Item) -> None:
        link = item.link_id
        if item.type is ItemType.GROUP and not item.items:
            self.error(link, Code.GROUP_WITHOUT_ITEMS, "a group needs at least one item")
        if item.type is not ItemType.GROUP and item.items:
            self.error(link, Code.CHILDREN_NOT_ALLOWED, f"a {item.type} item cannot hold items")
        if item.type is ItemType.CHOICE and not item.options:
            self.error(link, Code.CHOICE_WITHOUT_OPTIONS, "a choice item needs answerOption")
        if item.type is not ItemType.CHOICE and item.options:
            self.error(link, Code.OPTIONS_NOT_ALLOWED, f"a {item.type} item cannot have options")
        codes = [option.code for option in item.options]
        for code in sorted({code for code in codes if codes.count(code) > 1}):
            self.error(link, Code.BAD_OPTION, f"option code {code!r} is used twice")
        if item.required and not item.answerable:
            what = "calculated" if item.calculated else item.type.value
            self.error(link, Code.REQUIRED_NOT_ALLOWED, f"a {what} item cannot be required")
        if item.calculated is not None and item.type not in NUMERIC_TYPES:
            self.error(
                link,
                Code.CALCULATED_TYPE,
                f"a calculated item must be integer or decimal, not {item.type}",
            )

    def item_range(self, item: Item) -> None:
        link = item.link_id
        has_range = item.min_value is not None or item.max_value is not None
        if has_range and item.type not in NUMERIC_TYPES:
            self.error(
                link,
                Code.RANGE_NOT_ALLOWED,
                f"minValue/maxValue need a number item, not {item.type}",
            )
        if (
            item.min_value is not None
            and item.max_value is not None
            and item.min_value > item.max_value
        ):
            self.error(
                link,
                Code.MIN_GREATER_THAN_MAX,
                f"minValue {item.min_value} is greater than maxValue {item.max_value}",
            )
        if item.type is ItemType.INTEGER:
            for bound in (item.min_value, item.max_value):
                if isinstance(bound, float) and not bound.is_integer():
                    self.error(
                        link, Code.BAD_FIELD, f"an integer item cannot have the bound {bound}"
                    )
        if item.max_length is not None and item.type not in TEXT_TYPES:
            self.error(
                link, Code.BAD_FIELD, f"maxLength needs a string or text item, not {item.type}"
            )

    def item_markers(self, item: Item, dimensions: dict[str, str]) -> None:
        link = item.link_id
        if item.feedback_kind is not None and item.type not in TEXT_TYPES:
            self.error(link, Code.BAD_MARKER, "feedbackKind needs a string or text item")
        dimension = item.satisfaction_dimension
        if dimension is None:
            return
        if item.type is not ItemType.CHOICE or not item.numeric:
            self.error(
                link, Code.BAD_MARKER, "satisfactionDimension needs a choice item with itemWeight"
            )
        if dimension in dimensions:
            self.error(
                link,
                Code.BAD_MARKER,
                f"satisfaction dimension {dimension!r} is already asked by "
                f"{dimensions[dimension]!r}",
            )
        dimensions.setdefault(dimension, link)

    def bands(self, item: Item) -> None:
        if not item.bands:
            return
        link = item.link_id
        if not item.numeric:
            self.error(link, Code.BAD_BANDS, f"bands need a numeric item, not {item.type}")
        codes = [band.code for band in item.bands]
        if len(set(codes)) != len(codes):
            self.error(link, Code.BAD_BANDS, "two bands share a code")
        for band in item.bands:
            if band.low is not None and band.high is not None and band.low > band.high:
                self.error(
                    link, Code.BAD_BANDS, f"band {band.code!r}: min {band.low} > max {band.high}"
                )
        ordered = sorted(
            item.bands, key=lambda band: -float("inf") if band.low is None else band.low
        )
        for before, after in itertools.pairwise(ordered):
            if before.high is None or after.low is None or before.high >= after.low:
                self.error(
                    link, Code.BAD_BANDS, f"bands {before.code!r} and {after.code!r} overlap"
                )

    # --- references -----------------------------------------------------------------------

    def condition(self, condition: Condition, owner: str | None, context: str) -> None:
        question = condition.question
        if question in self.broken:
            return
        target = self.template.index.get(question)
        where = f"{context} on {question!r}"
        if target is None:
            self.error(owner, Code.UNKNOWN_QUESTION, f"{where}: no item has this linkId")
            return
        if question == owner:
            self.error(owner, Code.DEPENDENCY_CYCLE, f"{where}: an item cannot depend on itself")
            return
        if target.type in (ItemType.GROUP, ItemType.DISPLAY):
            self.error(owner, Code.NOT_ANSWERABLE, f"{where}: a {target.type} item has no answer")
            return
        problem = _condition_problem(condition, target)
        if problem is not None:
            self.error(owner, Code.BAD_CONDITION_ANSWER, f"{where}: {problem}")

    def calculation(self, item: Item) -> None:
        if item.calculated is None:
            return
        link = item.link_id
        for name, in_aggregate in references(item.calculated.tree):
            if name in self.broken:
                continue
            target = self.template.index.get(name)
            if target is None:
                self.error(
                    link,
                    Code.EXPRESSION_UNKNOWN_ITEM,
                    f"the expression reads unknown item {name!r}",
                )
            elif name == link:
                self.error(link, Code.DEPENDENCY_CYCLE, "the expression reads its own item")
            elif target.type is ItemType.GROUP:
                if not in_aggregate:
                    self.error(
                        link,
                        Code.EXPRESSION_TYPE,
                        f"group {name!r} can only be used inside sum/count/min/max/mean",
                    )
                elif not self.template.scored_members(name):
                    self.error(link, Code.EXPRESSION_TYPE, f"group {name!r} has no scored items")
            elif not target.numeric:
                self.error(
                    link,
                    Code.EXPRESSION_TYPE,
                    f"{name!r} is a {target.type} item without a number; only integer, decimal, "
                    "boolean and choice items with itemWeight can be calculated with",
                )

    def alerts(self) -> None:
        seen: set[str] = set()
        for alert in self.template.alerts:
            where = f"alert {alert.code}"
            if alert.code in seen:
                self.error(where, Code.BAD_ALERT, "two alerts share this code")
            seen.add(alert.code)
            for condition in alert.when:
                self.condition(condition, where, "condition")

    def recovery_score(self) -> None:
        link = self.template.recovery_score
        if link is None or link in self.broken:
            return
        target = self.template.index.get(link)
        if target is None or target.type not in NUMERIC_TYPES:
            self.error(
                None,
                Code.BAD_RECOVERY_SCORE,
                f"recoveryScore {link!r} must be the linkId of an integer or decimal item",
            )

    # --- cycles ---------------------------------------------------------------------------

    def cycles(self) -> None:
        """An item whose enablement or value ends up depending on itself can never be resolved.

        Depth first without recursion: a template may chain a thousand items by enableWhen.
        """
        graph = self.template.dependencies
        done: set[str] = set()
        reported: set[frozenset[str]] = set()
        for start in graph:
            if start in done:
                continue
            path, on_path, stack = [start], {start}, [iter(graph[start])]
            while stack:
                dep = next(stack[-1], None)
                if dep is None:
                    stack.pop()
                    on_path.discard(path[-1])
                    done.add(path.pop())
                elif dep in on_path:
                    cycle = path[path.index(dep) :]
                    if frozenset(cycle) not in reported and len(cycle) > 1:
                        reported.add(frozenset(cycle))
                        chain = " -> ".join([*cycle, dep])
                        self.error(cycle[0], Code.DEPENDENCY_CYCLE, f"circular dependency: {chain}")
                elif dep not in done:
                    path.append(dep)
                    on_path.add(dep)
                    stack.append(iter(graph[dep]))


def _condition_problem(condition: Condition, target: Item) -> str | None:
    """Why this comparison cannot be made against the target item, or None when it can."""
    operator, kind = condition.operator, condition.answer_kind
    if operator is EnableOperator.EXISTS:
        return None if kind is ConditionAnswerKind.BOOLEAN else "'exists' takes answerBoolean"
    is_ordering = operator in ORDERING_OPERATORS
    if target.type is ItemType.CHOICE:
        if kind is ConditionAnswerKind.CODING:
            if is_ordering:
                return f"codes have no order; compare the score with answerInteger, not {operator}"
            if target.option(str(condition.answer)) is None:
                return f"{condition.answer!r} is not one of its option codes"
            return None
        if kind in _NUMBER_KINDS:
            return None if target.numeric else "its options have no itemWeight to compare"
        return f"a choice is compared with answerCoding or a score, not {kind.value}"
    if target.type in NUMERIC_TYPES:
        return (
            None
            if kind in _NUMBER_KINDS
            else f"a number is compared with a number, not {kind.value}"
        )
    if target.type is ItemType.BOOLEAN:
        if kind is not ConditionAnswerKind.BOOLEAN:
            return f"a yes/no item is compared with answerBoolean, not {kind.value}"
        return f"yes/no has no order: {operator} is not allowed" if is_ordering else None
    if target.type in TEXT_TYPES:
        if kind is not ConditionAnswerKind.STRING:
            return f"a text item is compared with answerString, not {kind.value}"
        return f"text has no order: {operator} is not allowed" if is_ordering else None
    if target.type is ItemType.DATE:
        return (
            None
            if kind is ConditionAnswerKind.DATE
            else f"a date is compared with answerDate, not {kind.value}"
        )
    return f"cannot compare a {target.type} item"


def check_template(
    template: FormTemplate, broken: frozenset[str] = frozenset()
) -> list[TemplateError]:
    return _Checker(template, broken).run()
