"""The general form: recovery score, alerts, and praise/complaints/suggestions out of it."""

from __future__ import annotations

from agent_desk.forms import (
    FeedbackKind,
    SatisfactionDimension,
    check_answers,
    extract_feedback,
    load_template,
    score,
)

FILLED = {
    "gd_respondent": "family",
    "gd_recovery": "improved",
    "gd_medication": "as_prescribed",
    "gd_wound": "no_wound",
    "gd_symptoms": "mild",
    "gd_revisit_known": True,
    "gd_revisit_help": False,
    "gd_guidance_given": True,
    "gd_guidance_understood": "fully",
    "gd_sat_doctors": "very_satisfied",
    "gd_sat_nurses": 5,
    "gd_sat_environment": "neutral",
    "gd_sat_cost": "no_opinion",
    "gd_sat_overall": "satisfied",
    "gd_praise": "心内科王护士很耐心",
    "gd_complaint": "出院结算排队太久",
    "gd_suggestion": "无",
}


def test_praise_and_complaint_are_extracted_and_nothing_is_not() -> None:
    feedback = extract_feedback(load_template("general"), FILLED)
    assert [(item.kind, item.text) for item in feedback.items] == [
        (FeedbackKind.PRAISE, "心内科王护士很耐心"),
        (FeedbackKind.COMPLAINT, "出院结算排队太久"),
    ]


def test_satisfaction_per_dimension_leaves_out_no_opinion() -> None:
    feedback = extract_feedback(load_template("general"), FILLED)
    assert {s.dimension: s.score for s in feedback.satisfaction} == {
        SatisfactionDimension.DOCTORS: 5,
        SatisfactionDimension.NURSES: 5,
        SatisfactionDimension.ENVIRONMENT: 3,
        SatisfactionDimension.OVERALL: 4,
    }
    assert feedback.score_of(SatisfactionDimension.COST) is None


def test_general_recovery_score_and_satisfaction_mean() -> None:
    result = score(load_template("general"), FILLED)
    assert result.complete
    assert result.recovery_score == 75  # (2 x 3/4 + 1 + 1/2) / 4; no wound drops out
    assert result.values["gd_satisfaction_mean"] == 4.25


def test_a_complaint_alerts_the_supervisor() -> None:
    result = score(load_template("general"), FILLED)
    assert [alert.code for alert in result.alerts] == ["gd_complaint"]


def test_worsening_alerts_the_doctor() -> None:
    result = score(load_template("general"), {**FILLED, "gd_wound": "infected"})
    assert "gd_deterioration" in {alert.code for alert in result.alerts}


def test_the_symptom_detail_is_dropped_when_there_are_no_symptoms() -> None:
    answers = {**FILLED, "gd_symptoms": "none", "gd_symptom_detail": "头晕"}
    assert "gd_symptom_detail" not in check_answers(load_template("general"), answers).stored
