"""Standard scripts speak this patient's facts where the template leaves a blank (××)."""

from __future__ import annotations

from datetime import date

from agent_desk.forms.scripts import ScriptFacts, fill_script

OPENING = "我是××医院的回访员，请问您是××（患者本人/家属）吗？您于×月×日从我院××科出院。"
FACTS = ScriptFacts("王秀英", "心血管内科", date(2026, 11, 16), "示例市人民医院")


def test_every_blank_of_the_chinese_opening_is_filled() -> None:
    assert fill_script(OPENING, FACTS) == (
        "我是示例市人民医院的回访员，请问您是王秀英（患者本人/家属）吗？"
        "您于11月16日从我院心血管内科出院。"
    )


def test_the_english_opening_is_filled_too() -> None:
    text = "This is ×× Hospital. Am I speaking with ××? You left our ×× department on ××."
    assert fill_script(text, FACTS) == (
        "This is 示例市人民医院. Am I speaking with 王秀英? "
        "You left our 心血管内科 department on 2026-11-16."
    )


def test_an_unknown_fact_leaves_its_blank_to_be_said_by_hand() -> None:
    filled = fill_script(OPENING, ScriptFacts(patient_name="王秀英"))
    assert filled.startswith("我是××医院的回访员，请问您是王秀英（")
    assert "您于×月×日从我院××科出院" in filled


def test_a_name_is_never_read_as_a_pattern() -> None:
    assert fill_script("您是××", ScriptFacts(patient_name=r"\1王")) == r"您是\1王"
