"""Calculated items: the small expression language, its missing-value rules, and no eval()."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from agent_desk.forms.expression import ExpressionError, evaluate, parse_expression, round_half_up

Value = int | float | None


class Values:
    """A Scope over plain numbers; the group "g" stands for a, b and c."""

    def __init__(self, **numbers: Value) -> None:
        self.numbers = numbers

    def number(self, link_id: str) -> Value:
        return self.numbers.get(link_id)

    def members(self, link_id: str) -> Sequence[str] | None:
        return ("a", "b", "c") if link_id == "g" else None


def calc(source: str, **numbers: Value) -> Value:
    return evaluate(parse_expression(source), Values(**numbers))


def test_precedence_and_parentheses() -> None:
    assert calc("1 + 2 * 3") == 7
    assert calc("(1 + 2) * 3") == 9
    assert calc("-a + 10", a=4) == 6


def test_weighted_sum_of_items() -> None:
    assert calc("2 * a + 3 * b", a=1, b=2) == 8


def test_sum_over_a_group_adds_its_items() -> None:
    assert calc("sum(g)", a=1, b=2, c=3) == 6


def test_aggregates_skip_missing_answers() -> None:
    assert calc("sum(g)", a=1, c=3) == 4
    assert calc("count(g)", a=1, c=3) == 2
    assert calc("mean(g)", a=1, c=3) == 2
    assert calc("sum(g)") is None


def test_arithmetic_with_a_missing_answer_is_missing() -> None:
    assert calc("a + b", a=1) is None


def test_division_by_zero_is_missing_not_an_error() -> None:
    assert calc("a / b", a=1, b=0) is None


def test_weighted_mean_drops_missing_pairs() -> None:
    assert calc("wmean(a, 3, b, 1)", a=1, b=0) == 0.75
    assert calc("wmean(a, 3, b, 1)", b=0.5) == 0.5


def test_comparisons_give_one_or_zero() -> None:
    assert calc("a >= 180", a=180) == 1
    assert calc("a != 1", a=1) == 0


def test_if_and_all_use_three_valued_logic() -> None:
    assert calc("if(all(a < 140, b < 90), 2, 0)", a=130, b=80) == 2
    assert calc("if(all(a < 140, b < 90), 2, 0)", a=150) == 0  # a known false decides
    assert calc("if(all(a < 140, b < 90), 2, 0)", a=130) is None


def test_round_is_half_up() -> None:
    assert calc("round(a)", a=2.5) == 3
    assert round_half_up(0.125, 2) == 0.13


def test_clamp_and_coalesce() -> None:
    assert calc("clamp(a, 0, 100)", a=130) == 100
    assert calc("coalesce(a, 7)") == 7


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('echo')",
        "a; b",
        "a ** 2",
        "open(a)",
        "1 +",
        "sum(",
        "a < b < c",
        "round(a, 1, 2)",
        "wmean(a, 1, b)",
    ],
)
def test_anything_outside_the_grammar_is_refused(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(source)


def test_error_says_where() -> None:
    with pytest.raises(ExpressionError, match="character 3"):
        parse_expression("a $ b")
