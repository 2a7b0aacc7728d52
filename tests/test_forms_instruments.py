"""Published scoring of the built-in instruments on known answer sets: minimum, maximum, edges."""

from __future__ import annotations

import pytest

from agent_desk.domain.enums import Role
from agent_desk.forms import AlertSeverity, load_template, net_promoter_score, score

BARTHEL_ITEMS = [
    "barthel_feeding",
    "barthel_bathing",
    "barthel_grooming",
    "barthel_dressing",
    "barthel_bowels",
    "barthel_bladder",
    "barthel_toilet",
    "barthel_transfer",
    "barthel_mobility",
    "barthel_stairs",
]
BARTHEL_MAXIMA = [10, 5, 5, 10, 10, 10, 10, 15, 15, 10]  # Mahoney & Barthel 1965


def spread(total: int, maxima: list[int], step: int = 1) -> list[int]:
    """Item scores adding up to total, filling the first items first."""
    scores = []
    for top in maxima:
        take = min(top, total)
        scores.append(take - take % step)
        total -= scores[-1]
    assert total == 0
    return scores


def by_ordinal(prefix: str, scores: list[int]) -> dict[str, object]:
    return {f"{prefix}_{n}": value for n, value in enumerate(scores, start=1)}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_total_and_band(total: int, band: str) -> None:
    result = score(load_template("phq9"), by_ordinal("phq9", spread(total, [3] * 9)))
    assert result.values["phq9_total"] == total
    assert result.band_code("phq9_total") == band


def test_phq9_item9_alerts_the_supervisor_whatever_the_total() -> None:
    result = score(load_template("phq9"), by_ordinal("phq9", [0] * 8 + [1]))
    assert result.values["phq9_total"] == 1
    assert result.band_code("phq9_total") == "minimal"
    [alert] = result.alerts
    assert (alert.code, alert.severity, alert.notify) == (
        "phq9_item9",
        AlertSeverity.CRITICAL,
        Role.SUPERVISOR,
    )


def test_phq9_high_total_without_item9_raises_no_item9_alert() -> None:
    result = score(load_template("phq9"), by_ordinal("phq9", [3] * 8 + [0]))
    assert "phq9_item9" not in {alert.code for alert in result.alerts}


def test_phq9_item_by_code_equals_item_by_score() -> None:
    template = load_template("phq9")
    by_code = {f"phq9_{n}": "more_than_half" for n in range(1, 10)}
    assert score(template, by_code).values == score(template, by_ordinal("phq9", [2] * 9)).values


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_total_and_band(total: int, band: str) -> None:
    result = score(load_template("gad7"), by_ordinal("gad7", spread(total, [3] * 7)))
    assert result.values["gad7_total"] == total
    assert result.band_code("gad7_total") == band


def test_barthel_items_carry_the_standard_weights() -> None:
    template = load_template("barthel")
    maxima = [max(o.weight or 0 for o in template.item(link).options) for link in BARTHEL_ITEMS]
    assert maxima == BARTHEL_MAXIMA


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "severe"),
        (40, "severe"),
        (45, "moderate"),
        (60, "moderate"),
        (65, "mild"),
        (95, "mild"),
        (100, "independent"),
    ],
)
def test_barthel_total_band_and_recovery_score(total: int, band: str) -> None:
    answers = dict(zip(BARTHEL_ITEMS, spread(total, BARTHEL_MAXIMA, step=5), strict=True))
    result = score(load_template("barthel"), answers)
    assert result.values["barthel_total"] == total
    assert result.band_code("barthel_total") == band
    assert result.recovery_score == total


@pytest.mark.parametrize(
    ("pain", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_nrs_band(pain: int, band: str) -> None:
    result = score(load_template("nrs"), {"nrs_pain": pain})
    assert result.band_code("nrs_pain") == band


def test_nrs_severe_pain_alerts_the_doctor() -> None:
    result = score(load_template("nrs"), {"nrs_pain": 7})
    assert [(a.code, a.notify) for a in result.alerts] == [("nrs_severe", Role.DOCTOR)]


@pytest.mark.parametrize(
    ("grade", "band"),
    [(0, "independent"), (2, "independent"), (3, "dependent"), (5, "dependent"), (6, "dead")],
)
def test_mrs_band(grade: int, band: str) -> None:
    result = score(load_template("mrs"), {"mrs_grade": grade})
    assert result.band_code("mrs_grade") == band
    assert result.values == {}  # mRS is the grade itself: no calculated total


@pytest.mark.parametrize(
    ("rating", "band"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_band(rating: int, band: str) -> None:
    result = score(load_template("nps"), {"nps_score": rating})
    assert result.band_code("nps_score") == band


def test_net_promoter_score_is_promoters_minus_detractors_percent() -> None:
    assert net_promoter_score([10, 9, 8, 0]) == 25.0
    assert net_promoter_score([]) is None
