"""The form being filled: the object the UI edits, validates live and submits."""

from __future__ import annotations

from collections.abc import Mapping

from agent_desk.forms.answer_set import CheckedAnswers, check_answers
from agent_desk.forms.answers import (
    AnswerProblem,
    Refused,
    is_blank,
    normalise,
    unknown_item,
)
from agent_desk.forms.enable_when import Evaluation
from agent_desk.forms.model import AnswerValue, FormTemplate
from agent_desk.forms.scoring import ScoreResult, score_checked


class FormState:
    """Answers as the agent enters them, always valid: a refused value is not kept.

    Answers to items that are currently disabled are kept (and saved in drafts), so that
    switching a question back restores what was typed; they are left out of the record.
    """

    def __init__(self, template: FormTemplate, answers: Mapping[str, object] | None = None) -> None:
        self.template = template
        self._answers: dict[str, AnswerValue] = {}
        self._checked: CheckedAnswers | None = None
        # What a restored draft held that no longer passes; shown once to the agent.
        self.restore_problems: list[AnswerProblem] = []
        for link_id, raw in (answers or {}).items():
            problem = self.set_answer(link_id, raw)
            if problem is not None:
                self.restore_problems.append(problem)

    def set_answer(self, link_id: str, raw: object) -> AnswerProblem | None:
        """Store an answer, or return why it is refused (the item is then left unanswered)."""
        item = self.template.index.get(link_id)
        if item is None:
            return unknown_item(link_id)
        self._checked = None
        if is_blank(raw):
            self._answers.pop(link_id, None)
            return None
        try:
            self._answers[link_id] = normalise(item, raw)
        except Refused as refused:
            # Keeping the previous value would submit something the agent has overwritten.
            self._answers.pop(link_id, None)
            return AnswerProblem(link_id, refused.code, refused.reason)
        return None

    def clear(self, link_id: str) -> None:
        self._checked = None
        self._answers.pop(link_id, None)

    def answer(self, link_id: str) -> AnswerValue | None:
        return self._answers.get(link_id)

    @property
    def checked(self) -> CheckedAnswers:
        if self._checked is None:
            self._checked = check_answers(self.template, self._answers)
        return self._checked

    @property
    def evaluation(self) -> Evaluation:
        return self.checked.evaluation

    def is_enabled(self, link_id: str) -> bool:
        return self.evaluation.enabled(link_id)

    def value(self, link_id: str) -> AnswerValue | None:
        """What the item counts as now, calculated items included; None when disabled."""
        return self.evaluation.value(link_id)

    def missing_required(self) -> list[AnswerProblem]:
        return list(self.checked.missing)

    @property
    def can_submit(self) -> bool:
        return not self.checked.problems

    def draft_answers(self) -> dict[str, AnswerValue]:
        """Everything entered, also under disabled items: what a draft keeps."""
        return dict(self._answers)

    def record_answers(self) -> dict[str, AnswerValue]:
        """Only the enabled answers: what the record stores and what is scored."""
        return dict(self.checked.stored)

    def score(self) -> ScoreResult:
        return score_checked(self.template, self.checked)
