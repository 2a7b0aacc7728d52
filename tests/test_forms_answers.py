"""Answers: refused with a reason when out of range or unknown, accepted by code or by score."""

from __future__ import annotations

from typing import Any

import pytest

from agent_desk.forms import (
    FormState,
    InvalidAnswers,
    ProblemCode,
    load_template,
    parse_template,
    score,
    validate_answers,
)


def form(*items: dict[str, Any]) -> Any:
    return parse_template(
        {
            "resourceType": "Questionnaire",
            "name": "answers_form",
            "version": "1",
            "status": "active",
            "title": "测试",
            "titleEn": "Test",
            "item": list(items),
        }
    )


TEMPERATURE = {
    "linkId": "temp",
    "type": "decimal",
    "text": "体温",
    "textEn": "Temperature",
    "minValue": 35,
    "maxValue": 42,
    "unit": "°C",
    "required": True,
}
TWIN_SCORES = {
    "linkId": "twin",
    "type": "choice",
    "text": "选项",
    "textEn": "Pick",
    "answerOption": [
        {"valueCoding": {"code": "a", "display": "甲", "displayEn": "A"}, "itemWeight": 1},
        {"valueCoding": {"code": "b", "display": "乙", "displayEn": "B"}, "itemWeight": 1},
    ],
}


def problems(answers: dict[str, object], *items: dict[str, Any]) -> list[tuple[str, ProblemCode]]:
    template = form(*(items or (TEMPERATURE,)))
    return [(p.link_id, p.code) for p in validate_answers(template, answers)]


@pytest.mark.parametrize(
    ("value", "code"), [(34.9, ProblemCode.BELOW_MIN), (42.1, ProblemCode.ABOVE_MAX)]
)
def test_out_of_range_is_refused(value: float, code: ProblemCode) -> None:
    assert problems({"temp": value}) == [("temp", code)]


def test_the_range_edges_are_allowed() -> None:
    assert problems({"temp": 35}) == problems({"temp": 42}) == []


def test_the_refusal_says_why_in_both_languages() -> None:
    [problem] = validate_answers(form(TEMPERATURE), {"temp": 43})
    assert problem.message("zh") == "43 高于最大值 42 °C（允许范围 35–42 °C）"
    assert problem.message("en") == "43 is above the maximum of 42 °C"


def test_text_in_a_number_item_is_refused() -> None:
    assert problems({"temp": "high"}) == [("temp", ProblemCode.WRONG_TYPE)]


def test_full_width_digits_from_a_chinese_keyboard_are_read() -> None:
    state = FormState(form(TEMPERATURE))
    assert state.set_answer("temp", "３８．５") is None
    assert state.answer("temp") == 38.5


def test_a_fraction_in_an_integer_item_is_refused() -> None:
    assert (
        validate_answers(load_template("nrs"), {"nrs_pain": 2.5})[0].code is ProblemCode.WRONG_TYPE
    )


def test_required_item_missing_is_reported() -> None:
    assert problems({}) == [("temp", ProblemCode.REQUIRED)]


def test_unknown_item_is_refused() -> None:
    assert ("tmep", ProblemCode.UNKNOWN_ITEM) in problems({"tmep": 37})


def test_unknown_code_is_refused_listing_the_options() -> None:
    [problem] = validate_answers(load_template("mrs"), {"mrs_grade": "7"})
    assert problem.code is ProblemCode.UNKNOWN_CODE
    assert "0=0" in problem.message("en") and "6=6" in problem.message("en")


def test_a_choice_by_code_and_by_score_is_stored_as_the_code() -> None:
    template = load_template("gad7")
    by_code, by_score = FormState(template), FormState(template)
    by_code.set_answer("gad7_1", "several_days")
    by_score.set_answer("gad7_1", 1)
    assert by_code.answer("gad7_1") == by_score.answer("gad7_1") == "several_days"


def test_a_score_shared_by_two_options_is_ambiguous() -> None:
    assert problems({"twin": 1}, TWIN_SCORES) == [("twin", ProblemCode.AMBIGUOUS_SCORE)]


def test_a_calculated_item_cannot_be_answered() -> None:
    [problem] = validate_answers(load_template("phq9"), {"phq9_total": 3})[:1]
    assert (problem.link_id, problem.code) == ("phq9_total", ProblemCode.READ_ONLY)


def test_a_refused_value_replaces_the_previous_answer() -> None:
    state = FormState(form(TEMPERATURE), {"temp": 37})
    problem = state.set_answer("temp", 45)
    assert problem is not None and problem.code is ProblemCode.ABOVE_MAX
    assert state.answer("temp") is None and not state.can_submit


def test_scoring_refuses_bad_answers() -> None:
    with pytest.raises(InvalidAnswers, match="nrs_pain: 11 is above the maximum of 10"):
        score(load_template("nrs"), {"nrs_pain": 11})


def test_scoring_a_partial_form_is_marked_incomplete() -> None:
    result = score(load_template("phq9"), {"phq9_1": 2})
    assert result.values["phq9_total"] == 2
    assert not result.complete and len(result.missing) == 8
