"""Disease templates: recovery scores from 0 to 100 and the alerts that must not be missed."""

from __future__ import annotations

import pytest

from agent_desk.forms import AlertSeverity, ProblemCode, load_template, score, validate_answers

HYPERTENSION_BEST = {
    "ht_bp_measured": True,
    "ht_sbp": 128,
    "ht_dbp": 78,
    "ht_bp_frequency": "twice_weekly",
    "ht_adherence": "regular",
    "ht_salt": "low",
    "ht_exercise": "regular",
    "ht_symptoms": "none",
}
HYPERTENSION_WORST = {
    **HYPERTENSION_BEST,
    "ht_sbp": 172,
    "ht_dbp": 104,
    "ht_adherence": "stopped",
    "ht_salt": "high",
    "ht_exercise": "none",
    "ht_symptoms": "severe",
}
DIABETES_BEST = {
    "dm_measured": True,
    "dm_fpg": 5.6,
    "dm_ppg": 7.8,
    "dm_hypo": "none",
    "dm_adherence": "regular",
    "dm_diet": "good",
    "dm_exercise": "regular",
    "dm_foot_problem": False,
}
POST_SURGERY_BEST = {
    "ps_wound": "healed",
    "ps_pain": 0,
    "ps_fever": False,
    "ps_mobility": "as_before",
    "ps_diet": "normal",
}


def alert_codes(code: str, answers: dict[str, object]) -> set[str]:
    return {alert.code for alert in score(load_template(code), answers).alerts}


def test_hypertension_recovery_score_spans_0_to_100() -> None:
    template = load_template("hypertension")
    assert score(template, HYPERTENSION_BEST).recovery_score == 100
    assert score(template, HYPERTENSION_WORST).recovery_score == 0


@pytest.mark.parametrize(
    ("sbp", "dbp", "alerted"),
    [(180, 95, True), (150, 110, True), (179, 109, False), (128, 78, False)],
)
def test_hypertension_alerts_at_180_over_110(sbp: int, dbp: int, alerted: bool) -> None:
    answers = {**HYPERTENSION_BEST, "ht_sbp": sbp, "ht_dbp": dbp}
    assert ("ht_bp_very_high" in alert_codes("hypertension", answers)) is alerted


def test_hypertension_very_high_bp_is_critical() -> None:
    result = score(load_template("hypertension"), {**HYPERTENSION_BEST, "ht_sbp": 200})
    assert {a.severity for a in result.alerts if a.code == "ht_bp_very_high"} == {
        AlertSeverity.CRITICAL
    }


def test_hypertension_implausible_bp_is_refused_with_the_range() -> None:
    [problem] = validate_answers(
        load_template("hypertension"), {**HYPERTENSION_BEST, "ht_sbp": 300}
    )
    assert (problem.link_id, problem.code) == ("ht_sbp", ProblemCode.ABOVE_MAX)
    assert "260 mmHg" in problem.message("en") and "260 mmHg" in problem.message("zh")


def test_hypertension_without_a_reading_needs_no_bp_values() -> None:
    answers = {**HYPERTENSION_BEST, "ht_bp_measured": False}
    del answers["ht_sbp"], answers["ht_dbp"]
    result = score(load_template("hypertension"), answers)
    assert result.complete and result.values["ht_bp_control"] is None
    assert result.recovery_score == 100  # scored on what was asked


def test_diabetes_best_answers_score_100() -> None:
    assert score(load_template("diabetes"), DIABETES_BEST).recovery_score == 100


@pytest.mark.parametrize(
    "change",
    [{"dm_fpg": 3.5}, {"dm_ppg": 3.8}, {"dm_hypo": "severe"}],
)
def test_diabetes_hypoglycaemia_alerts(change: dict[str, object]) -> None:
    assert "dm_hypoglycaemia" in alert_codes("diabetes", {**DIABETES_BEST, **change})


def test_diabetes_glucose_of_3_9_is_not_hypoglycaemia() -> None:
    assert "dm_hypoglycaemia" not in alert_codes("diabetes", {**DIABETES_BEST, "dm_fpg": 3.9})


def test_diabetes_very_high_glucose_alerts() -> None:
    assert "dm_hyperglycaemia" in alert_codes("diabetes", {**DIABETES_BEST, "dm_ppg": 18.2})


def test_post_surgery_best_answers_score_100() -> None:
    assert score(load_template("post_surgery"), POST_SURGERY_BEST).recovery_score == 100


def test_post_surgery_embeds_nrs_bands_and_alerts_severe_pain() -> None:
    result = score(load_template("post_surgery"), {**POST_SURGERY_BEST, "ps_pain": 8})
    assert result.band_code("ps_pain") == "severe"
    assert "ps_severe_pain" in {alert.code for alert in result.alerts}


def test_post_surgery_high_fever_alerts_and_lowers_the_score() -> None:
    answers = {**POST_SURGERY_BEST, "ps_fever": True, "ps_temperature": 38.9}
    result = score(load_template("post_surgery"), answers)
    assert "ps_high_fever" in {alert.code for alert in result.alerts}
    assert result.values["ps_fever_score"] == 0
    assert result.recovery_score == 80  # fever weighs 2 of 10


def test_post_surgery_fever_needs_the_temperature() -> None:
    result = score(load_template("post_surgery"), {**POST_SURGERY_BEST, "ps_fever": True})
    assert result.missing == ("ps_temperature",)
