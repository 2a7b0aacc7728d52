"""The demo hospital's care: visits and stays, the discharge call, its attempts, calls and form."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache

from uuid_utils import uuid7

from agent_desk.db.bulk_load import Rows
from agent_desk.demo import catalog_care as care_words
from agent_desk.demo.catalog_departments import DEPARTMENTS, Diagnosis
from agent_desk.demo.days import Days
from agent_desk.demo.draws import Draws
from agent_desk.demo.hospital import Hospital
from agent_desk.demo.people import Person
from agent_desk.domain.enums import (
    AttemptOutcome,
    CallDirection,
    Channel,
    EncounterKind,
    FeedbackKind,
    FeedbackStatus,
    SatisfactionDimension,
    TaskStatus,
)
from agent_desk.domain.statistics import COMPLAINT_DEADLINE_DAYS
from agent_desk.forms.feedback import extract_feedback
from agent_desk.forms.registry import TemplateLibrary
from agent_desk.forms.state import FormState

PLAN_CODE = "discharge_7d"
TEMPLATE_CODE = "general_discharge"
TEMPLATE_VERSION = "1"
_WORKDAY = 34_200  # 08:00-17:30 local is 00:00-09:30 UTC, on the same date

# Enum values as exact str, as in people.py.
_OUTPATIENT, _INPATIENT = EncounterKind.OUTPATIENT.value, EncounterKind.INPATIENT.value
_PENDING, _DONE, _LOST = TaskStatus.PENDING.value, TaskStatus.DONE.value, TaskStatus.LOST.value
_PHONE, _SMS, _WECHAT = Channel.PHONE.value, Channel.SMS.value, Channel.WECHAT.value
_REACHED, _NO_ANSWER = AttemptOutcome.REACHED.value, AttemptOutcome.NO_ANSWER.value
_ANSWERED = frozenset(
    o.value
    for o in (AttemptOutcome.REACHED, AttemptOutcome.REFUSED, AttemptOutcome.WRONG_NUMBER,
              AttemptOutcome.DECEASED)
)  # fmt: skip
_OUTBOUND = CallDirection.OUTBOUND.value
_COMPLAINT = FeedbackKind.COMPLAINT.value
_CLOSED, _ROUTED = FeedbackStatus.CLOSED.value, FeedbackStatus.ROUTED.value
_POOL_SIZE = 512  # scoring one takes ~0.5 ms


class CareMaker(Draws):
    """A patient's encounters and follow-up, drawn from the shared stream."""

    def __init__(self, draws: Draws, days: Days, hospital: Hospital, seed: int) -> None:
        super().__init__(draws.rnd)
        self.h = hospital
        self.days = days
        # Bound here, as in PeopleMaker: each row reads them, and one look-up beats two.
        self.today, self.day, self.day_at = days.today, days.day, days.day_at
        self.cn_day, self.clock = days.cn_day, days.clock
        self.diagnoses: dict[tuple[int, str, int], tuple[Diagnosis, ...]] = {}
        self.lost_reasons = [
            (label, code.value, outcome.value) for label, code, outcome in care_words.LOST_REASONS
        ]
        self.failed_outcomes = [outcome.value for outcome in care_words.FAILED_OUTCOMES]
        self.orders = [
            "出院医嘱：" + "；".join(f"{n}. {item}" for n, item in enumerate(spec.orders, 1)) + "。"
            for spec in DEPARTMENTS
        ]
        self.answers = _answer_pool(seed)

    def stay(self, d: int) -> int:
        shortest, longest = DEPARTMENTS[d].los
        return shortest + int(self.rnd() * (longest - shortest + 1))

    def diagnosis(self, d: int, sex: str, age: int) -> Diagnosis:
        # Catalogue age limits are multiples of 5, so five-year buckets cache exactly.
        key = (d, sex, min(age, 60) // 5)
        choices = self.diagnoses.get(key)
        if choices is None:
            every = DEPARTMENTS[d].diagnoses
            fits = tuple(x for x in every if x.sex in ("", sex) and x.min_age <= age)
            choices = self.diagnoses[key] = fits or every
        return choices[int(self.rnd() * len(choices))]

    def encounter(
        self,
        rows: Rows,
        p: Person,
        d: int,
        admitted: int,
        discharged: int | None,
        disposition: str,
        age: int | None = None,
    ) -> str:
        """A visit (discharged is None) or a stay, with 1-3 diagnoses; returns its id.

        Only the latest stay (age is None) is given the patient's principal diagnosis.
        """
        rnd = self.rnd
        eid = uuid7().hex
        dept = self.h.department_ids[d]
        doctor = self.pick(self.h.doctors[d])
        if discharged is None:
            rows["encounters"].append((
                eid, p.pid, _OUTPATIENT, dept, None, doctor,
                self.days.at(admitted, 28_800 + int(rnd() * 32_400)), None, None, None,
            ))  # fmt: skip
            count = 1 + (rnd() < 0.4)
        else:
            revisit = self.cn_day[discharged + DEPARTMENTS[d].revisit_days]
            rows["encounters"].append((
                eid, p.pid, _INPATIENT, dept, self.pick(self.h.ward_ids[d]), doctor,
                self.days.at(admitted, 25_200 + int(rnd() * 54_000)),
                self.days.at(discharged, 32_400 + int(rnd() * 21_600)),
                self.orders[d].replace("{date}", revisit), disposition,
            ))  # fmt: skip
            count = 1 + (rnd() < 0.55) + (rnd() < 0.25)
        first = p.principal if age is None else self.diagnosis(d, p.sex, age)
        out = rows["encounter_diagnoses"]
        out.append((uuid7().hex, eid, 0, first.icd10, first.name))
        seen = [first.icd10]
        for _ in range(count - 1):
            if p.chronic and rnd() < 0.6:
                _, code, label = p.chronic[int(rnd() * len(p.chronic))]
            else:
                other = self.diagnosis(d, p.sex, p.age if age is None else age)
                code, label = other.icd10, other.name
            if code not in seen:
                out.append((uuid7().hex, eid, len(seen), code, label))
                seen.append(code)
        return eid

    def followup(
        self,
        rows: Rows,
        p: Person,
        eid: str,
        d: int,
        discharged: int,
        phones: list[tuple[str, str]],
    ) -> None:
        """The 7-day discharge call, with the attempts, calls and form it has had by today."""
        rnd, today, spec = self.rnd, self.today, DEPARTMENTS[d]
        due, start, end = discharged + 7, discharged + 5, discharged + 14
        priority = 3 - (p.age >= 75) - (spec.urgent or p.cardiac) + (p.age < 45 and not spec.urgent)
        r = rnd()
        priority = min(5, max(1, priority - (r < 0.15) + (r > 0.85)))  # 1 is most urgent
        status, lost, lost_code, final_outcome, failed = _PENDING, None, None, _REACHED, 0
        r = rnd()
        if end < today:
            if r < 0.88:
                status, failed = _DONE, (0 if r < 0.53 else 1 if r < 0.78 else 2)
            elif r < 0.96:
                status, failed = _LOST, 3
                lost, lost_code, final_outcome = self.pick(self.lost_reasons)
            else:
                failed = int(rnd() * 3)  # overdue: tried, not reached yet
        elif due <= today:
            if r < 0.55:
                status, failed = _DONE, (0 if r < 0.35 else 1)
            else:
                failed = int(r > 0.85)
        tid = uuid7().hex
        rows["followup_tasks"].append((
            tid, p.pid, eid, PLAN_CODE, self.day[due], self.day[start], self.day[end], priority,
            None, self.h.department_ids[d], status, lost, lost_code,
        ))  # fmt: skip
        tries = failed + (status == _DONE)
        if not tries:
            return
        staff = self.pick(self.h.nurse_ids[d] if rnd() < 0.8 else self.h.agent_ids)
        span = min(today - 1, end) - start + 1  # never today: the clock may not be there yet
        times = sorted((start + int(rnd() * span), int(rnd() * _WORKDAY)) for _ in range(tries))
        attempt_id = at = ""
        for n, (day, second) in enumerate(times):
            note = call_id = None
            if n == tries - 1 and status != _PENDING:
                outcome, note = final_outcome, lost
                channel = _WECHAT if status == _DONE and rnd() < 0.03 else _PHONE
            else:
                r = rnd()
                channel = _SMS if r < 0.05 else _WECHAT if r < 0.07 else _PHONE
                outcome = self.pick(self.failed_outcomes) if channel == _PHONE else _NO_ANSWER
            at = self.day_at[day] + self.clock[second]
            if channel == _PHONE:
                call_id = uuid7().hex
                self._call(
                    rows, p, tid, staff, call_id, phones[n % len(phones)], day, second, outcome
                )
            elif channel == _SMS:
                note = care_words.SMS_NOTE
            attempt_id = uuid7().hex
            rows["followup_attempts"].append(
                (attempt_id, tid, p.pid, at, channel, staff, outcome, note, call_id)
            )
        if status == _DONE:
            form = self.pick(self.answers)
            rid = uuid7().hex
            rows["followup_records"].append((
                rid, tid, p.pid, attempt_id, TEMPLATE_CODE, TEMPLATE_VERSION, form.answers,
                form.scores, form.recovery_score, staff, at, *form.satisfaction,
            ))  # fmt: skip
            if form.feedback:
                self._feedback(rows, form, rid, p.pid, self.h.department_ids[d], day, at)

    def _feedback(
        self, rows: Rows, form: PooledForm, rid: str, pid: str, dept: str, day: int, at: str
    ) -> None:
        """The feedback items a submit would have routed to the task's department; most
        complaints older than their week's deadline have been answered and closed."""
        old = self.today - day > COMPLAINT_DEADLINE_DAYS
        for kind, text in form.feedback:
            if kind == _COMPLAINT:
                status = _CLOSED if old and self.rnd() < 0.9 else _ROUTED
            else:
                status = _CLOSED
            rows["feedback_items"].append(
                (uuid7().hex, rid, pid, dept, kind, text, status, 1, at, at)
            )

    def _call(
        self,
        rows: Rows,
        p: Person,
        tid: str,
        staff: str,
        call_id: str,
        phone: tuple[str, str],
        day: int,
        second: int,
        outcome: str,
    ) -> None:
        rnd, day_at, clock = self.rnd, self.day_at[day], self.clock
        answered = None
        ended = second + 30 + int(rnd() * 30)  # rang out
        if outcome in _ANSWERED:
            picked_up = second + 5 + int(rnd() * 20)
            answered = day_at + clock[picked_up]
            talk = 120 + int(rnd() * 600) if outcome == _REACHED else 20 + int(rnd() * 70)
            ended = picked_up + talk
        rows["calls"].append((
            call_id, _OUTBOUND, None, phone[0], phone[1], p.name, day_at + clock[second], answered,
            day_at + clock[ended], staff, p.pid, tid, None,
        ))  # fmt: skip


@dataclass(frozen=True, slots=True)
class PooledForm:
    """A completed general-discharge form, as a submit stores it (FollowupService.submit)."""

    answers: str  # JSON of the enabled answers, by the template's linkIds
    scores: str  # JSON of the score result
    recovery_score: float | None
    feedback: tuple[tuple[str, str], ...]  # (FeedbackKind value, text)
    satisfaction: tuple[float | None, ...]  # the score of each SatisfactionDimension, in order


@cache
def _answer_pool(seed: int) -> tuple[PooledForm, ...]:
    """Completed general-discharge forms, checked and scored by the forms package as a
    submit is; drawn from a pool (made once per seed) since scoring per row is slow."""
    rng = random.Random(f"{seed}:answers")
    template = TemplateLibrary().load(TEMPLATE_CODE, TEMPLATE_VERSION)
    pool = []
    for _ in range(_POOL_SIZE):
        state = FormState(template, _answers(rng))
        assert not state.checked.problems, state.checked.problems  # the demo fills it all
        answers = state.record_answers()
        result = state.score()
        heard = extract_feedback(template, answers)
        feedback = heard.items
        scores = {s.dimension: float(s.score) for s in heard.satisfaction}
        pool.append(
            PooledForm(
                json.dumps(answers, ensure_ascii=False),
                json.dumps(result.to_dict(), ensure_ascii=False),
                None if result.recovery_score is None else float(result.recovery_score),
                tuple((item.kind.value, item.text) for item in feedback),
                tuple(scores.get(dimension) for dimension in SatisfactionDimension),
            )
        )
    return tuple(pool)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([code for code, _ in weighted], [w for _, w in weighted])[0]


def _answers(rng: random.Random) -> dict[str, object]:
    """One patient's answers to every question the general-discharge form asks."""
    words = care_words
    answers: dict[str, object] = {
        "gd_respondent": _pick(rng, words.RESPONDENTS),
        "gd_recovery": _pick(rng, words.RECOVERY),
        "gd_medication": _pick(rng, words.MEDICATION),
        "gd_wound": _pick(rng, words.WOUND),
        "gd_symptoms": _pick(rng, words.SYMPTOMS),
        "gd_revisit_known": rng.random() < 0.9,
        "gd_revisit_help": False,
        "gd_guidance_given": True,
        "gd_guidance_understood": _pick(rng, words.UNDERSTOOD),
    }
    if answers["gd_medication"] in ("sometimes_missed", "stopped"):
        answers["gd_medication_problem"] = rng.choice(words.MEDICATION_PROBLEMS)
    if answers["gd_symptoms"] != "none":
        answers["gd_symptom_detail"] = rng.choice(words.SYMPTOM_DETAILS)
    if rng.random() < 0.05:
        answers["gd_consultation"] = rng.choice(words.CONSULTATIONS)
    # S4's centre: ~6% of those called praise someone by name, ~4% criticise.
    r = rng.random()
    complains = r < 0.04
    if complains:
        answers["gd_complaint"] = rng.choice(words.COMPLAINTS)
    elif r < 0.10:
        answers["gd_praise"] = rng.choice(words.PRAISE)
    if rng.random() < 0.05:
        answers["gd_suggestion"] = rng.choice(words.SUGGESTIONS)
    marks = words.UNHAPPY if complains else words.CONTENTED
    for dimension, no_opinion in words.NO_OPINION.items():
        code = rng.choices(words.SATISFACTION_CODES, marks)[0]
        answers[f"gd_sat_{dimension}"] = "no_opinion" if rng.random() < no_opinion else code
    return answers
