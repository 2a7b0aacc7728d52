"""Praise, complaints and suggestions out of a filled form, ready to be routed to a department.

Items carry the markers (feedbackKind on text items, satisfactionDimension on the 1-5 choice
items), so any template can capture feedback and this code knows no linkIds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agent_desk.forms.answer_set import InvalidAnswers, check_answers
from agent_desk.forms.model import FeedbackKind, FormTemplate, Number, SatisfactionDimension

# What agents type when the patient has nothing to say; not worth a ticket.
_NOTHING = frozenset({"无", "没有", "暂无", "无意见", "无建议", "none", "no", "n/a", "-", "/"})


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    kind: FeedbackKind
    text: str
    link_id: str


@dataclass(frozen=True, slots=True)
class DimensionScore:
    dimension: SatisfactionDimension
    score: Number  # the option's itemWeight, e.g. 1 (very dissatisfied) to 5 (very satisfied)
    code: str
    link_id: str


@dataclass(frozen=True)
class FormFeedback:
    items: tuple[FeedbackItem, ...]
    satisfaction: tuple[DimensionScore, ...]

    def score_of(self, dimension: SatisfactionDimension) -> Number | None:
        return next((s.score for s in self.satisfaction if s.dimension is dimension), None)


def extract_feedback(template: FormTemplate, answers: Mapping[str, object]) -> FormFeedback:
    checked = check_answers(template, answers)
    if checked.refused:
        raise InvalidAnswers(checked.refused)
    items: list[FeedbackItem] = []
    satisfaction: list[DimensionScore] = []
    for item in template.all_items():
        value = checked.stored.get(item.link_id)
        if value is None:
            continue
        is_nothing = isinstance(value, str) and value.strip().lower() in _NOTHING
        if item.feedback_kind is not None and isinstance(value, str) and not is_nothing:
            items.append(FeedbackItem(item.feedback_kind, value, item.link_id))
        if item.satisfaction_dimension is not None and isinstance(value, str):
            weight = checked.evaluation.number(item.link_id)
            if weight is not None:  # "not applicable" options carry no score
                satisfaction.append(
                    DimensionScore(item.satisfaction_dimension, weight, value, item.link_id)
                )
    return FormFeedback(tuple(items), tuple(satisfaction))
