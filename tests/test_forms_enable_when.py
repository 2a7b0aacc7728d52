"""enableWhen: each operator, all/any, groups, and what happens to answers of disabled items."""

from __future__ import annotations

from typing import Any

import pytest

from agent_desk.forms import FormState, check_answers, parse_template, score

YES_NO = [
    {"valueCoding": {"code": "no", "display": "否", "displayEn": "No"}, "itemWeight": 0},
    {"valueCoding": {"code": "yes", "display": "是", "displayEn": "Yes"}, "itemWeight": 1},
]


def item(link_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"linkId": link_id, "type": kind, "text": f"问题 {link_id}", "textEn": link_id, **extra}


def template(*items: dict[str, Any]) -> Any:
    return parse_template(
        {
            "resourceType": "Questionnaire",
            "name": "test_form",
            "version": "1",
            "status": "active",
            "title": "测试",
            "titleEn": "Test",
            "item": list(items),
        }
    )


def shown_when(*conditions: dict[str, Any], behavior: str = "all") -> Any:
    return template(
        item("n", "integer"),
        item("flag", "boolean"),
        item("pick", "choice", answerOption=YES_NO),
        item("day", "date"),
        item("follow", "string", enableWhen=list(conditions), enableBehavior=behavior),
    )


@pytest.mark.parametrize(
    ("operator", "value", "enabled"),
    [
        ("=", 5, True),
        ("=", 6, False),
        ("!=", 6, True),
        ("!=", 5, False),
        (">", 4, True),
        (">", 5, False),
        ("<", 6, True),
        ("<", 5, False),
        (">=", 5, True),
        (">=", 6, False),
        ("<=", 5, True),
        ("<=", 4, False),
    ],
)
def test_integer_operator(operator: str, value: int, enabled: bool) -> None:
    form = FormState(shown_when({"question": "n", "operator": operator, "answerInteger": value}))
    form.set_answer("n", 5)
    assert form.is_enabled("follow") is enabled


@pytest.mark.parametrize(("answered", "expected"), [(True, True), (False, False)])
def test_exists_true_follows_whether_the_question_is_answered(
    answered: bool, expected: bool
) -> None:
    form = FormState(shown_when({"question": "n", "operator": "exists", "answerBoolean": True}))
    if answered:
        form.set_answer("n", 0)
    assert form.is_enabled("follow") is expected


def test_exists_false_enables_while_unanswered() -> None:
    form = FormState(shown_when({"question": "n", "operator": "exists", "answerBoolean": False}))
    assert form.is_enabled("follow")
    form.set_answer("n", 1)
    assert not form.is_enabled("follow")


def test_not_equal_is_false_while_the_question_is_unanswered() -> None:
    form = FormState(shown_when({"question": "n", "operator": "!=", "answerInteger": 3}))
    assert not form.is_enabled("follow")


def test_choice_is_compared_by_code() -> None:
    form = FormState(
        shown_when({"question": "pick", "operator": "=", "answerCoding": {"code": "yes"}})
    )
    form.set_answer("pick", "yes")
    assert form.is_enabled("follow")
    form.set_answer("pick", "no")
    assert not form.is_enabled("follow")


def test_choice_is_compared_by_score_with_answer_integer() -> None:
    form = FormState(shown_when({"question": "pick", "operator": ">", "answerInteger": 0}))
    form.set_answer("pick", "yes")
    assert form.is_enabled("follow")


def test_boolean_condition() -> None:
    form = FormState(shown_when({"question": "flag", "operator": "=", "answerBoolean": True}))
    form.set_answer("flag", False)
    assert not form.is_enabled("follow")
    form.set_answer("flag", True)
    assert form.is_enabled("follow")


def test_dates_are_compared_as_dates() -> None:
    form = FormState(shown_when({"question": "day", "operator": ">=", "answerDate": "2026-11-01"}))
    form.set_answer("day", "2026-11-23")
    assert form.is_enabled("follow")
    form.set_answer("day", "2026-10-31")
    assert not form.is_enabled("follow")


CONDITIONS = (
    {"question": "n", "operator": ">", "answerInteger": 3},
    {"question": "flag", "operator": "=", "answerBoolean": True},
)


@pytest.mark.parametrize(
    ("behavior", "n", "flag", "enabled"),
    [
        ("all", 5, True, True),
        ("all", 5, False, False),
        ("any", 5, False, True),
        ("any", 1, False, False),
    ],
)
def test_enable_behavior(behavior: str, n: int, flag: bool, enabled: bool) -> None:
    form = FormState(shown_when(*CONDITIONS, behavior=behavior))
    form.set_answer("n", n)
    form.set_answer("flag", flag)
    assert form.is_enabled("follow") is enabled


def gated_group() -> Any:
    return template(
        item("smokes", "boolean", required=True),
        item(
            "smoking",
            "group",
            enableWhen=[{"question": "smokes", "operator": "=", "answerBoolean": True}],
            item=[
                item("per_day", "integer", required=True, minValue=0, maxValue=100),
                item(
                    "wants_help",
                    "string",
                    enableWhen=[{"question": "per_day", "operator": ">", "answerInteger": 10}],
                ),
            ],
        ),
        item("total", "integer", calculatedExpression="coalesce(per_day, 0) + 1"),
    )


def test_a_disabled_group_disables_its_items() -> None:
    form = FormState(gated_group(), {"smokes": False, "per_day": 20})
    assert not form.is_enabled("per_day")
    assert not form.is_enabled("wants_help")  # its question is disabled, so it has no answer


def test_a_required_item_in_a_disabled_group_is_not_missing() -> None:
    assert check_answers(gated_group(), {"smokes": False}).missing == ()


def test_answers_to_disabled_items_are_not_stored_or_scored() -> None:
    form_template = gated_group()
    answers = {"smokes": False, "per_day": 20, "wants_help": "yes"}
    assert check_answers(form_template, answers).stored == {"smokes": False}
    assert score(form_template, answers).values["total"] == 1


def test_a_draft_keeps_answers_of_disabled_items_for_when_they_come_back() -> None:
    form = FormState(gated_group(), {"smokes": True, "per_day": 20})
    form.set_answer("smokes", False)
    assert form.record_answers() == {"smokes": False}
    assert form.draft_answers() == {"smokes": False, "per_day": 20}
    form.set_answer("smokes", True)
    assert form.record_answers() == {"smokes": True, "per_day": 20}
