"""What `agent-desk forms validate|show|score` do, as pure functions returning plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_desk import json_input
from agent_desk.forms.answer_set import InvalidAnswers
from agent_desk.forms.errors import FormsError, TemplateError, TemplateErrorCode
from agent_desk.forms.model import (
    Condition,
    ConditionAnswerKind,
    FormTemplate,
    Guidance,
    Item,
    Text,
)
from agent_desk.forms.parse import VERSION, check_bytes
from agent_desk.forms.registry import TemplateLibrary, default_library
from agent_desk.forms.scoring import score
from agent_desk.json_input import JsonInputError


def validate_file(path: Path) -> list[TemplateError]:
    """Every reason the template file is refused; an empty list means it loads.

    A file already placed as <code>/<version>.json must also say that code and version.
    """
    template, errors = check_bytes(path.read_bytes())
    placed = VERSION.match(path.stem) is not None
    if (
        placed
        and template is not None
        and (template.code, template.version)
        != (
            path.parent.name,
            path.stem,
        )
    ):
        message = (
            f"the file says name {template.code!r} version {template.version!r} but is "
            f"stored as {path.parent.name}/{path.name}"
        )
        errors.append(TemplateError(None, TemplateErrorCode.LIBRARY_MISMATCH, message))
    return errors


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


def _condition(condition: Condition) -> dict[str, Any]:
    return {
        "question": condition.question,
        "operator": condition.operator.value,
        condition.answer_kind.value: (
            {"code": condition.answer}
            if condition.answer_kind is ConditionAnswerKind.CODING
            else condition.answer
        ),
    }


def _guidance(guidance: tuple[Guidance, ...]) -> list[dict[str, Any]]:
    return [
        {"kind": entry.kind.value, "title": _text(entry.title), "text": _text(entry.text)}
        for entry in guidance
    ]


def _item(item: Item, parent: str | None) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "linkId": item.link_id,
        "parent": parent,
        "type": item.type.value,
        "text": item.text.zh,
        "textEn": item.text.en,
        "required": item.required,
    }
    if item.options:
        shown["options"] = [
            {
                "code": option.code,
                "display": option.display.zh,
                "displayEn": option.display.en,
                "score": option.weight,
            }
            for option in item.options
        ]
    if item.enable_when:
        shown["enableWhen"] = [_condition(condition) for condition in item.enable_when]
        shown["enableBehavior"] = item.enable_behavior.value
    if item.min_value is not None or item.max_value is not None:
        shown["minValue"], shown["maxValue"] = item.min_value, item.max_value
    if item.unit:
        shown["unit"] = item.unit
    if item.calculated is not None:
        shown["calculatedExpression"] = item.calculated.source
    if item.bands:
        shown["bands"] = [
            {"code": b.code, "min": b.low, "max": b.high, "text": b.label.zh, "textEn": b.label.en}
            for b in item.bands
        ]
    if item.guidance:
        shown["guidance"] = _guidance(item.guidance)
    return shown


def describe(template: FormTemplate) -> dict[str, Any]:
    return {
        "code": template.code,
        "version": template.version,
        "status": template.status.value,
        "title": _text(template.title),
        "scoringReference": template.scoring_reference,
        "recoveryScore": template.recovery_score,
        "guidance": _guidance(template.guidance),
        "items": [_item(item, template.parents[item.link_id]) for item in template.all_items()],
        "alerts": [
            {
                "code": rule.code,
                "severity": rule.severity.value,
                "notify": rule.notify.value,
                "text": _text(rule.text),
                "when": [_condition(condition) for condition in rule.when],
                "behavior": rule.behavior.value,
            }
            for rule in template.alerts
        ],
    }


def show(
    name: str, version: str | None = None, library: TemplateLibrary | None = None
) -> dict[str, Any]:
    """A template's items as JSON: linkId, type, text, options (code, display, score), ..."""
    return describe((library or default_library()).load(name, version))


def read_answers(path: Path) -> dict[str, object]:
    try:
        raw = json_input.read(path)
    except JsonInputError as exc:
        raise FormsError(f"{path}: {exc}") from None
    if not isinstance(raw, dict):
        raise FormsError(
            f"{path}: expected one JSON object mapping each linkId to its answer, "
            f'e.g. {{"phq9_1": 2}}, not {type(raw).__name__}'
        )
    return raw


def score_file(
    name: str,
    answers_path: Path,
    version: str | None = None,
    library: TemplateLibrary | None = None,
) -> dict[str, Any]:
    """Scores, bands and alerts for an answers file; answers by option code or by score."""
    template = (library or default_library()).load(name, version)
    answers = read_answers(answers_path)
    try:
        return score(template, answers).to_dict()
    except InvalidAnswers as exc:
        lines = "\n".join(f"  {problem}" for problem in exc.problems)
        raise FormsError(f"{answers_path}: answers refused for {template.code}:\n{lines}") from exc


def render_text(shown: dict[str, Any], language: str = "zh") -> str:
    """`forms show` without --json: one line per item, indented under its group."""
    english = language.lower().startswith("en")
    title = shown["title"]["en" if english else "zh"]
    lines = [f"{shown['code']} {shown['version']}  {title}"]
    depth: dict[str | None, int] = {None: 0}
    for item in shown["items"]:
        level = depth[item["parent"]] + 1
        depth[item["linkId"]] = level
        text = item["textEn" if english else "text"]
        flags = " *" if item["required"] else ""
        if "calculatedExpression" in item:
            flags += f" = {item['calculatedExpression']}"
        lines.append(f"{'  ' * level}{item['linkId']} [{item['type']}]{flags}  {text}")
        for option in item.get("options", []):
            score = "" if option["score"] is None else f" ({option['score']})"
            display = option["displayEn" if english else "display"]
            lines.append(f"{'  ' * (level + 1)}- {option['code']}{score}  {display}")
    return "\n".join(lines)
