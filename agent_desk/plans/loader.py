"""Reading plan files, refusing any that do not validate, and applying the overrides.

Built-in plans live in resources/plans; a hospital's admin puts edited or new plans
in DATA/plans. A plan there replaces the built-in plan with the same code (or turns
it off with "enabled": false). Every problem in every file is reported at once, each
naming the file, the plan and the field, so one edit-and-retry fixes them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

from agent_desk import json_input
from agent_desk.domain.enums import Role
from agent_desk.plans.model import (
    DISCHARGE_DEPARTMENT,
    Assignment,
    CareMessage,
    Icd10Pattern,
    MatchRule,
    Plan,
    PlanSms,
    Repeat,
    TaskSpec,
)
from agent_desk.plans.scheduler import PlanSet

MAX_OCCURRENCES = 52  # a repeated step makes at most this many tasks: a bounded horizon
MAX_DAY = 3650
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_STEP = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_ICD = re.compile(r"^[A-Z][0-9A-Z]*$")
_PLAN_KEYS = {"code", "version", "title", "description", "group", "precedence", "enabled"} | {
    "match",
    "tasks",
    "recoveryThreshold",
    "sms",
}
_TASK_KEYS = {"step", "title", "day", "window", "priority", "assign", "repeat"}


class PlanError(ValueError):
    """One or more plan files are invalid; str() lists every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid follow-up plans:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


def builtin_plan_dir() -> Path:
    return Path(str(files("agent_desk.resources") / "plans"))


def load_plans(override_dir: Path | None = None, builtin_dir: Path | None = None) -> PlanSet:
    """The plans in force; raises PlanError naming every invalid file, plan and field."""
    problems: list[str] = []
    builtins = _load_dir(builtin_dir or builtin_plan_dir(), problems)
    overrides = _load_dir(override_dir, problems) if override_dir else {}
    for code, (plan, path) in overrides.items():
        base = builtins.get(code, (None, ""))[0]
        if base is not None and plan != base and plan.version <= base.version:
            problems.append(
                f"{path}: plan {code}: changes the built-in plan but keeps version "
                f"{plan.version}; give it a version above {base.version} so that tasks "
                "already made stay traceable to the plan that made them"
            )
    merged = {code: plan for code, (plan, _) in (builtins | overrides).items()}
    _check_groups(merged.values(), problems)
    if problems:
        raise PlanError(problems)
    return PlanSet(merged.values())


def _load_dir(folder: Path, problems: list[str]) -> dict[str, tuple[Plan, str]]:
    plans: dict[str, tuple[Plan, str]] = {}
    if not folder.is_dir():
        return plans
    for path in sorted(folder.glob("*.json")):
        try:
            data = json_input.read(path)
        except (OSError, json_input.JsonInputError) as exc:
            problems.append(f"{path}: cannot be read as JSON: {exc}")
            continue
        plan = parse_plan(data, str(path), problems)
        if plan is None:
            continue
        if plan.code in plans:
            problems.append(
                f"{path}: plan code {plan.code!r} is also used by {plans[plan.code][1]}"
            )
        plans[plan.code] = (plan, str(path))
    return plans


def _check_groups(plans: Iterable[Plan], problems: list[str]) -> None:
    seen: dict[tuple[str, int], str] = {}
    for plan in sorted(plans, key=lambda p: p.code):
        if not plan.enabled:
            continue
        key = (plan.group, plan.precedence)
        if key in seen:
            problems.append(
                f"plans {seen[key]} and {plan.code} are both in group {plan.group!r} with "
                f"precedence {plan.precedence}: which one applies would be a guess"
            )
        seen[key] = plan.code


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Check:
    """Collects problems under one prefix ("file: plan x: tasks[1] (step 'w')")."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        self.failed = False

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")
        self.failed = True

    def int_in(self, data: dict[str, Any], key: str, low: int, high: int, default: int) -> int:
        value = data.get(key, default)
        if not _is_int(value) or not low <= value <= high:
            self.fail(f"{key!r} must be a whole number from {low} to {high}, not {value!r}")
            return default
        return int(value)

    def text(self, data: dict[str, Any], key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty text")
            return default or ""
        return value.strip()

    def unknown_keys(self, data: dict[str, Any], allowed: set[str]) -> None:
        for key in sorted(set(data) - allowed):
            self.fail(f"unknown field {key!r} (known: {', '.join(sorted(allowed))})")


def parse_plan(data: object, where: str, problems: list[str]) -> Plan | None:
    """One plan from its JSON, or None with the reasons appended to *problems*."""
    check = _Check(where, problems)
    if not isinstance(data, dict):
        check.fail("a plan file must hold one JSON object")
        return None
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        check.fail(f"'code' must be lower-case letters, digits and _ (at most 48), not {code!r}")
        code = "?"
    check.where = f"{where}: plan {code}"
    check.unknown_keys(data, _PLAN_KEYS)
    version = check.int_in(data, "version", 1, 1_000_000, 0)
    title = check.text(data, "title")
    group = check.text(data, "group", code)
    precedence = check.int_in(data, "precedence", -1000, 1000, 0)
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        check.fail("'enabled' must be true or false")
    match = _match_rules(data.get("match"), check)
    tasks = _tasks(data.get("tasks"), check)
    threshold = data.get("recoveryThreshold")
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 <= threshold <= 100
    ):
        check.fail("'recoveryThreshold' must be a number from 0 to 100")
    sms = _sms(data.get("sms"), check)
    if check.failed:
        return None
    return Plan(
        code,
        version,
        title,
        group,
        precedence,
        bool(enabled),
        match,
        tasks,
        recovery_threshold=None if threshold is None else float(threshold),
        sms=sms,
    )


def _sms(raw: object, check: _Check) -> PlanSms:
    """The plan's "sms" object: reminder_days_before (1; 0 for none), reminder_text, and
    care, a list of {"day": N, "text": "…"} sent N days after the discharge."""
    if raw is None:
        return PlanSms()
    if not isinstance(raw, dict):
        check.fail("'sms' must be an object with reminder_days_before, reminder_text and care")
        return PlanSms()
    check.unknown_keys(raw, {"reminder_days_before", "reminder_text", "care"})
    days = check.int_in(raw, "reminder_days_before", 0, 30, 1)
    text = check.text(raw, "reminder_text", PlanSms().reminder_text)
    care: list[CareMessage] = []
    items = raw.get("care", [])
    if not isinstance(items, list):
        check.fail('\'care\' must be a list of {"day": N, "text": "…"}')
        items = []
    for index, item in enumerate(items):
        item_check = _Check(f"{check.where}: sms.care[{index}]", check.problems)
        if not isinstance(item, dict):
            item_check.fail("a care message is an object with 'day' and 'text'")
        else:
            item_check.unknown_keys(item, {"day", "text"})
            care.append(
                CareMessage(
                    item_check.int_in(item, "day", 0, MAX_DAY, 0), item_check.text(item, "text")
                )
            )
        check.failed |= item_check.failed
    return PlanSms(days, text, tuple(care))


def _match_rules(raw: object, check: _Check) -> tuple[MatchRule, ...]:
    if raw is None:
        return ()  # every discharge
    if not isinstance(raw, list) or not raw:
        check.fail("'match' must be a non-empty list of rules (leave it out to match everyone)")
        return ()
    rules = []
    for index, item in enumerate(raw):
        rule_check = _Check(f"{check.where}: match[{index}]", check.problems)
        rule = _match_rule(item, rule_check)
        check.failed |= rule_check.failed
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _match_rule(item: object, check: _Check) -> MatchRule | None:
    if not isinstance(item, dict) or not ({"departments", "icd10"} & set(item)):
        check.fail("a rule is an object with 'departments' and/or 'icd10'")
        return None
    check.unknown_keys(item, {"departments", "icd10"})
    departments = item.get("departments", [])
    if not isinstance(departments, list) or not all(
        isinstance(d, str) and d.strip() for d in departments
    ):
        check.fail("'departments' must be a list of department codes or names")
        departments = []
    patterns: list[Icd10Pattern] = []
    raw_codes = item.get("icd10", [])
    if not isinstance(raw_codes, list):
        check.fail('\'icd10\' must be a list of code prefixes such as "I10" or "I10-I15"')
        raw_codes = []
    for text in raw_codes:
        pattern = Icd10Pattern.parse(text) if isinstance(text, str) else None
        if (
            pattern is None
            or not _ICD.match(pattern.low)
            or not _ICD.match(pattern.high)
            or len(pattern.low) != len(pattern.high)
            or pattern.low > pattern.high
        ):
            check.fail(f'icd10 {text!r} is not a code prefix ("E11") or a range ("I10-I15")')
            continue
        patterns.append(pattern)
    return MatchRule(frozenset(d.strip().upper() for d in departments), tuple(patterns))


def _tasks(raw: object, check: _Check) -> tuple[TaskSpec, ...]:
    if not isinstance(raw, list) or not raw:
        check.fail("'tasks' must be a non-empty list")
        return ()
    specs: list[TaskSpec] = []
    keys: set[str] = set()
    for index, item in enumerate(raw):
        step = item.get("step") if isinstance(item, dict) else None
        task_check = _Check(f"{check.where}: tasks[{index}] (step {step!r})", check.problems)
        spec = _task(item, task_check)
        check.failed |= task_check.failed
        if spec is None:
            continue
        clash = keys.intersection(spec.step_keys())
        if clash:
            check.fail(f"tasks[{index}]: step {sorted(clash)[0]!r} is used twice in this plan")
        keys.update(spec.step_keys())
        specs.append(spec)
    return tuple(specs)


def _task(item: object, check: _Check) -> TaskSpec | None:
    if not isinstance(item, dict):
        check.fail("a task is a JSON object")
        return None
    check.unknown_keys(item, _TASK_KEYS)
    step = item.get("step")
    if not isinstance(step, str) or not _STEP.match(step):
        check.fail("'step' must be lower-case letters, digits and _ (at most 24)")
        step = "?"
    title = check.text(item, "title", step)
    day = check.int_in(item, "day", 0, MAX_DAY, 0)
    window = item.get("window")
    if not (
        isinstance(window, list)
        and len(window) == 2
        and all(_is_int(w) for w in window)
        and window[0] <= 0 <= window[1]
    ):
        check.fail(
            f"'window' must be [days before, days after] the due day, such as [-2, 7], "
            f"with the due day inside it; not {window!r}"
        )
        window = [0, 0]
    if day + window[0] < 0:
        check.fail(f"the window opens {-(day + window[0])} day(s) before the discharge")
    priority = check.int_in(item, "priority", 1, 5, 3)
    assign = _assignment(item.get("assign", {}), check)
    repeat = _repeat(item.get("repeat"), check)
    if check.failed or assign is None:
        return None
    return TaskSpec(step, title, day, (window[0], window[1]), priority, assign, repeat)


def _assignment(raw: object, check: _Check) -> Assignment | None:
    if not isinstance(raw, dict):
        check.fail("'assign' must be an object with 'department' and 'role'")
        return None
    check.unknown_keys(raw, {"department", "department_name", "role"})
    department = check.text(raw, "department", DISCHARGE_DEPARTMENT)
    name = raw.get("department_name")
    if name is not None and not (isinstance(name, str) and name.strip()):
        check.fail("'department_name' must be a non-empty text when given")
        name = None
    role = raw.get("role", Role.NURSE.value)
    if role not in {r.value for r in Role}:
        check.fail(f"'role' must be one of {', '.join(r.value for r in Role)}, not {role!r}")
        return None
    return Assignment(department, name.strip() if name else None, Role(role))


def _repeat(raw: object, check: _Check) -> Repeat | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        check.fail("'repeat' must be an object with 'every_days' and 'times'")
        return None
    check.unknown_keys(raw, {"every_days", "times"})
    every = check.int_in(raw, "every_days", 1, 366, 1)
    times = check.int_in(raw, "times", 1, MAX_OCCURRENCES, 1)
    return Repeat(every, times)
