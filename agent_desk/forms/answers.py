"""One answer at a time: turn what was typed, picked or read from a file into a stored value.

A refused answer comes back as an AnswerProblem with a code the UI can act on and the reason in
Chinese and English, so the form can say why (e.g. 收缩压 300 is above the 260 mmHg maximum).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from agent_desk.forms.model import AnswerValue, Item, ItemType, Number, Text


class ProblemCode(StrEnum):
    REQUIRED = "required"
    UNKNOWN_ITEM = "unknown_item"
    NOT_ANSWERABLE = "not_answerable"
    READ_ONLY = "read_only"
    WRONG_TYPE = "wrong_type"
    UNKNOWN_CODE = "unknown_code"
    AMBIGUOUS_SCORE = "ambiguous_score"
    BELOW_MIN = "below_min"
    ABOVE_MAX = "above_max"
    TOO_LONG = "too_long"
    BAD_DATE = "bad_date"


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    link_id: str
    code: ProblemCode
    reason: Text

    def message(self, language: str = "zh") -> str:
        return self.reason.get(language)

    def __str__(self) -> str:
        return f"{self.link_id}: {self.reason.en}"


class Refused(ValueError):
    def __init__(self, code: ProblemCode, reason: Text) -> None:
        super().__init__(reason.en)
        self.code = code
        self.reason = reason


_TRUE = frozenset({"true", "yes", "y", "1", "是", "有"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "无", "没有"})


def _clean(raw: str) -> str:
    # NFKC turns full-width digits and signs from a Chinese input method (１２０．５) into ASCII.
    return unicodedata.normalize("NFKC", raw).strip()


def _fmt(value: Number) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _wrong_type(zh: str, en: str, raw: object) -> Refused:
    return Refused(ProblemCode.WRONG_TYPE, Text(f"{zh}（收到：{raw!r}）", f"{en} (got {raw!r})"))


def _as_number(raw: object, whole: bool) -> Number:
    if isinstance(raw, str):
        text = _clean(raw)
        try:
            raw = int(text) if whole and text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            raw = text
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        if whole:
            raise _wrong_type("请输入整数", "enter a whole number", raw)
        raise _wrong_type("请输入数字", "enter a number", raw)
    if whole:
        if isinstance(raw, float) and not raw.is_integer():
            raise _wrong_type("请输入整数", "enter a whole number", raw)
        return int(raw)
    return raw


def _check_range(item: Item, value: Number) -> None:
    unit = f" {item.unit}" if item.unit else ""
    low, high = item.min_value, item.max_value
    low_text = "…" if low is None else _fmt(low)
    high_text = "…" if high is None else _fmt(high)
    span_zh = f"（允许范围 {low_text}–{high_text}{unit}）"
    if low is not None and value < low:
        raise Refused(
            ProblemCode.BELOW_MIN,
            Text(
                f"{_fmt(value)} 低于最小值 {_fmt(low)}{unit}{span_zh}",
                f"{_fmt(value)} is below the minimum of {_fmt(low)}{unit}",
            ),
        )
    if high is not None and value > high:
        raise Refused(
            ProblemCode.ABOVE_MAX,
            Text(
                f"{_fmt(value)} 高于最大值 {_fmt(high)}{unit}{span_zh}",
                f"{_fmt(value)} is above the maximum of {_fmt(high)}{unit}",
            ),
        )


def _choice(item: Item, raw: object) -> str:
    """An option's code, given as the code itself or as its score (ordinal value)."""
    if isinstance(raw, str) and item.option(raw.strip()) is not None:
        return raw.strip()
    score: Number | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        score = raw
    elif isinstance(raw, str):
        try:
            score = float(_clean(raw))
        except ValueError:
            score = None
    if score is not None:
        matches = [option for option in item.options if option.weight == score]
        if len(matches) == 1:
            return matches[0].code
        if len(matches) > 1:
            codes = ", ".join(option.code for option in matches)
            raise Refused(
                ProblemCode.AMBIGUOUS_SCORE,
                Text(
                    f"分值 {_fmt(score)} 对应多个选项（{codes}），请用选项代码",
                    f"score {_fmt(score)} matches several options ({codes}); give the code",
                ),
            )
    allowed = ", ".join(
        option.code if option.weight is None else f"{option.code}={_fmt(option.weight)}"
        for option in item.options
    )
    raise Refused(
        ProblemCode.UNKNOWN_CODE,
        Text(
            f"{raw!r} 不是有效选项（可选：{allowed}）",
            f"{raw!r} is not one of the options ({allowed})",
        ),
    )


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = _clean(raw).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _wrong_type("请选择“是”或“否”", "answer yes or no", raw)


def _date(raw: object) -> str:
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return date.fromisoformat(_clean(raw)).isoformat()
        except ValueError:
            pass  # refused below with the reason
    raise Refused(
        ProblemCode.BAD_DATE,
        Text(f"{raw!r} 不是有效日期（格式：YYYY-MM-DD）", f"{raw!r} is not a date (YYYY-MM-DD)"),
    )


def _text(item: Item, raw: object) -> str:
    if not isinstance(raw, str):
        raise _wrong_type("请输入文字", "enter text", raw)
    text = raw.strip()
    if item.max_length is not None and len(text) > item.max_length:
        raise Refused(
            ProblemCode.TOO_LONG,
            Text(
                f"内容过长：{len(text)} 字，最多 {item.max_length} 字",
                f"too long: {len(text)} characters, at most {item.max_length}",
            ),
        )
    return text


def is_blank(raw: object) -> bool:
    """Nothing entered: the item counts as unanswered rather than wrong."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def normalise(item: Item, raw: object) -> AnswerValue:
    """The stored form of one answer, or Refused saying why it cannot be stored."""
    if item.calculated is not None:
        raise Refused(
            ProblemCode.READ_ONLY, Text("该项由系统计算，不能填写", "this value is calculated")
        )
    match item.type:
        case ItemType.GROUP | ItemType.DISPLAY:
            raise Refused(
                ProblemCode.NOT_ANSWERABLE, Text("该项不需要回答", "this item takes no answer")
            )
        case ItemType.CHOICE:
            return _choice(item, raw)
        case ItemType.INTEGER | ItemType.DECIMAL:
            value = _as_number(raw, whole=item.type is ItemType.INTEGER)
            _check_range(item, value)
            return value
        case ItemType.BOOLEAN:
            return _boolean(raw)
        case ItemType.DATE:
            return _date(raw)
        case ItemType.STRING | ItemType.TEXT:
            return _text(item, raw)
    raise AssertionError(f"unhandled item type {item.type}")


def unknown_item(link_id: str) -> AnswerProblem:
    return AnswerProblem(
        link_id,
        ProblemCode.UNKNOWN_ITEM,
        Text(f"表单中没有 {link_id!r} 这一项", f"the form has no item {link_id!r}"),
    )


def required_missing(link_id: str) -> AnswerProblem:
    return AnswerProblem(
        link_id, ProblemCode.REQUIRED, Text("此项为必填项", "this item is required")
    )
