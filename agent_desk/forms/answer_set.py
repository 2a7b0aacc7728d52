"""A whole set of answers against a template: what is stored, what is refused, what is missing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agent_desk.forms.answers import (
    AnswerProblem,
    ProblemCode,
    Refused,
    is_blank,
    normalise,
    required_missing,
    unknown_item,
)
from agent_desk.forms.enable_when import Evaluation
from agent_desk.forms.errors import FormsError
from agent_desk.forms.model import AnswerValue, FormTemplate


class InvalidAnswers(FormsError):
    def __init__(self, problems: Sequence[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} answers refused:\n{lines}")


@dataclass(frozen=True)
class CheckedAnswers:
    evaluation: Evaluation
    stored: Mapping[str, AnswerValue]  # valid answers to enabled items: what a record keeps
    refused: tuple[AnswerProblem, ...]  # answers that cannot be stored, on enabled items
    missing: tuple[AnswerProblem, ...]  # required enabled items without a valid answer

    @property
    def problems(self) -> list[AnswerProblem]:
        return [*self.refused, *self.missing]


def collect(
    template: FormTemplate, raw_answers: Mapping[str, object]
) -> tuple[dict[str, AnswerValue], list[AnswerProblem]]:
    """Normalise every answer; blank ones count as unanswered."""
    stored: dict[str, AnswerValue] = {}
    problems: list[AnswerProblem] = []
    for link_id, raw in raw_answers.items():
        item = template.index.get(link_id)
        if item is None:
            problems.append(unknown_item(link_id))
            continue
        if is_blank(raw):
            continue
        try:
            stored[link_id] = normalise(item, raw)
        except Refused as refused:
            problems.append(AnswerProblem(link_id, refused.code, refused.reason))
    return stored, problems


def check_answers(template: FormTemplate, raw_answers: Mapping[str, object]) -> CheckedAnswers:
    stored, problems = collect(template, raw_answers)
    evaluation = Evaluation(template, stored)
    # An answer to a disabled item is dropped, not refused: the nurse may have answered before
    # changing the answer that hides it, and the form must still go through.
    refused = tuple(
        problem
        for problem in problems
        if problem.code is ProblemCode.UNKNOWN_ITEM or evaluation.enabled(problem.link_id)
    )
    refused_ids = {problem.link_id for problem in refused}
    missing = tuple(
        required_missing(item.link_id)
        for item in template.all_items()
        if item.required
        and item.link_id not in stored
        and item.link_id not in refused_ids
        and evaluation.enabled(item.link_id)
    )
    enabled = {key: value for key, value in stored.items() if evaluation.enabled(key)}
    return CheckedAnswers(Evaluation(template, enabled), enabled, refused, missing)


def validate_answers(
    template: FormTemplate, raw_answers: Mapping[str, object]
) -> list[AnswerProblem]:
    """Every reason the answers cannot be submitted as they are; empty means they can."""
    return check_answers(template, raw_answers).problems
