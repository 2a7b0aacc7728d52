"""Totals, bands, alerts and the recovery score of one filled form.

All the scoring rules live in the template (calculated items, bands, alert rules); this module
only applies them, so a record re-scored with its pinned template version gives the same result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent_desk.domain.enums import Role
from agent_desk.forms.answer_set import CheckedAnswers, InvalidAnswers, check_answers
from agent_desk.forms.expression import round_half_up
from agent_desk.forms.model import AlertSeverity, Band, FormTemplate, Number, Text

RECOVERY_MIN, RECOVERY_MAX = 0, 100


@dataclass(frozen=True, slots=True)
class BandResult:
    link_id: str
    value: Number
    band: Band


@dataclass(frozen=True, slots=True)
class Alert:
    code: str
    severity: AlertSeverity
    notify: Role
    text: Text
    link_ids: tuple[str, ...]  # the answers that raised it


@dataclass(frozen=True)
class ScoreResult:
    template_code: str
    template_version: str
    values: Mapping[str, Number | None]  # every calculated item; None when it cannot be computed
    bands: tuple[BandResult, ...]
    alerts: tuple[Alert, ...]
    recovery_score: Number | None
    complete: bool  # every enabled required item is answered
    missing: tuple[str, ...]

    def band(self, link_id: str) -> BandResult | None:
        return next((result for result in self.bands if result.link_id == link_id), None)

    def band_code(self, link_id: str) -> str | None:
        result = self.band(link_id)
        return None if result is None else result.band.code

    def to_dict(self) -> dict[str, Any]:
        """JSON for the record's `scores` column and for `agent-desk forms score`."""
        return {
            "template": self.template_code,
            "version": self.template_version,
            "complete": self.complete,
            "missing": list(self.missing),
            "values": dict(self.values),
            "bands": {
                result.link_id: {
                    "value": result.value,
                    "band": result.band.code,
                    "text": result.band.label.zh,
                    "textEn": result.band.label.en,
                }
                for result in self.bands
            },
            "alerts": [
                {
                    "code": alert.code,
                    "severity": alert.severity.value,
                    "notify": alert.notify.value,
                    "text": alert.text.zh,
                    "textEn": alert.text.en,
                    "items": list(alert.link_ids),
                }
                for alert in self.alerts
            ],
            "recoveryScore": self.recovery_score,
        }


def score_checked(template: FormTemplate, checked: CheckedAnswers) -> ScoreResult:
    evaluation = checked.evaluation
    values = {
        item.link_id: evaluation.number(item.link_id)
        for item in template.all_items()
        if item.calculated is not None
    }
    bands: list[BandResult] = []
    for item in template.all_items():
        value = evaluation.number(item.link_id) if item.bands else None
        band = item.band_for(value) if value is not None else None
        if value is not None and band is not None:
            bands.append(BandResult(item.link_id, value, band))
    alerts = tuple(
        Alert(
            rule.code,
            rule.severity,
            rule.notify,
            rule.text,
            tuple(dict.fromkeys(condition.question for condition in rule.when)),
        )
        for rule in template.alerts
        if evaluation.holds(rule.when, rule.behavior)
    )
    return ScoreResult(
        template_code=template.code,
        template_version=template.version,
        values=values,
        bands=tuple(bands),
        alerts=alerts,
        recovery_score=_recovery(template, checked),
        complete=not checked.missing,
        missing=tuple(problem.link_id for problem in checked.missing),
    )


def _recovery(template: FormTemplate, checked: CheckedAnswers) -> Number | None:
    if template.recovery_score is None:
        return None
    value = checked.evaluation.number(template.recovery_score)
    if value is None:
        return None
    # The card plots 0-100; a template whose formula strays outside is clamped, not trusted.
    bounded = max(RECOVERY_MIN, min(RECOVERY_MAX, value))
    return bounded if isinstance(bounded, int) else round_half_up(bounded, 1)


def score(template: FormTemplate, answers: Mapping[str, object]) -> ScoreResult:
    """Score a (possibly partial) form. Refused answers raise InvalidAnswers; missing ones
    only make the result incomplete, so the form can show a live score while it is filled."""
    checked = check_answers(template, answers)
    if checked.refused:
        raise InvalidAnswers(checked.refused)
    return score_checked(template, checked)


def net_promoter_score(ratings: Sequence[int]) -> float | None:
    """The aggregate NPS of many 0-10 answers: % promoters (9-10) minus % detractors (0-6)."""
    if not ratings:
        return None
    promoters = sum(1 for rating in ratings if rating >= 9)
    detractors = sum(1 for rating in ratings if rating <= 6)
    return round_half_up(100 * (promoters - detractors) / len(ratings), 1)
