"""JSON -> FormTemplate. Every problem is collected with its linkId, never only the first one.

The parser checks shapes and field types and builds what it can; validate.py then checks what
the fields mean together (references, types, cycles). A template with any error is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from agent_desk import json_input
from agent_desk.domain.enums import Role
from agent_desk.forms.errors import TemplateError, TemplateErrorCode, TemplateInvalid
from agent_desk.forms.expression import ExpressionError, parse_expression
from agent_desk.forms.model import (
    AlertRule,
    AlertSeverity,
    AnswerOption,
    Band,
    Calculation,
    Condition,
    ConditionAnswerKind,
    EnableBehavior,
    EnableOperator,
    FeedbackKind,
    FormTemplate,
    Guidance,
    GuidanceKind,
    Item,
    ItemType,
    Number,
    SatisfactionDimension,
    TemplateStatus,
    Text,
    walk,
)
from agent_desk.forms.validate import check_template
from agent_desk.json_input import JsonInputError

E = TypeVar("E", bound=StrEnum)
Code = TemplateErrorCode

LINK_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")  # also a NAME in expressions
TEMPLATE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION = re.compile(r"^\d+(\.\d+)*$")

# FHIR Questionnaire fields we accept and ignore, so that a template exported from a FHIR tool
# still loads; anything else unknown is refused, because a misspelt "requried" would silently
# make an item optional.
_FHIR_TOLERATED = frozenset(
    {"id", "meta", "extension", "modifierExtension", "language", "identifier", "definition"}
)
_ROOT_KEYS = frozenset(
    {
        "resourceType", "name", "version", "url", "status", "title", "titleEn", "description",
        "descriptionEn", "scoringReference", "copyright", "guidance", "item", "alerts",
        "recoveryScore", "publisher", "date", "purpose", "subjectType", "experimental",
    }
)  # fmt: skip
_ITEM_KEYS = frozenset(
    {
        "linkId", "prefix", "text", "textEn", "type", "required", "answerOption", "enableWhen",
        "enableBehavior", "minValue", "maxValue", "maxLength", "unit", "calculatedExpression",
        "bands", "guidance", "feedbackKind", "satisfactionDimension", "item", "readOnly",
        "repeats", "code",
    }
)  # fmt: skip
_CONDITION_KEYS = frozenset({"question", "operator", *(kind.value for kind in ConditionAnswerKind)})


class _Parser:
    def __init__(self) -> None:
        self.errors: list[TemplateError] = []
        self.seen: set[str] = set()
        self.broken: set[str] = set()  # linkIds that exist but could not be built

    def error(self, link_id: str | None, code: Code, message: str) -> None:
        self.errors.append(TemplateError(link_id, code, message))

    # --- field helpers --------------------------------------------------------------------

    def keys(self, raw: Mapping[str, Any], allowed: frozenset[str], link_id: str | None) -> None:
        for key in raw:
            if key not in allowed and key not in _FHIR_TOLERATED and not key.startswith("_"):
                self.error(link_id, Code.UNKNOWN_FIELD, f"unknown field {key!r}")

    def string(
        self, raw: Mapping[str, Any], key: str, link_id: str | None, *, required: bool = False
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.error(link_id, Code.MISSING_FIELD, f"missing {key}")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(link_id, Code.BAD_FIELD, f"{key} must be non-empty text, not {value!r}")
            return None
        return value

    def bilingual(
        self, raw: Mapping[str, Any], key: str, link_id: str | None, *, required: bool
    ) -> Text | None:
        """Chinese in `key`, English in `keyEn`: either both or (when optional) neither."""
        zh_present, en_present = key in raw, f"{key}En" in raw
        if not required and not zh_present and not en_present:
            return None
        zh = self.string(raw, key, link_id, required=True)
        en = self.string(raw, f"{key}En", link_id, required=True)
        return Text(zh, en) if zh is not None and en is not None else None

    def number(self, raw: Mapping[str, Any], key: str, link_id: str | None) -> Number | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(link_id, Code.BAD_FIELD, f"{key} must be a number, not {value!r}")
            return None
        return value

    def flag(self, raw: Mapping[str, Any], key: str, link_id: str | None) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.error(link_id, Code.BAD_FIELD, f"{key} must be true or false, not {value!r}")
            return False
        return value

    def choice(
        self,
        raw: Mapping[str, Any],
        key: str,
        enum: type[E],
        link_id: str | None,
        *,
        code: Code = Code.BAD_FIELD,
        default: E | None = None,
    ) -> E | None:
        value = raw.get(key)
        if value is None:
            if default is None:
                self.error(link_id, Code.MISSING_FIELD, f"missing {key}")
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.error(link_id, code, f"{key} {value!r} is not one of: {allowed}")
            return default

    def objects(
        self, raw: Mapping[str, Any], key: str, link_id: str | None
    ) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            self.error(link_id, Code.BAD_FIELD, f"{key} must be a list of objects")
            return []
        return value

    # --- parts ----------------------------------------------------------------------------

    def guidance(self, raw: Mapping[str, Any], link_id: str | None) -> tuple[Guidance, ...]:
        found: list[Guidance] = []
        for entry in self.objects(raw, "guidance", link_id):
            self.keys(entry, frozenset({"kind", "title", "titleEn", "text", "textEn"}), link_id)
            kind = self.choice(entry, "kind", GuidanceKind, link_id, code=Code.BAD_GUIDANCE)
            text = self.bilingual(entry, "text", link_id, required=True)
            title = self.bilingual(entry, "title", link_id, required=False)
            if kind is not None and text is not None:
                found.append(Guidance(kind, text, title))
        return tuple(found)

    def condition(self, raw: Mapping[str, Any], link_id: str | None) -> Condition | None:
        self.keys(raw, _CONDITION_KEYS, link_id)
        question = self.string(raw, "question", link_id, required=True)
        operator = self.choice(raw, "operator", EnableOperator, link_id, code=Code.BAD_OPERATOR)
        kinds = [kind for kind in ConditionAnswerKind if kind.value in raw]
        if len(kinds) != 1:
            self.error(
                link_id,
                Code.BAD_CONDITION_ANSWER,
                f"condition on {question!r} needs exactly one answer[x] (answerCoding, "
                f"answerInteger, ...), found {len(kinds)}",
            )
            return None
        kind = kinds[0]
        answer = self.condition_answer(kind, raw[kind.value], question, link_id)
        if question is None or operator is None or answer is None:
            return None
        return Condition(question, operator, kind, answer)

    def condition_answer(
        self, kind: ConditionAnswerKind, value: Any, question: str | None, link_id: str | None
    ) -> bool | int | float | str | None:
        ok: bool
        match kind:
            case ConditionAnswerKind.BOOLEAN:
                ok = isinstance(value, bool)
            case ConditionAnswerKind.INTEGER:
                ok = isinstance(value, int) and not isinstance(value, bool)
            case ConditionAnswerKind.DECIMAL:
                ok = isinstance(value, int | float) and not isinstance(value, bool)
            case ConditionAnswerKind.STRING:
                ok = isinstance(value, str)
            case ConditionAnswerKind.DATE:
                ok = isinstance(value, str) and _is_iso_date(value)
            case ConditionAnswerKind.CODING:
                ok = isinstance(value, dict) and isinstance(value.get("code"), str)
                value = value.get("code") if ok else value
        if not ok:
            self.error(
                link_id,
                Code.BAD_CONDITION_ANSWER,
                f"condition on {question!r}: {kind.value} {value!r} is not a valid value",
            )
            return None
        result: bool | int | float | str = value
        return result

    def conditions(
        self, raw: Mapping[str, Any], key: str, link_id: str | None
    ) -> tuple[Condition, ...]:
        built = [self.condition(entry, link_id) for entry in self.objects(raw, key, link_id)]
        return tuple(condition for condition in built if condition is not None)

    def option(self, raw: Mapping[str, Any], link_id: str) -> AnswerOption | None:
        self.keys(raw, frozenset({"valueCoding", "itemWeight"}), link_id)
        coding = raw.get("valueCoding")
        if not isinstance(coding, dict):
            self.error(link_id, Code.BAD_OPTION, "an answerOption needs a valueCoding object")
            return None
        self.keys(coding, frozenset({"code", "display", "displayEn", "system"}), link_id)
        code = self.string(coding, "code", link_id, required=True)
        display = self.bilingual(coding, "display", link_id, required=True)
        weight = self.number(raw, "itemWeight", link_id)
        if code is None or display is None:
            return None
        return AnswerOption(code, display, weight)

    def bands(self, raw: Mapping[str, Any], link_id: str) -> tuple[Band, ...]:
        found: list[Band] = []
        for entry in self.objects(raw, "bands", link_id):
            self.keys(entry, frozenset({"code", "min", "max", "text", "textEn"}), link_id)
            code = self.string(entry, "code", link_id, required=True)
            label = self.bilingual(entry, "text", link_id, required=True)
            low, high = self.number(entry, "min", link_id), self.number(entry, "max", link_id)
            if code is not None and label is not None:
                found.append(Band(code, label, low, high))
        return tuple(found)

    def calculation(self, raw: Mapping[str, Any], link_id: str) -> Calculation | None:
        source = self.string(raw, "calculatedExpression", link_id)
        if source is None:
            return None
        try:
            return Calculation(source, parse_expression(source))
        except ExpressionError as exc:
            self.error(link_id, Code.EXPRESSION_SYNTAX, f"calculatedExpression {source!r}: {exc}")
            self.broken.add(link_id)
            return None

    def item(self, raw: Mapping[str, Any], where: str) -> Item | None:
        link_id = raw.get("linkId")
        if not isinstance(link_id, str) or not LINK_ID.match(link_id):
            self.error(
                link_id if isinstance(link_id, str) else None,
                Code.BAD_LINK_ID,
                f"{where}: linkId {link_id!r} must start with a letter or '_' and hold only "
                "letters, digits, '_' and '.'",
            )
            # Still report what is wrong below it; its children cannot be reached, so references
            # to them are not reported a second time.
            self.broken.update(child.link_id for child in walk(self.children(raw, where, None)))
            return None
        duplicate = link_id in self.seen
        if duplicate:
            self.error(link_id, Code.DUPLICATE_LINK_ID, f"linkId {link_id!r} is used twice")
        self.seen.add(link_id)
        self.keys(raw, _ITEM_KEYS, link_id)
        if raw.get("repeats") is True:
            self.error(link_id, Code.BAD_FIELD, "repeating items are not supported")
        item_type = self.choice(raw, "type", ItemType, link_id, code=Code.BAD_ITEM_TYPE)
        text = self.bilingual(raw, "text", link_id, required=True)
        children = self.children(raw, where, link_id)
        options = tuple(
            option
            for entry in self.objects(raw, "answerOption", link_id)
            if (option := self.option(entry, link_id)) is not None
        )
        feedback_kind = satisfaction_dimension = None
        if "feedbackKind" in raw:
            feedback_kind = self.choice(
                raw, "feedbackKind", FeedbackKind, link_id, code=Code.BAD_MARKER
            )
        if "satisfactionDimension" in raw:
            satisfaction_dimension = self.choice(
                raw, "satisfactionDimension", SatisfactionDimension, link_id, code=Code.BAD_MARKER
            )
        item = Item(
            link_id,
            item_type or ItemType.DISPLAY,
            text or Text("", ""),
            prefix=self.string(raw, "prefix", link_id),
            required=self.flag(raw, "required", link_id),
            options=options,
            enable_when=self.conditions(raw, "enableWhen", link_id),
            enable_behavior=self.choice(
                raw, "enableBehavior", EnableBehavior, link_id, default=EnableBehavior.ALL
            )
            or EnableBehavior.ALL,
            min_value=self.number(raw, "minValue", link_id),
            max_value=self.number(raw, "maxValue", link_id),
            max_length=self.max_length(raw, link_id),
            unit=self.string(raw, "unit", link_id),
            calculated=self.calculation(raw, link_id),
            bands=self.bands(raw, link_id),
            guidance=self.guidance(raw, link_id),
            feedback_kind=feedback_kind,
            satisfaction_dimension=satisfaction_dimension,
            items=children,
        )
        if item_type is None or text is None:
            # Kept out of the tree; its linkId is known, so references to it are not
            # reported a second time as unknown.
            self.broken.update(child.link_id for child in walk((item,)))
            return None
        if duplicate:
            # The first item keeps the linkId; this one is checked above but left out.
            self.broken.update(child.link_id for child in walk(children))
            return None
        return item

    def max_length(self, raw: Mapping[str, Any], link_id: str) -> int | None:
        value = self.number(raw, "maxLength", link_id)
        if value is not None and (not isinstance(value, int) or value < 1):
            self.error(
                link_id, Code.BAD_FIELD, f"maxLength must be a positive whole number, not {value!r}"
            )
            return None
        return None if value is None else int(value)

    def children(self, raw: Mapping[str, Any], where: str, link_id: str | None) -> tuple[Item, ...]:
        built: list[Item] = []
        for index, entry in enumerate(self.objects(raw, "item", link_id), start=1):
            child = self.item(entry, f"item {index} of {link_id or 'the template'}")
            if child is not None:
                built.append(child)
        return tuple(built)

    def alert(self, raw: Mapping[str, Any]) -> AlertRule | None:
        code = self.string(raw, "code", None, required=True)
        where = f"alert {code}" if code else None
        self.keys(
            raw,
            frozenset({"code", "severity", "notify", "text", "textEn", "when", "behavior"}),
            where,
        )
        severity = self.choice(raw, "severity", AlertSeverity, where, code=Code.BAD_ALERT)
        notify = self.choice(raw, "notify", Role, where, code=Code.BAD_ALERT)
        text = self.bilingual(raw, "text", where, required=True)
        when = self.conditions(raw, "when", where)
        behavior = self.choice(raw, "behavior", EnableBehavior, where, default=EnableBehavior.ALL)
        if not raw.get("when"):
            self.error(where, Code.BAD_ALERT, "an alert needs at least one condition in 'when'")
        if code is None or severity is None or notify is None or text is None or not when:
            return None
        return AlertRule(code, severity, notify, text, when, behavior or EnableBehavior.ALL)

    def template(self, raw: object) -> FormTemplate:
        if not isinstance(raw, dict):
            self.error(None, Code.NOT_A_QUESTIONNAIRE, "the file must hold one JSON object")
            raw = {}
        elif raw.get("resourceType") != "Questionnaire":
            self.error(None, Code.NOT_A_QUESTIONNAIRE, 'resourceType must be "Questionnaire"')
        self.keys(raw, _ROOT_KEYS, None)
        code = self.string(raw, "name", None, required=True)
        if code is not None and not TEMPLATE_CODE.match(code):
            self.error(
                None, Code.BAD_FIELD, f"name {code!r} must be lower-case letters, digits, '_'"
            )
        version = raw.get("version")
        if version is None:
            self.error(None, Code.MISSING_FIELD, "missing version: records must pin the version")
        elif not isinstance(version, str) or not VERSION.match(version):
            self.error(
                None, Code.BAD_VERSION, f'version {version!r} must be a string like "1" or "2.1"'
            )
        title = self.bilingual(raw, "title", None, required=True)
        items = self.children(raw, "template", None)
        if not items and not any(error.code is Code.BAD_LINK_ID for error in self.errors):
            self.error(None, Code.MISSING_FIELD, "the template has no items")
        return FormTemplate(
            code=code or "",
            version=version if isinstance(version, str) else "",
            title=title or Text("", ""),
            status=self.choice(raw, "status", TemplateStatus, None) or TemplateStatus.DRAFT,
            items=items,
            url=self.string(raw, "url", None),
            description=self.bilingual(raw, "description", None, required=False),
            scoring_reference=self.string(raw, "scoringReference", None),
            copyright=self.string(raw, "copyright", None),
            guidance=self.guidance(raw, None),
            alerts=tuple(
                alert
                for entry in self.objects(raw, "alerts", None)
                if (alert := self.alert(entry)) is not None
            ),
            recovery_score=self.string(raw, "recoveryScore", None),
        )


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def check_data(raw: object) -> tuple[FormTemplate, list[TemplateError]]:
    """Build what can be built and list every problem found; errors empty means usable."""
    parser = _Parser()
    template = parser.template(raw)
    errors = parser.errors + check_template(template, frozenset(parser.broken))
    return template, errors


def parse_template(raw: object, source: str = "<data>") -> FormTemplate:
    template, errors = check_data(raw)
    if errors:
        raise TemplateInvalid(source, errors)
    return template


def check_text(text: str) -> tuple[FormTemplate | None, list[TemplateError]]:
    try:
        raw = json_input.loads(text)
    except JsonInputError as exc:
        return None, [TemplateError(None, Code.INVALID_JSON, str(exc))]
    return check_data(raw)


def check_bytes(data: bytes) -> tuple[FormTemplate | None, list[TemplateError]]:
    """A template file as stored: UTF-8 (a BOM is fine), else refused with the line."""
    try:
        text = json_input.decode(data)
    except JsonInputError as exc:
        return None, [TemplateError(None, Code.INVALID_JSON, str(exc))]
    return check_text(text)


def parse_template_text(text: str, source: str) -> FormTemplate:
    template, errors = check_text(text)
    if errors or template is None:
        raise TemplateInvalid(source, errors)
    return template


def parse_template_bytes(data: bytes, source: str) -> FormTemplate:
    template, errors = check_bytes(data)
    if errors or template is None:
        raise TemplateInvalid(source, errors)
    return template
