"""Which items are enabled, and what every item is worth, for one set of stored answers.

FHIR rules, with the choices this project made where FHIR leaves room:
- an item is enabled when its group is enabled and its enableWhen holds (all or any);
- a disabled item has no answer: its answer is neither shown to conditions nor scored;
- a comparison with an unanswered question is false, also for '!=' (only 'exists' looks at
  absence), so a follow-up question appears only once the question it hangs on is answered;
- on a choice item, answerCoding compares the code and answerInteger/answerDecimal the score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from agent_desk.forms.expression import evaluate
from agent_desk.forms.model import (
    AnswerValue,
    Condition,
    ConditionAnswerKind,
    EnableBehavior,
    EnableOperator,
    FormTemplate,
    ItemType,
    Number,
)

_COMPARE: dict[EnableOperator, Callable[[object, object], bool]] = {
    EnableOperator.EQ: lambda a, b: a == b,
    EnableOperator.NE: lambda a, b: a != b,
    EnableOperator.GT: lambda a, b: a > b,  # type: ignore[operator]
    EnableOperator.LT: lambda a, b: a < b,  # type: ignore[operator]
    EnableOperator.GE: lambda a, b: a >= b,  # type: ignore[operator]
    EnableOperator.LE: lambda a, b: a <= b,  # type: ignore[operator]
}


class Evaluation:
    """Lazily resolves enabled states and values; the template is known to be acyclic."""

    def __init__(self, template: FormTemplate, answers: Mapping[str, AnswerValue]) -> None:
        self.template = template
        self.answers = answers
        self._enabled: dict[str, bool] = {}
        self._values: dict[str, AnswerValue | None] = {}
        self._resolving: set[str] = set()
        self._primed = False

    def _prime(self) -> None:
        """Resolve every item once, dependencies first, so that no lookup recurses further
        than one item deep: a chain of a thousand enableWhen items must not exhaust the stack."""
        if self._primed:
            return
        self._primed = True
        for link_id in self.template.evaluation_order:
            self.value(link_id)

    def enabled(self, link_id: str) -> bool:
        self._prime()
        if link_id not in self._enabled:
            self._enter(link_id)
            item = self.template.item(link_id)
            parent = self.template.parents[link_id]
            enabled = (parent is None or self.enabled(parent)) and self.holds(
                item.enable_when, item.enable_behavior
            )
            self._resolving.discard(link_id)
            self._enabled[link_id] = enabled
        return self._enabled[link_id]

    def value(self, link_id: str) -> AnswerValue | None:
        """The answer (or calculated number) as it counts: None when disabled or unanswered."""
        self._prime()
        if link_id not in self._values:
            result: AnswerValue | None = None
            if self.enabled(link_id):
                item = self.template.item(link_id)
                if item.calculated is not None:
                    self._enter(link_id)
                    number = evaluate(item.calculated.tree, self)
                    self._resolving.discard(link_id)
                    if (
                        isinstance(number, float)
                        and number.is_integer()
                        and item.type is ItemType.INTEGER
                    ):
                        number = int(number)
                    result = number
                else:
                    result = self.answers.get(link_id)
            self._values[link_id] = result
        return self._values[link_id]

    # The expression Scope protocol.
    def number(self, link_id: str) -> Number | None:
        value = self.value(link_id)
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float):
            return value
        option = self.template.item(link_id).option(value)
        return None if option is None else option.weight

    def members(self, link_id: str) -> Sequence[str] | None:
        if self.template.item(link_id).type is not ItemType.GROUP:
            return None
        return self.template.scored_members(link_id)

    # Conditions.
    def holds(self, conditions: Sequence[Condition], behavior: EnableBehavior) -> bool:
        if not conditions:
            return True
        results = (self.condition(condition) for condition in conditions)
        return all(results) if behavior is EnableBehavior.ALL else any(results)

    def condition(self, condition: Condition) -> bool:
        value = self.value(condition.question)
        if condition.operator is EnableOperator.EXISTS:
            return (value is not None) is condition.answer
        if value is None:
            return False
        actual: object = value
        expected: object = condition.answer
        match condition.answer_kind:
            case ConditionAnswerKind.INTEGER | ConditionAnswerKind.DECIMAL:
                actual = self.number(condition.question)
                if actual is None:
                    return False  # an option without a score is never above or below anything
            case ConditionAnswerKind.DATE:
                actual, expected = date.fromisoformat(str(value)), date.fromisoformat(str(expected))
            case (
                ConditionAnswerKind.BOOLEAN
                | ConditionAnswerKind.STRING
                | ConditionAnswerKind.CODING
            ):
                pass
        return _COMPARE[condition.operator](actual, expected)

    def _enter(self, link_id: str) -> None:
        if link_id in self._resolving:
            # validate.py refuses cyclic templates; reaching this is a bug, not bad input.
            raise RuntimeError(f"dependency cycle through {link_id!r} in {self.template.code}")
        self._resolving.add(link_id)
