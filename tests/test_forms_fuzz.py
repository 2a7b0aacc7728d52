"""Fuzzing the template loader and the expression language: whatever comes in, the answer is
a template or a list of reasons, a value or None; never another exception. Seeded from the
built-in templates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from agent_desk.forms import default_library, score
from agent_desk.forms.expression import ExpressionError, Value, evaluate, parse_expression
from agent_desk.forms.parse import check_bytes, check_data

FORMS = Path(__file__).resolve().parent.parent / "resources" / "forms"
SEEDS = [path.read_bytes() for path in sorted(FORMS.glob("*/*.json"))]
EXPRESSIONS = sorted(
    item.calculated.source
    for template in map(default_library().load, default_library().codes())
    for item in template.all_items()
    if item.calculated is not None
)
FUZZ = settings(max_examples=150, deadline=None, derandomize=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        chunk = draw(
            st.binary(min_size=1, max_size=8)
            | st.sampled_from([b"[" * 40, b"(" * 40, b"9" * 200, b"\xff", b"\\ud800", b"NaN"])
        )
        cut = draw(st.integers(0, 8))
        data[at : at + cut] = chunk
    return bytes(data)


@st.composite
def mutated_json(draw: st.DrawFn) -> Any:
    """A built-in template with a few values, anywhere in its tree, replaced."""
    tree = json.loads(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        slots: list[tuple[Any, Any]] = []
        pending: list[Any] = [tree]
        while pending:
            node = pending.pop()
            keys: Sequence[Any] = list(node) if isinstance(node, dict) else range(len(node))
            for key in keys:
                slots.append((node, key))
                if isinstance(node[key], dict | list):
                    pending.append(node[key])
        node, key = draw(st.sampled_from(slots))
        node[key] = draw(json_values | st.sampled_from(EXPRESSIONS))
    return tree


@FUZZ
@given(mutated_bytes())
def test_template_bytes_load_or_are_refused(data: bytes) -> None:
    template, errors = check_bytes(data)
    assert errors or template is not None
    if not errors and template is not None:
        score(template, {})


@FUZZ
@given(mutated_json())
def test_template_fields_load_or_are_refused(raw: Any) -> None:
    template, errors = check_data(raw)
    if not errors:
        score(template, {})


class _Scope:
    def __init__(self, values: dict[str, Value]) -> None:
        self.values = values

    def number(self, link_id: str) -> Value:
        return self.values.get(link_id)

    def members(self, link_id: str) -> Sequence[str] | None:
        return ("a", "b") if link_id == "g" else None


TOKENS = [
    "(", ")", ",", "+", "-", "*", "/", "<", "<=", "==", "!=", "a", "b", "g", "sum", "mean",
    "round", "if", "wmean", "clamp", "all", "any", "coalesce", "0", "1", "6", "2.5",
    "999999999999999", "1e3", "-7",
]  # fmt: skip
numbers = st.none() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=False)


@FUZZ
@given(
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join) | st.text(max_size=40),
    st.fixed_dictionaries({"a": numbers, "b": numbers}),
)
@example("round(100 * wmean(a / 4, 2, b / 2, 1))", {"a": 10**300, "b": 1e308})
@example("round(a * a * a, -6)", {"a": 10**30, "b": None})
def test_expressions_parse_and_evaluate_or_are_refused(
    source: str, values: dict[str, Value]
) -> None:
    try:
        tree = parse_expression(source)
    except ExpressionError:
        return
    result = evaluate(tree, _Scope(values))
    assert result is None or isinstance(result, int | float)
