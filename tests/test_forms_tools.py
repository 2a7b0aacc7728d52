"""What `agent-desk forms show|score|validate` return, and how a bad answers file is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_desk.forms import FormsError, UnknownTemplate, score_file, show, validate_file
from agent_desk.forms.registry import builtin_root
from agent_desk.forms.tools import render_text


def answers_file(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "answers.json"
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_show_lists_items_with_options_and_scores() -> None:
    shown = show("phq9")
    item = next(entry for entry in shown["items"] if entry["linkId"] == "phq9_9")
    assert (shown["code"], shown["version"], item["type"], item["required"]) == (
        "phq9",
        "1",
        "choice",
        True,
    )
    assert item["parent"] == "phq9_items"
    assert item["options"][3] == {
        "code": "nearly_every_day",
        "display": "几乎每天",
        "displayEn": "Nearly every day",
        "score": 3,
    }


def test_show_includes_enable_when() -> None:
    item = next(i for i in show("phq9")["items"] if i["linkId"] == "phq9_difficulty")
    assert item["enableWhen"] == [{"question": "phq9_total", "operator": ">", "answerInteger": 0}]


def test_show_output_is_json() -> None:
    json.dumps(show("general"), ensure_ascii=False)


def test_show_an_unknown_template() -> None:
    with pytest.raises(UnknownTemplate, match=r"known: .*barthel"):
        show("bartel")


def test_score_file_mixes_codes_and_scores(tmp_path: Path) -> None:
    answers = {f"phq9_{n}": "several_days" for n in range(1, 9)} | {"phq9_9": 2}
    result = score_file("phq9", answers_file(tmp_path, answers))
    assert result["values"] == {"phq9_total": 10}
    assert result["bands"]["phq9_total"]["band"] == "moderate"
    assert [alert["code"] for alert in result["alerts"]] == ["phq9_item9"]


def test_score_file_refuses_bad_json_with_the_line(tmp_path: Path) -> None:
    with pytest.raises(FormsError, match=r"not valid JSON.*line 2"):
        score_file("nrs", answers_file(tmp_path, '{"nrs_pain": 3,\n}'))


def test_score_file_refuses_a_list(tmp_path: Path) -> None:
    with pytest.raises(FormsError, match="expected one JSON object mapping each linkId"):
        score_file("nrs", answers_file(tmp_path, [3]))


def test_score_file_names_each_refused_answer(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"(?s)nrs_pain: 12 is above.*nrs_where: the form has no"):
        score_file("nrs", answers_file(tmp_path, {"nrs_pain": 12, "nrs_where": "膝"}))


def test_validate_file_on_a_built_in_template() -> None:
    assert validate_file(Path(str(builtin_root() / "gad7" / "1.json"))) == []


def test_validate_file_checks_a_placed_file_against_its_folder(tmp_path: Path) -> None:
    placed = tmp_path / "gad7" / "2.json"
    placed.parent.mkdir()
    placed.write_bytes(Path(str(builtin_root() / "gad7" / "1.json")).read_bytes())
    [error] = validate_file(placed)
    assert "stored as gad7/2.json" in error.message


def test_render_text_lists_items_under_their_group() -> None:
    lines = render_text(show("gad7"), "en").splitlines()
    assert lines[0] == "gad7 1  Generalized Anxiety Disorder 7-item scale (GAD-7)"
    assert "    gad7_1 [choice] *  Feeling nervous, anxious, or on edge" in lines
    assert "      - several_days (1)  Several days" in lines
