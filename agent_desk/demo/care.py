"""The demo hospital's care: visits and stays, the discharge call, its attempts, calls and form."""

from __future__ import annotations

import json
import random
from bisect import bisect_right

from uuid_utils import uuid7

from agent_desk.db.bulk_load import Rows
from agent_desk.demo import catalog_care as care_words
from agent_desk.demo.catalog_departments import DEPARTMENTS, Diagnosis
from agent_desk.demo.days import Days
from agent_desk.demo.draws import Draws, cumulative
from agent_desk.demo.hospital import Hospital
from agent_desk.demo.people import Person
from agent_desk.domain.enums import (
    AttemptOutcome,
    CallDirection,
    Channel,
    EncounterKind,
    TaskStatus,
)

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
        self.lost_reasons = [(reason, outcome.value) for reason, outcome in care_words.LOST_REASONS]
        self.failed_outcomes = [outcome.value for outcome in care_words.FAILED_OUTCOMES]
        self.orders = [
            "出院医嘱：" + "；".join(f"{n}. {item}" for n, item in enumerate(spec.orders, 1)) + "。"
            for spec in DEPARTMENTS
        ]
        self.answers = _answer_pool(random.Random(f"{seed}:answers"))

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
        status, lost, final_outcome, failed = _PENDING, None, _REACHED, 0
        r = rnd()
        if end < today:
            if r < 0.88:
                status, failed = _DONE, (0 if r < 0.53 else 1 if r < 0.78 else 2)
            elif r < 0.96:
                status, failed = _LOST, 3
                lost, final_outcome = self.lost_reasons[int(rnd() * len(self.lost_reasons))]
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
            None, self.h.department_ids[d], status, lost,
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
            answers, scores, score = self.answers[int(rnd() * len(self.answers))]
            rows["followup_records"].append((
                uuid7().hex, tid, p.pid, attempt_id, TEMPLATE_CODE, TEMPLATE_VERSION, answers,
                scores, score, staff, at,
            ))  # fmt: skip

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


def _answer_pool(rng: random.Random) -> list[tuple[str, str, float]]:
    """Completed general-discharge forms; drawn from a pool since json.dumps per row is slow."""
    levels = care_words.RECOVERY_LEVELS
    level_cum = cumulative(level[3] for level in levels)
    pool = []
    for _ in range(2048):
        recovery, low, high, _ = levels[bisect_right(level_cum, rng.random())]
        score = float(rng.randint(low, high))
        comment = rng.choice(care_words.COMMENTS) if rng.random() < 0.15 else None
        unhappy = comment is not None and comment[0] == "criticism"
        weights = (20, 12, 5, 2, 1) if unhappy else (70, 22, 6, 1.5, 0.5)
        marks = {
            dimension: rng.choices((5, 4, 3, 2, 1), weights)[0]
            for dimension in ("doctor", "nurse", "environment", "cost", "overall")
        }
        answers: dict[str, object] = {
            "recovery": recovery,
            "medication_adherence": rng.choice(care_words.MEDICATION),
            "revisit_planned": rng.random() < 0.8,
            **{f"satisfaction_{dimension}": mark for dimension, mark in marks.items()},
        }
        if comment is not None:
            answers["feedback_type"], answers["feedback"] = comment
        satisfaction = round(sum(marks.values()) / len(marks) * 20, 1)
        scores = {"recovery": score, "satisfaction": satisfaction}
        pool.append((json.dumps(answers, ensure_ascii=False), json.dumps(scores), score))
    return pool
