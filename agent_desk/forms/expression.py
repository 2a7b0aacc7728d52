"""The small, safe language of calculated items: arithmetic over item scores, never eval().

    expression := comparison
    comparison := additive [("<" | "<=" | ">" | ">=" | "==" | "!=") additive]
    additive   := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | NAME "(" [expression ("," expression)*] ")" | NAME | "(" expression ")"

A NAME is a linkId; its value is the item's number (a choice's itemWeight, a yes/no as 1/0).
Expressions are bounded so that no template can exhaust the stack or the clock: at most
MAX_DEPTH levels deep, numbers of at most MAX_NUMBER_DIGITS digits, and round() to a literal
number of digits within ROUND_DIGITS. A result too large for a float is None, like a missing one.
A missing or disabled answer is None, and None spreads through arithmetic so that a total is
never silently short; the aggregate functions skip it instead (a partial form still shows a
live sum). Comparisons give 1 or 0. Inside sum/count/min/max/mean a group's linkId stands for
its scored descendants.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

Number = int | float
Value = Number | None


class ExpressionError(ValueError):
    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        where = f" at character {position + 1}" if position is not None else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True, slots=True)
class Num:
    value: Number


@dataclass(frozen=True, slots=True)
class Ref:
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]


Node = Num | Ref | Neg | BinOp | Call

COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
MAX_DEPTH = 32  # the built-in templates need 8
MAX_NUMBER_DIGITS = 15  # what a float holds exactly
ROUND_DIGITS = range(-6, 7)  # round(x, 10000000) would compute 10**10000000
_TOKEN = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<op><=|>=|==|!=|[-+*/(),<>])"
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    position: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while True:
        while position < len(source) and source[position].isspace():
            position += 1
        if position == len(source):
            break
        match = _TOKEN.match(source, position)
        if match is None or match.lastgroup is None:
            raise ExpressionError(f"unexpected {source[position]!r}", position)
        tokens.append(_Token(match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


# --- functions --------------------------------------------------------------------------


def _present(values: Sequence[Value]) -> list[Number]:
    return [value for value in values if value is not None]


def _sum(values: Sequence[Value]) -> Value:
    present = _present(values)
    return sum(present) if present else None


def _count(values: Sequence[Value]) -> Value:
    return len(_present(values))


def _min(values: Sequence[Value]) -> Value:
    present = _present(values)
    return min(present) if present else None


def _max(values: Sequence[Value]) -> Value:
    present = _present(values)
    return max(present) if present else None


def _mean(values: Sequence[Value]) -> Value:
    present = _present(values)
    return sum(present) / len(present) if present else None


def _wmean(values: Sequence[Value]) -> Value:
    """Weighted mean of (value, weight) pairs; a pair whose value is missing drops out."""
    pairs = [(v, w) for v, w in zip(values[::2], values[1::2], strict=True) if v is not None]
    total_weight = sum(w for _, w in pairs if w is not None)
    if not pairs or total_weight == 0:
        return None
    return sum(v * w for v, w in pairs if w is not None) / total_weight


def round_half_up(value: Number, digits: int = 0) -> Number:
    """Scores round half up (2.5 -> 3) as clinicians do, not to even as round() does."""
    factor = 10**digits
    rounded = math.floor(value * factor + 0.5) / factor
    return int(rounded) if digits <= 0 else rounded


def _round(values: Sequence[Value]) -> Value:
    value = values[0]
    digits = values[1] if len(values) > 1 else 0
    if value is None or digits is None:
        return None
    try:
        # The parser allows only a literal in ROUND_DIGITS; checked again as it is cheap.
        return round_half_up(value, int(digits)) if int(digits) in ROUND_DIGITS else None
    except (OverflowError, ValueError):  # infinite, or past what a float holds
        return None


def _clamp(values: Sequence[Value]) -> Value:
    value, low, high = values
    if value is None or low is None or high is None:
        return None
    return max(low, min(high, value))


def _coalesce(values: Sequence[Value]) -> Value:
    return next((value for value in values if value is not None), None)


def _all(values: Sequence[Value]) -> Value:
    # Three-valued: a known false wins over an unknown.
    if any(value == 0 for value in values if value is not None):
        return 0
    return None if any(value is None for value in values) else 1


def _any(values: Sequence[Value]) -> Value:
    if any(value for value in values if value is not None):
        return 1
    return None if any(value is None for value in values) else 0


@dataclass(frozen=True, slots=True)
class Function:
    implementation: Callable[[Sequence[Value]], Value]
    min_args: int
    max_args: int | None
    aggregate: bool = False  # accepts a group's linkId for all its scored items
    pairs: bool = False  # arguments come in (value, weight) pairs


FUNCTIONS: dict[str, Function] = {
    "sum": Function(_sum, 1, None, aggregate=True),
    "count": Function(_count, 1, None, aggregate=True),
    "min": Function(_min, 1, None, aggregate=True),
    "max": Function(_max, 1, None, aggregate=True),
    "mean": Function(_mean, 1, None, aggregate=True),
    "wmean": Function(_wmean, 2, None, pairs=True),
    "round": Function(_round, 1, 2),
    "clamp": Function(_clamp, 3, 3),
    "coalesce": Function(_coalesce, 1, None),
    "all": Function(_all, 1, None),
    "any": Function(_any, 1, None),
    "if": Function(lambda values: values[0], 3, 3),  # evaluated lazily in evaluate()
}


# --- parser -----------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0  # nesting of the recursive descent, bounded before the stack is

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"nested more than {MAX_DEPTH} levels deep", self.current.position
            )

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.current
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        if self.current.text != text:
            found = self.current.text or "the end"
            raise ExpressionError(f"expected {text!r}, found {found!r}", self.current.position)
        self.index += 1

    def parse(self) -> Node:
        node = self.comparison()
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected {self.current.text!r}", self.current.position)
        return node

    def comparison(self) -> Node:
        self.enter()
        left = self.additive()
        if self.current.text in COMPARISONS:
            op = self.take().text
            left = BinOp(op, left, self.additive())
            if self.current.text in COMPARISONS:
                raise ExpressionError("comparisons do not chain; use all()", self.current.position)
        self.depth -= 1
        return left

    def additive(self) -> Node:
        node = self.term()
        while self.current.text in ("+", "-"):
            op = self.take().text
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.text in ("*", "/"):
            op = self.take().text
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.current.text == "-":
            self.take()
            self.enter()
            node = Neg(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            if len(token.text.replace(".", "")) > MAX_NUMBER_DIGITS:
                raise ExpressionError(
                    f"a number of more than {MAX_NUMBER_DIGITS} digits", token.position
                )
            return Num(float(token.text) if "." in token.text else int(token.text))
        if token.kind == "name":
            if self.current.text == "(":
                return self.call(token)
            return Ref(token.text)
        if token.text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        found = token.text or "the end"
        raise ExpressionError(
            f"expected a number, a linkId or '(', found {found!r}", token.position
        )

    def call(self, name: _Token) -> Node:
        function = FUNCTIONS.get(name.text)
        if function is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"unknown function {name.text!r} (known: {known})", name.position)
        self.expect("(")
        args: list[Node] = []
        if self.current.text != ")":
            args.append(self.comparison())
            while self.current.text == ",":
                self.take()
                args.append(self.comparison())
        self.expect(")")
        too_few = len(args) < function.min_args
        too_many = function.max_args is not None and len(args) > function.max_args
        if too_few or too_many or (function.pairs and len(args) % 2):
            raise ExpressionError(f"wrong number of arguments to {name.text}()", name.position)
        if name.text == "round" and len(args) == 2 and _literal_int(args[1]) not in ROUND_DIGITS:
            raise ExpressionError(
                f"round() takes a whole number of digits from {ROUND_DIGITS[0]} to "
                f"{ROUND_DIGITS[-1]}, written as a number",
                name.position,
            )
        return Call(name.text, tuple(args))


def _literal_int(node: Node) -> int | None:
    match node:
        case Num(int() as value):
            return value
        case Neg(Num(int() as value)):
            return -value
    return None


def depth(node: Node) -> int:
    """Levels of the tree, counted without recursion (a + b + c + ... nests to the left)."""
    deepest = 0
    pending = [(node, 1)]
    while pending:
        current, level = pending.pop()
        deepest = max(deepest, level)
        match current:
            case Neg(operand):
                pending.append((operand, level + 1))
            case BinOp(_, left, right):
                pending += [(left, level + 1), (right, level + 1)]
            case Call(_, args):
                pending += [(arg, level + 1) for arg in args]
    return deepest


def parse_expression(source: str) -> Node:
    tree = _Parser(source).parse()
    if depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"more than {MAX_DEPTH} levels deep; use sum() for long additions")
    return tree


# --- analysis and evaluation ------------------------------------------------------------


def references(node: Node) -> list[tuple[str, bool]]:
    """Every linkId the expression reads, and whether it sits directly inside an aggregate."""
    found: list[tuple[str, bool]] = []

    def visit(node: Node, in_aggregate: bool) -> None:
        match node:
            case Ref(name):
                found.append((name, in_aggregate))
            case Neg(operand):
                visit(operand, False)
            case BinOp(_, left, right):
                visit(left, False)
                visit(right, False)
            case Call(function, args):
                for arg in args:
                    visit(arg, FUNCTIONS[function].aggregate)
            case Num():
                pass

    visit(node, False)
    return found


class Scope(Protocol):
    def number(self, link_id: str) -> Value: ...

    def members(self, link_id: str) -> Sequence[str] | None:
        """The scored items a group stands for, or None when link_id is not a group."""
        ...


def _arithmetic(op: str, left: Number, right: Number) -> Value:
    try:
        return _finite(_operate(op, left, right))
    except OverflowError:  # an int too large for a float, divided or mixed with one
        return None


def _finite(value: Value) -> Value:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _operate(op: str, left: Number, right: Number) -> Value:
    match op:
        case "+":
            return left + right
        case "-":
            return left - right
        case "*":
            return left * right
        case "/":
            return None if right == 0 else left / right
        case "<":
            return int(left < right)
        case "<=":
            return int(left <= right)
        case ">":
            return int(left > right)
        case ">=":
            return int(left >= right)
        case "==":
            return int(left == right)
        case "!=":
            return int(left != right)
    raise ExpressionError(f"unknown operator {op!r}")


def evaluate(node: Node, scope: Scope) -> Value:
    match node:
        case Num(value):
            return value
        case Ref(name):
            return scope.number(name)
        case Neg(operand):
            inner = evaluate(operand, scope)
            return None if inner is None else -inner
        case BinOp(op, left, right):
            a, b = evaluate(left, scope), evaluate(right, scope)
            return None if a is None or b is None else _arithmetic(op, a, b)
        case Call("if", (condition, then, otherwise)):
            chosen = evaluate(condition, scope)
            if chosen is None:
                return None
            return evaluate(then if chosen else otherwise, scope)
        case Call(function, args):
            spec = FUNCTIONS[function]
            values: list[Value] = []
            for arg in args:
                members = (
                    scope.members(arg.name) if spec.aggregate and isinstance(arg, Ref) else None
                )
                if members is not None:
                    values.extend(scope.number(member) for member in members)
                else:
                    values.append(evaluate(arg, scope))
            try:
                return _finite(spec.implementation(values))
            except OverflowError:  # mean() of an int too large for a float
                return None
    raise ExpressionError(f"cannot evaluate {node!r}")
