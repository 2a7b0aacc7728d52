"""The words of SMS: signature, templates, unsubscribe words, satisfaction answers, parts."""

from __future__ import annotations

import pytest

from agent_desk.sms import text
from agent_desk.sms.pdu import part_count


@pytest.mark.parametrize("reply", ["TD", "td", " 退订 ", "N", "n。", "T D"])
def test_each_unsubscribe_word_unsubscribes(reply: str) -> None:
    assert text.is_opt_out(reply)


@pytest.mark.parametrize("reply", ["不要退订我", "NO", "好的", "TDD"])
def test_other_replies_do_not_unsubscribe(reply: str) -> None:
    assert not text.is_opt_out(reply)


def test_satisfaction_answers_are_scored_like_the_forms() -> None:
    assert [text.satisfaction_score(r) for r in ("1", "2", "3", "满意", "不满意", "4")] == [
        5,
        3,
        1,
        5,
        1,
        None,
    ]


def test_the_signature_comes_first_once() -> None:
    assert text.signed("明天复诊", "某某医院") == "【某某医院】明天复诊"
    assert text.signed("【某某医院】明天复诊", "某某医院") == "【某某医院】明天复诊"


def test_a_template_with_an_unknown_placeholder_is_refused_by_name() -> None:
    with pytest.raises(text.TemplateError, match="电话"):
        text.fill("{姓名}您好，{电话}", {"姓名": "王秀英"})
    assert text.fill("{姓名}您好，{复诊时间}复诊", {"姓名": "王秀英"}) == "王秀英您好，复诊"


def test_seventy_chinese_characters_are_one_part_seventy_one_are_two() -> None:
    assert part_count("好" * 70) == 1
    assert part_count("好" * 71) == 2
    assert part_count("a" * 160) == 1
