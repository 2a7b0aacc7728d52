"""Template versions: the newest for new forms, the pinned one for a stored record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent_desk.forms import TemplateInvalid, TemplateLibrary, UnknownTemplate, load_template, score


def item(link_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"linkId": link_id, "type": kind, "text": f"问题 {link_id}", "textEn": link_id, **extra}


def questionnaire(
    version: str, mood_weights: tuple[int, int], extra: bool = False
) -> dict[str, Any]:
    """Version 2 of this form re-weights the options and adds a question to the total."""
    good, bad = mood_weights
    options = [
        {"valueCoding": {"code": "good", "display": "好", "displayEn": "Good"}, "itemWeight": good},
        {"valueCoding": {"code": "bad", "display": "差", "displayEn": "Bad"}, "itemWeight": bad},
    ]
    total = "mood + sleep" if extra else "mood"
    items = [
        item("mood", "choice", answerOption=options),
        item("sleep", "integer", maxValue=3),
        item("total", "integer", calculatedExpression=total),
    ]
    return {
        "resourceType": "Questionnaire",
        "name": "mood_check",
        "version": version,
        "status": "active",
        "title": "心情",
        "titleEn": "Mood check",
        "item": items,
    }


@pytest.fixture
def library(tmp_path: Path) -> TemplateLibrary:
    folder = tmp_path / "mood_check"
    folder.mkdir()
    for version, data in (
        ("1", questionnaire("1", (0, 1))),
        ("2", questionnaire("2", (0, 2), extra=True)),
    ):
        (folder / f"{version}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return TemplateLibrary([tmp_path])


ANSWERS = {"mood": "bad", "sleep": 3}


def test_new_forms_get_the_newest_version(library: TemplateLibrary) -> None:
    assert library.load("mood_check").version == "2"
    assert library.versions("mood_check") == ["1", "2"]


def test_a_record_is_rescored_with_the_version_it_was_filled_with(
    library: TemplateLibrary,
) -> None:
    assert score(library.load("mood_check", "1"), ANSWERS).values["total"] == 1
    assert score(library.load("mood_check", "2"), ANSWERS).values["total"] == 5


def test_version_10_is_newer_than_9(tmp_path: Path) -> None:
    folder = tmp_path / "mood_check"
    folder.mkdir()
    for version in ("9", "10"):
        data = questionnaire(version, (0, 1))
        (folder / f"{version}.json").write_text(json.dumps(data), "utf-8")
    assert TemplateLibrary([tmp_path]).load("mood_check").version == "10"


def test_an_unknown_version_is_refused_listing_the_known_ones(library: TemplateLibrary) -> None:
    with pytest.raises(UnknownTemplate, match=r"no version '3' \(have: 1, 2\)"):
        library.load("mood_check", "3")


def test_a_file_whose_version_differs_from_its_name_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mood_check"
    folder.mkdir()
    (folder / "2.json").write_text(json.dumps(questionnaire("1", (0, 1))), "utf-8")
    with pytest.raises(TemplateInvalid, match=r"stored as mood_check/2\.json"):
        TemplateLibrary([tmp_path]).load("mood_check")


def test_a_version_defined_in_two_roots_is_refused(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    other = tmp_path / "other"
    (other / "mood_check").mkdir(parents=True)
    (other / "mood_check" / "1.json").write_text(json.dumps(questionnaire("1", (0, 1))), "utf-8")
    with pytest.raises(TemplateInvalid, match="exists twice"):
        TemplateLibrary([*library.roots, other]).load("mood_check", "1")


def test_short_names_find_the_built_in_templates() -> None:
    assert load_template("general").code == "general_discharge"
    assert load_template("phq9", "1").version == "1"


def test_an_unknown_template_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownTemplate, match="phq9"):
        load_template("phq10")
