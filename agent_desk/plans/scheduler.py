"""From a discharge to the tasks its plans ask for: pure, and the same every time.

The result depends on the encounter alone (never on today's date), so importing a
discharge again yields the same tasks and the database can compare step by step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta

from agent_desk.plans.model import (
    DISCHARGE_DEPARTMENT,
    EncounterFacts,
    Plan,
    PlannedTask,
    TaskSpec,
)


class PlanSet:
    """The plans in force: built-ins with the data folder's overrides applied."""

    def __init__(self, plans: Iterable[Plan]) -> None:
        self._plans = {plan.code: plan for plan in plans}

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, code: str) -> Plan | None:
        return self._plans.get(code)

    @property
    def plans(self) -> list[Plan]:
        return sorted(self._plans.values(), key=lambda plan: plan.code)

    def recovery_threshold(self, plan_code: str) -> float | None:
        """The plan's recoveryThreshold: a lower score opens a red-flag ticket."""
        plan = self._plans.get(plan_code)
        return plan.recovery_threshold if plan is not None else None

    def describe(self, plan_code: str, step: str | None) -> str | None:
        """The title of a stored task's step ('出院7天回访'), for the worklist and the card."""
        plan = self._plans.get(plan_code)
        if plan is None:
            return None
        for spec in plan.tasks:
            if step in spec.step_keys():
                suffix = "" if spec.repeat is None else f" ({spec.step_keys().index(step) + 1})"
                return spec.title + suffix
        return plan.title

    def select(self, facts: EncounterFacts) -> list[Plan]:
        """The plans for this encounter: in each group, the matching one of highest precedence."""
        best: dict[str, Plan] = {}
        for plan in self.plans:
            if not plan.enabled or not plan.matches(facts):
                continue
            current = best.get(plan.group)
            if current is None or plan.precedence > current.precedence:
                best[plan.group] = plan
        return sorted(best.values(), key=lambda plan: plan.code)

    def schedule(self, facts: EncounterFacts) -> list[PlannedTask]:
        return [task for plan in self.select(facts) for task in _expand(plan, facts)]


def _expand(plan: Plan, facts: EncounterFacts) -> Iterator[PlannedTask]:
    for spec in plan.tasks:
        for index, step in enumerate(spec.step_keys()):
            yield _occurrence(plan, spec, facts, step, index)


def _occurrence(
    plan: Plan, spec: TaskSpec, facts: EncounterFacts, step: str, index: int
) -> PlannedTask:
    offset = spec.day + (spec.repeat.every_days * index if spec.repeat else 0)
    due = facts.discharge_date + timedelta(days=offset)
    if spec.assign.department == DISCHARGE_DEPARTMENT:
        department_code, department_name = facts.department_code, facts.department_name
    else:
        department_code, department_name = spec.assign.department, spec.assign.department_name
    return PlannedTask(
        plan_code=plan.code,
        plan_version=plan.version,
        step=step,
        title=spec.title if spec.repeat is None else f"{spec.title} ({index + 1})",
        due_date=due,
        window_start=due + timedelta(days=spec.window[0]),
        window_end=due + timedelta(days=spec.window[1]),
        priority=spec.priority,
        department_code=department_code,
        department_name=department_name,
        role=spec.assign.role,
    )
