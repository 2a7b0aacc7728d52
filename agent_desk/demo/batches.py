"""Batches of demo patients, each with the whole history the load writes for it."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date

from uuid_utils import uuid7

from agent_desk.db.bulk_load import Rows
from agent_desk.demo import catalog_care as care_words
from agent_desk.demo import catalog_people as people_words
from agent_desk.demo.care import CareMaker
from agent_desk.demo.catalog_departments import DEPARTMENTS
from agent_desk.demo.days import Days
from agent_desk.demo.draws import Draws, cumulative
from agent_desk.demo.hospital import Hospital, record_no
from agent_desk.demo.people import FEMALE, MALE, PeopleMaker, Person
from agent_desk.domain.enums import DischargeDisposition

# The tables a batch fills, with the DemoSummary field that counts each.
BATCH_TABLES = {
    "patients": "patients",
    "patient_contacts": "contacts",
    "encounters": "encounters",
    "encounter_diagnoses": "diagnoses",
    "followup_tasks": "tasks",
    "followup_attempts": "attempts",
    "followup_records": "records",
    "feedback_items": "feedback",
    "calls": "calls",
}
_HOME = DischargeDisposition.HOME.value


class BatchBuilder(Draws):
    """Turns a seeded random stream into rows, a batch of patients at a time."""

    def __init__(self, hospital: Hospital, today: date, rng: random.Random, seed: int) -> None:
        super().__init__(rng.random)
        self.days = Days(today)
        self.people = PeopleMaker(self, self.days)
        self.care = CareMaker(self, self.days, hospital, seed)
        self.dept_cum = cumulative(spec.weight for spec in DEPARTMENTS)
        year_weight = {
            age: weight / (last - first + 1)
            for first, last, weight in people_words.AGE_BANDS
            for age in range(first, last + 1)
        }
        self.ages = []
        for spec in DEPARTMENTS:
            ages = list(range(spec.ages[0], spec.ages[1] + 1))
            self.ages.append((ages, cumulative(year_weight[a] for a in ages)))
        self.eligible = {
            (sex, age): _eligible(sex, age) for sex in (MALE, FEMALE) for age in range(100)
        }
        self.encounter_cum = (
            cumulative(care_words.ENCOUNTER_WEIGHTS_YOUNG),
            cumulative(care_words.ENCOUNTER_WEIGHTS_OLD),
        )
        self.dispositions = [disposition.value for disposition, _ in care_words.DISPOSITIONS]
        self.disposition_cum = cumulative(w for _, w in care_words.DISPOSITIONS)

    def batch(self, record_nos: range) -> Rows:
        rows: Rows = {table: [] for table in BATCH_TABLES}
        for no in record_nos:
            self._patient(record_no(no), rows)
        return rows

    def _patient(self, number: str, rows: Rows) -> None:
        rnd, people, care = self.rnd, self.people, self.care
        d = bisect_right(self.dept_cum, rnd())
        spec = DEPARTMENTS[d]
        discharged = self.days.today - int(rnd() * 90)
        admitted = discharged - care.stay(d)
        sex = FEMALE if spec.female_only or rnd() < 0.48 else MALE
        if spec.newborn:
            birth = admitted - int(rnd() * 28)
        else:
            ages, cum = self.ages[d]
            birth = admitted - int((ages[bisect_right(cum, rnd())] + rnd()) * 365.25)
        age = int((self.days.today - birth) / 365.25)
        partner = people.partner(sex, age, birth)
        home = people.home() if partner is None else partner[4:]
        principal = care.diagnosis(d, sex, age)
        birth_year = int(self.days.day[birth][:4])
        surname = people.surname()
        person = Person(
            uuid7().hex, surname + people.given(sex, birth_year), surname, sex, birth, birth_year,
            age, home, principal, people.chronic(age, principal),
        )  # fmt: skip
        rows["patients"].append(people.patient_row(number, person, spec))
        phones = people.contacts(rows, person, partner)
        disposition = self.dispositions[bisect_right(self.disposition_cum, rnd())]
        latest = care.encounter(rows, person, d, admitted, discharged, disposition)
        earliest, last = max(birth + 1, admitted - 3 * 365), admitted - 31
        earlier = bisect_right(self.encounter_cum[age >= 60], rnd()) if last >= earliest else 0
        for _ in range(earlier):
            day = earliest + int(rnd() * (last - earliest + 1))
            age_then = min(99, int((day - birth) / 365.25))
            e = d  # half come back to the same department
            if rnd() < 0.5 or age_then < spec.ages[0]:
                depts, cum = self.eligible[sex, age_then]
                e = depts[bisect_right(cum, rnd())]
            out = day + care.stay(e) if rnd() < 0.3 else None
            care.encounter(rows, person, e, day, out, _HOME, age_then)
        care.followup(rows, person, latest, d, discharged, phones)


def _eligible(sex: str, age: int) -> tuple[list[int], list[float]]:
    """Departments that could have seen this patient, with their weights, for earlier visits."""
    depts = [
        i
        for i, spec in enumerate(DEPARTMENTS)
        if spec.ages[0] <= age <= spec.ages[1]
        and not spec.newborn
        and (sex == FEMALE or not spec.female_only)
    ]
    return depts, cumulative(DEPARTMENTS[i].weight for i in depts)
