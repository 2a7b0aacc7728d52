"""The form engine: versioned questionnaire templates, answer validation, scoring and drafts.

Qt-free and SQL-free. The UI renders a FormTemplate and edits a FormState; the submit service
stores FormState.record_answers() and ScoreResult.to_dict() with the template code and version.
"""

from agent_desk.forms.answer_set import InvalidAnswers, check_answers, validate_answers
from agent_desk.forms.answers import AnswerProblem, ProblemCode
from agent_desk.forms.drafts import Draft, DraftError, DraftStore
from agent_desk.forms.errors import (
    FormsError,
    TemplateError,
    TemplateErrorCode,
    TemplateInvalid,
    UnknownTemplate,
)
from agent_desk.forms.feedback import DimensionScore, FeedbackItem, FormFeedback, extract_feedback
from agent_desk.forms.model import (
    AlertSeverity,
    FeedbackKind,
    FormTemplate,
    GuidanceKind,
    Item,
    ItemType,
    SatisfactionDimension,
    Text,
)
from agent_desk.forms.parse import parse_template, parse_template_text
from agent_desk.forms.registry import SHORT_NAMES, TemplateLibrary, default_library, load_template
from agent_desk.forms.scoring import Alert, BandResult, ScoreResult, net_promoter_score, score
from agent_desk.forms.state import FormState
from agent_desk.forms.tools import score_file, show, validate_file

__all__ = [
    "SHORT_NAMES",
    "Alert",
    "AlertSeverity",
    "AnswerProblem",
    "BandResult",
    "DimensionScore",
    "Draft",
    "DraftError",
    "DraftStore",
    "FeedbackItem",
    "FeedbackKind",
    "FormFeedback",
    "FormState",
    "FormTemplate",
    "FormsError",
    "GuidanceKind",
    "InvalidAnswers",
    "Item",
    "ItemType",
    "ProblemCode",
    "SatisfactionDimension",
    "ScoreResult",
    "TemplateError",
    "TemplateErrorCode",
    "TemplateInvalid",
    "TemplateLibrary",
    "Text",
    "UnknownTemplate",
    "check_answers",
    "default_library",
    "extract_feedback",
    "load_template",
    "net_promoter_score",
    "parse_template",
    "parse_template_text",
    "score",
    "score_file",
    "show",
    "validate_answers",
    "validate_file",
]
