"""Every built-in template loads, speaks Chinese and English, and is reachable by its short name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.forms import SHORT_NAMES, FormTemplate, TemplateLibrary, Text, validate_file
from agent_desk.forms.registry import builtin_root

FILES = sorted(Path(str(builtin_root())).glob("*/*.json"))
LIBRARY = TemplateLibrary()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def texts(template: FormTemplate) -> Iterator[tuple[str, Text]]:
    yield "title", template.title
    for guidance in template.guidance:
        yield "guidance", guidance.text
    for alert in template.alerts:
        yield alert.code, alert.text
    for item in template.all_items():
        yield item.link_id, item.text
        for option in item.options:
            yield f"{item.link_id}/{option.code}", option.display
        for band in item.bands:
            yield f"{item.link_id}/{band.code}", band.label
        for guidance in item.guidance:
            yield f"{item.link_id}/guidance", guidance.text


def test_there_are_ten_built_in_templates() -> None:
    assert len(FILES) == 10


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.parent.name)
def test_built_in_template_validates(path: Path) -> None:
    assert validate_file(path) == []


@pytest.mark.parametrize("code", LIBRARY.codes())
def test_every_text_is_in_chinese_and_english(code: str) -> None:
    untranslated = [
        where
        for where, text in texts(LIBRARY.load(code))
        if not has_chinese(text.zh) or not text.en.strip() or has_chinese(text.en)
    ]
    assert untranslated == []


@pytest.mark.parametrize(("short", "code"), SHORT_NAMES.items())
def test_short_name_loads(short: str, code: str) -> None:
    assert LIBRARY.load(short).code == code


def test_the_catalogue_offers_every_active_template() -> None:
    assert {template.code for template in LIBRARY.catalogue()} == set(SHORT_NAMES.values())
