"""A template that does not validate is refused, with every problem, its linkId and why."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from agent_desk.forms import TemplateErrorCode as Code
from agent_desk.forms import TemplateInvalid, parse_template, validate_file
from agent_desk.forms.parse import check_data

SCORED = [
    {"valueCoding": {"code": "low", "display": "低", "displayEn": "Low"}, "itemWeight": 0},
    {"valueCoding": {"code": "high", "display": "高", "displayEn": "High"}, "itemWeight": 1},
]
GOOD: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "name": "broken_form",
    "version": "1",
    "status": "active",
    "title": "测试",
    "titleEn": "Test",
    "item": [
        {"linkId": "q1", "type": "choice", "text": "一", "textEn": "One", "answerOption": SCORED},
        {"linkId": "q2", "type": "integer", "text": "二", "textEn": "Two"},
        {"linkId": "note", "type": "text", "text": "备注", "textEn": "Note"},
        {"linkId": "total", "type": "integer", "text": "总分", "textEn": "Total",
         "calculatedExpression": "q1 + q2"},
    ],
}  # fmt: skip


def broken(**changes: Any) -> dict[str, Any]:
    """GOOD with items changed by linkId (None deletes a field) or top-level fields replaced."""
    data = copy.deepcopy(GOOD)
    for key, value in changes.items():
        target = next((i for i in data["item"] if i["linkId"] == key), None)
        if target is None:
            data[key] = value
            continue
        for field, new in value.items():
            if new is None:
                target.pop(field, None)
            else:
                target[field] = new
    return data


def errors(data: dict[str, Any]) -> set[tuple[str | None, Code]]:
    return {(error.link_id, error.code) for error in check_data(data)[1]}


def test_the_base_template_is_valid() -> None:
    assert errors(GOOD) == set()


def test_duplicate_link_id() -> None:
    data = broken()
    data["item"].append({"linkId": "q2", "type": "string", "text": "重", "textEn": "Again"})
    assert errors(data) == {("q2", Code.DUPLICATE_LINK_ID)}


def test_enable_when_on_an_unknown_item() -> None:
    data = broken(
        q2={"enableWhen": [{"question": "q9", "operator": "exists", "answerBoolean": True}]}
    )
    assert errors(data) == {("q2", Code.UNKNOWN_QUESTION)}


def test_enable_when_cycle_is_unresolvable() -> None:
    data = broken(
        q1={"enableWhen": [{"question": "q2", "operator": ">", "answerInteger": 1}]},
        q2={"enableWhen": [{"question": "q1", "operator": "=", "answerCoding": {"code": "high"}}]},
    )
    assert errors(data) == {("q1", Code.DEPENDENCY_CYCLE)}


def test_a_group_enabled_by_its_own_item_is_a_cycle() -> None:
    data = broken()
    data["item"].append(
        {"linkId": "grp", "type": "group", "text": "组", "textEn": "Group",
         "enableWhen": [{"question": "inner", "operator": "exists", "answerBoolean": True}],
         "item": [{"linkId": "inner", "type": "boolean", "text": "内", "textEn": "Inner"}]}
    )  # fmt: skip
    assert errors(data) == {("grp", Code.DEPENDENCY_CYCLE)}


def test_enable_when_with_an_unknown_code() -> None:
    data = broken(
        q2={"enableWhen": [{"question": "q1", "operator": "=", "answerCoding": {"code": "mid"}}]}
    )
    assert errors(data) == {("q2", Code.BAD_CONDITION_ANSWER)}


def test_enable_when_with_a_bad_operator() -> None:
    data = broken(q2={"enableWhen": [{"question": "q1", "operator": "~", "answerInteger": 1}]})
    assert errors(data) == {("q2", Code.BAD_OPERATOR)}


def test_ordering_a_text_answer_is_refused() -> None:
    data = broken(q2={"enableWhen": [{"question": "note", "operator": ">", "answerString": "a"}]})
    assert errors(data) == {("q2", Code.BAD_CONDITION_ANSWER)}


def test_choice_without_options() -> None:
    assert errors(broken(q1={"answerOption": None})) == {
        ("q1", Code.CHOICE_WITHOUT_OPTIONS),
        ("total", Code.EXPRESSION_TYPE),  # and q1 no longer has a score to add
    }


def test_min_greater_than_max() -> None:
    assert errors(broken(q2={"minValue": 10, "maxValue": 5})) == {("q2", Code.MIN_GREATER_THAN_MAX)}


def test_calculated_expression_reading_an_unknown_item() -> None:
    data = broken(total={"calculatedExpression": "q1 + q3"})
    assert errors(data) == {("total", Code.EXPRESSION_UNKNOWN_ITEM)}


def test_calculated_expression_reading_a_text_item() -> None:
    assert errors(broken(total={"calculatedExpression": "q1 + note"})) == {
        ("total", Code.EXPRESSION_TYPE)
    }


def test_calculated_expression_syntax_error() -> None:
    assert errors(broken(total={"calculatedExpression": "q1 +* q2"})) == {
        ("total", Code.EXPRESSION_SYNTAX)
    }


def test_calculated_item_must_be_a_number() -> None:
    assert errors(broken(total={"type": "string"})) == {("total", Code.CALCULATED_TYPE)}


def test_missing_version() -> None:
    data = broken()
    del data["version"]
    assert errors(data) == {(None, Code.MISSING_FIELD)}


def test_version_must_be_dotted_numbers() -> None:
    assert errors(broken(version="v2")) == {(None, Code.BAD_VERSION)}


def test_a_misspelt_field_is_refused_not_ignored() -> None:
    assert errors(broken(q2={"requried": True})) == {("q2", Code.UNKNOWN_FIELD)}


def test_an_item_without_english_text() -> None:
    assert errors(broken(q2={"textEn": None})) == {("q2", Code.MISSING_FIELD)}


def test_overlapping_bands() -> None:
    bands = [
        {"code": "a", "min": 0, "max": 5, "text": "甲", "textEn": "A"},
        {"code": "b", "min": 5, "max": 9, "text": "乙", "textEn": "B"},
    ]
    assert errors(broken(q2={"bands": bands})) == {("q2", Code.BAD_BANDS)}


def test_every_error_is_reported_not_only_the_first() -> None:
    data = broken(
        q1={"answerOption": None},
        q2={"minValue": 3, "maxValue": 1},
        total={"calculatedExpression": "q1 + nowhere"},
    )
    del data["version"]
    assert errors(data) == {
        (None, Code.MISSING_FIELD),
        ("q1", Code.CHOICE_WITHOUT_OPTIONS),
        ("q2", Code.MIN_GREATER_THAN_MAX),
        ("total", Code.EXPRESSION_TYPE),
        ("total", Code.EXPRESSION_UNKNOWN_ITEM),
    }


def test_loading_refuses_and_names_the_item() -> None:
    with pytest.raises(TemplateInvalid) as raised:
        parse_template(broken(q2={"minValue": 10, "maxValue": 5}), "bad.json")
    assert "q2: minValue 10 is greater than maxValue 5" in str(raised.value)


def test_validate_file_reports_invalid_json_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    path.write_text('{\n  "name": "x",\n  oops\n}', encoding="utf-8")
    [error] = validate_file(path)
    assert error.code is Code.INVALID_JSON and "line 3" in error.message


def test_validate_file_accepts_a_good_file_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    path.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8-sig")
    assert validate_file(path) == []
