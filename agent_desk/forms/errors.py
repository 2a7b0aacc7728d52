"""What can go wrong with a template or an answer file, as values the CLI and the UI can show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from agent_desk.errors import UserError


class TemplateErrorCode(StrEnum):
    INVALID_JSON = "invalid_json"
    NOT_A_QUESTIONNAIRE = "not_a_questionnaire"
    MISSING_FIELD = "missing_field"
    BAD_FIELD = "bad_field"
    UNKNOWN_FIELD = "unknown_field"
    BAD_VERSION = "bad_version"
    BAD_LINK_ID = "bad_link_id"
    DUPLICATE_LINK_ID = "duplicate_link_id"
    BAD_ITEM_TYPE = "bad_item_type"
    GROUP_WITHOUT_ITEMS = "group_without_items"
    CHILDREN_NOT_ALLOWED = "children_not_allowed"
    CHOICE_WITHOUT_OPTIONS = "choice_without_options"
    BAD_OPTION = "bad_option"
    OPTIONS_NOT_ALLOWED = "options_not_allowed"
    MIN_GREATER_THAN_MAX = "min_greater_than_max"
    RANGE_NOT_ALLOWED = "range_not_allowed"
    REQUIRED_NOT_ALLOWED = "required_not_allowed"
    BAD_OPERATOR = "bad_operator"
    UNKNOWN_QUESTION = "unknown_question"
    NOT_ANSWERABLE = "not_answerable"
    BAD_CONDITION_ANSWER = "bad_condition_answer"
    DEPENDENCY_CYCLE = "dependency_cycle"
    EXPRESSION_SYNTAX = "expression_syntax"
    EXPRESSION_UNKNOWN_ITEM = "expression_unknown_item"
    EXPRESSION_TYPE = "expression_type"
    CALCULATED_TYPE = "calculated_type"
    BAD_BANDS = "bad_bands"
    BAD_ALERT = "bad_alert"
    BAD_RECOVERY_SCORE = "bad_recovery_score"
    BAD_MARKER = "bad_marker"
    BAD_GUIDANCE = "bad_guidance"
    LIBRARY_MISMATCH = "library_mismatch"


@dataclass(frozen=True, slots=True)
class TemplateError:
    """One reason a template is refused. link_id is None for the template as a whole."""

    link_id: str | None
    code: TemplateErrorCode
    message: str

    def __str__(self) -> str:
        return f"{self.link_id or '(template)'}: {self.message}"


class FormsError(UserError, ValueError):
    """A problem the user can fix (a bad template, name or answer file); shown as text."""


class TemplateInvalid(FormsError):
    def __init__(self, source: str, errors: Sequence[TemplateError]) -> None:
        self.source = source
        self.errors = tuple(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(
            f"template {source} does not validate ({len(self.errors)} errors):\n{lines}"
        )


class UnknownTemplate(FormsError):
    pass
