"""Plans as data: matching, schedules, validation and the data folder's overrides."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from agent_desk.domain.enums import Role
from agent_desk.plans.loader import PlanError, builtin_plan_dir, load_plans
from agent_desk.plans.model import EncounterFacts, PlannedTask
from agent_desk.plans.scheduler import PlanSet

DISCHARGED = date(2026, 11, 16)


@pytest.fixture(scope="module")
def plans() -> PlanSet:
    return load_plans()


def _facts(dept: str = "CARD", name: str | None = "心内科", *icd: str) -> EncounterFacts:
    return EncounterFacts(dept, name, icd, DISCHARGED)


def _steps(tasks: list[PlannedTask]) -> list[tuple[str, str, int]]:
    return [(t.plan_code, t.step, (t.due_date - DISCHARGED).days) for t in tasks]


def test_default_is_one_call_on_day_7_with_a_day_5_to_14_window(plans: PlanSet) -> None:
    [task] = plans.schedule(_facts("CARD", "心内科", "I21.9"))
    assert (task.plan_code, task.plan_version, task.step) == ("discharge_7d", 1, "d7")
    assert task.due_date == date(2026, 11, 23)
    assert (task.window_start, task.window_end) == (date(2026, 11, 21), date(2026, 11, 30))
    assert (task.department_code, task.role, task.priority) == ("CARD", Role.NURSE, 3)


def test_obstetrics_by_department_name_replaces_the_7_day_call(plans: PlanSet) -> None:
    tasks = plans.schedule(_facts("W12", "产科"))
    assert _steps(tasks) == [
        ("obstetrics_postpartum", "d30", 30),
        ("obstetrics_postpartum", "d42", 42),
    ]


def test_obstetrics_by_icd_prefix_from_any_department(plans: PlanSet) -> None:
    assert {t.plan_code for t in plans.schedule(_facts("GYN", "妇科", "O80.0"))} == {
        "obstetrics_postpartum"
    }


def test_hypertension_range_adds_a_bounded_weekly_then_monthly_schedule(plans: PlanSet) -> None:
    tasks = plans.schedule(_facts("CARD", "心内科", "I21.9", "i11.9"))  # secondary, lower case
    chronic = [t for t in tasks if t.plan_code == "chronic_hypertension"]
    assert [(t.step, (t.due_date - DISCHARGED).days) for t in chronic] == [
        ("w1", 14), ("w2", 21), ("w3", 28), ("w4", 35),
        ("m1", 65), ("m2", 95), ("m3", 125), ("m4", 155), ("m5", 185), ("m6", 215),
    ]  # fmt: skip
    assert {t.plan_code for t in tasks} == {"discharge_7d", "chronic_hypertension"}


def test_icd_range_stops_at_its_upper_bound(plans: PlanSet) -> None:
    assert {t.plan_code for t in plans.schedule(_facts("CARD", None, "I20.0"))} == {"discharge_7d"}


def test_two_level_plan_sends_the_doctor_then_the_service_centre(plans: PlanSet) -> None:
    doctor, centre = plans.schedule(_facts("ORTH", "骨科", "S72.0"))
    assert (doctor.step, doctor.department_code, doctor.role) == ("doctor", "ORTH", Role.DOCTOR)
    assert ((doctor.window_start - DISCHARGED).days, (doctor.window_end - DISCHARGED).days) == (
        1,
        14,
    )
    assert (centre.step, centre.department_code, centre.department_name) == (
        "centre",
        "SVC",
        "客户服务中心",
    )
    assert centre.role is Role.AGENT
    assert ((centre.window_start - DISCHARGED).days, (centre.window_end - DISCHARGED).days) == (
        15,
        30,
    )


def _write(folder: Path, name: str, plan: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


def _plan(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "code": "discharge_7d",
        "version": 2,
        "title": "出院后3天回访",
        "group": "discharge",
        "tasks": [{"step": "d3", "day": 3, "window": [-1, 4]}],
    }
    return base | changes


def test_override_folder_takes_precedence_over_the_built_in(tmp_path: Path) -> None:
    _write(tmp_path, "mine.json", _plan())
    [task] = load_plans(tmp_path).schedule(_facts("CARD", None, "I21.9"))
    assert (task.plan_code, task.plan_version, task.step) == ("discharge_7d", 2, "d3")


def test_override_can_switch_a_built_in_plan_off(tmp_path: Path) -> None:
    builtin = json.loads((builtin_plan_dir() / "chronic_hypertension.json").read_text())
    _write(tmp_path, "off.json", builtin | {"version": 2, "enabled": False})
    codes = {t.plan_code for t in load_plans(tmp_path).schedule(_facts("CARD", None, "I10"))}
    assert codes == {"discharge_7d"}


def test_changing_a_plan_without_a_new_version_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "same.json", _plan(version=1))
    with pytest.raises(PlanError, match="keeps version 1"):
        load_plans(tmp_path)


def _one_task(**fields: object) -> dict[str, object]:
    return {"tasks": [{"step": "d3", "window": [0, 1]} | fields]}


_WEEKLY_TWICE = {"step": "w", "window": [0, 0], "repeat": {"every_days": 7, "times": 2}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_one_task(day=3, window=[1, 4]), r"tasks\[0\] \(step 'd3'\).*'window'"),
        (_one_task(day=1, window=[-3, 4]), "before the discharge"),
        (_one_task(priority=9), "'priority' must be"),
        (_one_task(repeat={"every_days": 7, "times": 500}), "'times'"),
        (_one_task(assign={"role": "janitor"}), "'role' must be"),
        ({"match": [{"icd10": ["I15-I10"]}]}, r"match\[0\].*'I15-I10'"),
        ({"match": [{"dept": ["CARD"]}]}, r"match\[0\]"),
        ({"code": "Bad Code"}, "'code' must be"),
        ({"tsaks": []}, "unknown field 'tsaks'"),
        ({"tasks": [{"step": "w1", "window": [0, 0]}, _WEEKLY_TWICE]}, "'w1' is used twice"),
    ],
)
def test_invalid_plans_are_refused_naming_the_rule_and_why(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    _write(tmp_path, "bad.json", _plan(code="custom", group="custom") | change)
    with pytest.raises(PlanError, match=message) as caught:
        load_plans(tmp_path)
    assert "bad.json" in str(caught.value)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", _plan(code="a", group="a", version=0))
    (tmp_path / "b.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plans(tmp_path)
    assert len(caught.value.problems) == 2


def test_two_plans_competing_at_the_same_precedence_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "x.json", _plan(code="x", match=[{"departments": ["CARD"]}]))
    with pytest.raises(PlanError, match="discharge_7d and x are both in group 'discharge'"):
        load_plans(tmp_path)


def test_a_stored_step_is_described_by_its_plan(plans: PlanSet) -> None:
    assert plans.describe("discharge_7d", "d7") == "出院7天回访"
    assert plans.describe("chronic_hypertension", "w3") == "高血压每周随访 (3)"
    assert plans.describe("retired_plan", "d7") is None
