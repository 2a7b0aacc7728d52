"""Template files that once crashed `forms validate` or scoring are refused with a reason."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

from agent_desk.forms import TemplateErrorCode as Code
from agent_desk.forms import check_answers, parse_template, validate_file
from agent_desk.forms.parse import check_data
from tests.test_forms_template_errors import GOOD, broken


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "form.json"
    path.write_bytes(data)
    return path


def _only_error(path: Path) -> tuple[Code, str]:
    [error] = validate_file(path)
    return error.code, error.message


def test_a_gbk_file_is_refused_with_its_line(tmp_path: Path) -> None:
    text = json.dumps(GOOD, ensure_ascii=False, indent=1)
    code, message = _only_error(_file(tmp_path, text.encode("gbk")))
    assert code is Code.INVALID_JSON
    assert "not UTF-8" in message and "line 6" in message  # "title": "测试"


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    noise = random.Random(11).randbytes(4096)
    code, _ = _only_error(_file(tmp_path, noise))
    assert code is Code.INVALID_JSON


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    code, message = _only_error(_file(tmp_path, b"[" * 3000 + b"]" * 3000))
    assert (code, message) == (Code.INVALID_JSON, "nested more than 32 levels deep")


def test_a_5000_digit_number_is_refused(tmp_path: Path) -> None:
    data = broken(q2={"maxValue": 12345})
    text = json.dumps(data, ensure_ascii=False).replace("12345", "9" * 5000)
    code, message = _only_error(_file(tmp_path, text.encode()))
    assert code is Code.INVALID_JSON and "5000 digits" in message


def _expression_errors(expression: str) -> list[str]:
    data = broken(total={"calculatedExpression": expression})
    return [e.message for e in check_data(data)[1] if e.code is Code.EXPRESSION_SYNTAX]


def test_3000_nested_parentheses_are_refused() -> None:
    [message] = _expression_errors("(" * 3000 + "q2" + ")" * 3000)
    assert "nested more than 32 levels deep" in message


def test_a_long_chain_of_additions_is_refused() -> None:
    [message] = _expression_errors(" + ".join(["q2"] * 3000))
    assert "use sum()" in message


def test_round_to_ten_million_digits_is_refused() -> None:
    [message] = _expression_errors("round(q2, 10000000)")
    assert "round() takes a whole number of digits from -6 to 6" in message


def test_round_to_minus_400_digits_is_refused() -> None:
    assert _expression_errors("round(q2, -400)")


def test_a_5000_digit_number_in_an_expression_is_refused() -> None:
    [message] = _expression_errors("q2 + " + "9" * 5000)
    assert "more than 15 digits" in message


def _chain(length: int) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    data["item"] = [
        {
            "linkId": f"c{n}",
            "type": "boolean",
            "text": "问",
            "textEn": "Q",
            **(
                {"enableWhen": [{"question": f"c{n - 1}", "operator": "=", "answerBoolean": True}]}
                if n
                else {}
            ),
        }
        for n in range(length)
    ]
    return data


def test_1200_items_chained_by_enable_when_validate_and_score() -> None:
    template = parse_template(_chain(1200))
    answers = {f"c{n}": True for n in range(1199)}
    assert check_answers(template, answers).evaluation.enabled("c1199")


def test_a_1200_item_cycle_is_reported() -> None:
    data = _chain(1200)
    data["item"][0]["enableWhen"] = [{"question": "c1199", "operator": "=", "answerBoolean": True}]
    assert {e.code for e in check_data(data)[1]} == {Code.DEPENDENCY_CYCLE}
