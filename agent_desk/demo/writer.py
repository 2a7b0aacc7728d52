"""A synthetic demo hospital: `agent-desk demo --patients N`.

Rows go in through the raw sqlite3 connection with executemany, one transaction
per batch, because the ORM's unit of work would take hours for a million
patients. Values are therefore written in exactly the storage format that
SQLAlchemy uses on SQLite, so that the ORM reads them back as if it had written
them: UUIDs as 32 hex digits, datetimes as naive UTC text with microseconds,
dates as ISO text, booleans as 0/1, JSON as text and enums as their values.

Everything is random, and seeded: a seed and a day give the same people (though
not the same ids, which are UUIDv7 and carry the clock). No real patient is
described anywhere.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from itertools import accumulate

from uuid_utils import uuid7

from agent_desk.db import natural_keys
from agent_desk.db.engine import Database
from agent_desk.demo import catalog_departments as cat
from agent_desk.domain.enums import (
    AttemptOutcome,
    CallDirection,
    Channel,
    ContactRelation,
    DischargeDisposition,
    EncounterKind,
    Role,
    Sex,
    TaskStatus,
)

Row = tuple[object, ...]
Rows = dict[str, list[Row]]

RECORD_PREFIX = "D"
RECORD_DIGITS = 9
NURSES_PER_DEPARTMENT = (2, 3)  # small departments, big ones (weight >= 4)
AGENTS = 6
_BIG_DEPARTMENT_WEIGHT = 4
# Settings for the load's own connection, restored afterwards. Without an fsync per
# commit and checkpoint a million patients load about a quarter faster; a power cut
# during the load may damage the file (it is demo data), and the final checkpoint,
# back under the engine's FULL setting, makes the finished load durable. The 256 MiB
# page cache keeps the randomly filled indexes (phone numbers, names) in memory, and
# the analysis limit makes the closing ANALYZE sample rather than read every index.
_BULK_PRAGMAS = {"synchronous": 0, "cache_size": -262_144, "analysis_limit": 1000}

_INSERTS = {
    "patients": "id, record_no, name, sex, birth_date, id_number, occupation, address, "
    "insurance_no, allergies, family_history, cardiac_history, chronic_conditions, tags, "
    "consent_call, consent_sms, consent_recording",
    "patient_contacts": "id, patient_id, relation, contact_name, raw_number, e164, is_primary",
    "encounters": "id, patient_id, kind, department_id, ward_id, attending_doctor, admitted_at, "
    "discharged_at, discharge_orders, disposition",
    "encounter_diagnoses": "id, encounter_id, seq, icd10, name",
    "followup_tasks": "id, patient_id, encounter_id, plan_code, due_date, window_start, "
    "window_end, priority, assignee_id, department_id, status, lost_reason",
    "calls": "id, direction, local_number, remote_number, remote_e164, display_name, started_at, "
    "answered_at, ended_at, staff_id, patient_id, task_id, recording_path",
    "followup_attempts": "id, task_id, patient_id, attempted_at, channel, staff_id, outcome, "
    "note, call_id",
    "followup_records": "id, task_id, patient_id, attempt_id, template_code, template_version, "
    "answers, scores, recovery_score, staff_id, completed_at",
}
_REFERENCE_INSERTS = {
    "departments": "id, code, name",
    "wards": "id, code, name, department_id",
    "staff_users": "id, username, display_name, role, department_id, active",
}
_VERSIONED = frozenset(
    {"patients", "patient_contacts", "encounters", "followup_tasks", "departments", "wards"}
    | {"staff_users"}
)


@dataclass(frozen=True)
class DemoSummary:
    """Rows this call added (departments, wards and staff only when they were missing)."""

    departments: int
    wards: int
    staff: int
    patients: int
    contacts: int
    encounters: int
    diagnoses: int
    tasks: int
    attempts: int
    records: int
    calls: int
    seconds: float


@dataclass(frozen=True)
class _Hospital:
    """The ids and names every batch draws from, aligned with demo_catalog.DEPARTMENTS."""

    department_ids: tuple[str, ...]
    ward_ids: tuple[tuple[str, ...], ...]
    nurse_ids: tuple[tuple[str, ...], ...]
    agent_ids: tuple[str, ...]
    doctors: tuple[tuple[str, ...], ...]


def generate(
    db: Database,
    patients: int,
    *,
    seed: int = 20261123,
    today: date | None = None,
    batch_size: int = 10_000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Add *patients* synthetic patients (with their whole history) to *db*.

    Departments, wards and demo staff are created when missing. Record numbers
    continue after the highest demo record number already present, so running
    this again adds patients. Each batch is committed on its own: an interrupted
    run leaves whole patients behind, never half of one. The load skips fsync
    until its final checkpoint (see _BULK_PRAGMAS), so it is for demo databases.
    """
    if not db.is_sqlite:
        raise ValueError(
            f"demo data can only be generated into an embedded SQLite database, "
            f"not {db.engine.dialect.name}; generate it into a local SQLite file instead"
        )
    if patients < 0:
        raise ValueError(f"patients must be zero or more, not {patients}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    today = today or date.today()
    totals = {f.name: 0 for f in fields(DemoSummary) if f.name != "seconds"}
    fairy = db.engine.raw_connection()
    try:
        conn = fairy.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        with _BulkMode(conn):
            hospital = _ensure_hospital(conn, random.Random(f"{seed}:hospital"), totals)
            first_no = _next_record_no(conn)
            if first_no + patients > 10**RECORD_DIGITS:
                raise ValueError("demo record numbers would overflow; use a new database")
            # Seeded by the first record number too, so that a second run adds new people.
            builder = _RowBuilder(hospital, today, random.Random(f"{seed}:{first_no}"), seed)
            _load(conn, builder, range(first_no, first_no + patients), batch_size, progress, totals)
            # Without statistics the planner answers "this patient's open tasks" from the
            # worklist index, because it matches the ORDER BY, and reads every open task:
            # 400 ms instead of 0.1 ms at a million patients. Sampled, this takes ~20 ms.
            conn.execute("ANALYZE")
    finally:
        fairy.close()
    return DemoSummary(**totals, seconds=time.perf_counter() - started)


def _load(
    conn: sqlite3.Connection,
    builder: _RowBuilder,
    record_nos: range,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    totals: dict[str, int],
) -> None:
    batches = [record_nos[n : n + batch_size] for n in range(0, len(record_nos), batch_size)]
    if not batches:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-rows") as worker:
        upcoming: Future[Rows] = worker.submit(builder.batch, batches[0])
        for n, batch in enumerate(batches):
            rows = upcoming.result()
            _insert(conn, _INSERTS, rows, _stamp())
            # COMMIT writes the dirty pages with the GIL released and takes longer than
            # building a batch, so the next batch is built on the other core meanwhile.
            # Not earlier: during the inserts both threads would fight over the GIL per row.
            if n + 1 < len(batches):
                upcoming = worker.submit(builder.batch, batches[n + 1])
            conn.execute("COMMIT")
            for table, name in _SUMMARY_NAMES.items():
                totals[name] += len(rows[table])
            if progress is not None:
                progress(batch.stop - record_nos.start, len(record_nos))


_SUMMARY_NAMES = {
    "patients": "patients",
    "patient_contacts": "contacts",
    "encounters": "encounters",
    "encounter_diagnoses": "diagnoses",
    "followup_tasks": "tasks",
    "followup_attempts": "attempts",
    "followup_records": "records",
    "calls": "calls",
}


class _BulkMode:
    """The connection set up for a bulk load (see _BULK_PRAGMAS), and put back afterwards."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._saved: dict[str, int] = {}

    def __enter__(self) -> None:
        for name, value in _BULK_PRAGMAS.items():
            self._saved[name] = int(self._conn.execute(f"PRAGMA {name}").fetchone()[0])
            self._conn.execute(f"PRAGMA {name}={value}")

    def __exit__(self, *exc: object) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        for name, value in self._saved.items():
            self._conn.execute(f"PRAGMA {name}={value}")
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _insert_sql(table: str, columns: str, stamp: str) -> str:
    placeholders = ", ".join("?" * (columns.count(",") + 1))
    if table not in _VERSIONED:
        return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    # The stamp is our own formatted clock reading, inlined so that no row binds it.
    return (
        f"INSERT INTO {table} ({columns}, version, created_at, updated_at) "
        f"VALUES ({placeholders}, 1, '{stamp}', '{stamp}')"
    )


def _insert(conn: sqlite3.Connection, inserts: dict[str, str], rows: Rows, stamp: str) -> None:
    """Begin a batch's transaction and insert its rows; the caller commits."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table, columns in inserts.items():
            if rows[table]:
                conn.executemany(_insert_sql(table, columns, stamp), rows[table])
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _next_record_no(conn: sqlite3.Connection) -> int:
    pattern = RECORD_PREFIX + "[0-9]" * RECORD_DIGITS
    row = conn.execute("SELECT max(record_no) FROM patients WHERE record_no GLOB ?", (pattern,))
    highest = row.fetchone()[0]
    return 1 if highest is None else int(highest[len(RECORD_PREFIX) :]) + 1


_BY_CODE = {"departments": natural_keys.department_id, "wards": natural_keys.ward_id}


def _ensure_hospital(
    conn: sqlite3.Connection, rng: random.Random, totals: dict[str, int]
) -> _Hospital:
    """Departments, wards and demo staff, found by code and username or else inserted."""
    known: dict[str, dict[str, str]] = {
        "departments": dict(conn.execute("SELECT code, id FROM departments").fetchall()),
        "wards": dict(conn.execute("SELECT code, id FROM wards").fetchall()),
        "staff_users": dict(conn.execute("SELECT username, id FROM staff_users").fetchall()),
    }
    new: Rows = {table: [] for table in known}

    def ensure(table: str, key: str, *values: object) -> str:
        ids = known[table]
        if key not in ids:
            # Departments and wards by their code, as intake makes them: a workstation
            # that imports a discharge of a demo department before its first download
            # makes the row the central server already has, not a clashing second one.
            made = _BY_CODE.get(table)
            ids[key] = (made(key) if made else uuid7()).hex
            new[table].append((ids[key], key, *values))
        return ids[key]

    department_ids, ward_ids, nurse_ids, doctors = [], [], [], []
    for spec in cat.DEPARTMENTS:
        dept = ensure("departments", spec.code, spec.name)
        department_ids.append(dept)
        ward_ids.append(tuple(ensure("wards", code, name, dept) for code, name in _wards(spec)))
        size = NURSES_PER_DEPARTMENT[spec.weight >= _BIG_DEPARTMENT_WEIGHT]
        nurse_ids.append(
            tuple(
                ensure(
                    "staff_users",
                    f"demo_nurse_{spec.code.lower()}_{n}",
                    _name(rng, "F"),
                    Role.NURSE.value,
                    dept,
                    1,
                )
                for n in range(1, size + 1)
            )
        )
        doctors.append(tuple(_name(rng, rng.choice("MMF")) for _ in range(6)))
    agent_ids = tuple(
        ensure("staff_users", f"demo_agent_{n}", _name(rng, rng.choice("FFM")), Role.AGENT.value,
               None, 1)
        for n in range(1, AGENTS + 1)
    )  # fmt: skip
    _insert(conn, _REFERENCE_INSERTS, new, _stamp())
    conn.execute("COMMIT")
    totals["departments"] = len(new["departments"])
    totals["wards"] = len(new["wards"])
    totals["staff"] = len(new["staff_users"])
    return _Hospital(
        tuple(department_ids), tuple(ward_ids), tuple(nurse_ids), agent_ids, tuple(doctors)
    )


def _wards(spec: cat.DepartmentSpec) -> list[tuple[str, str]]:
    if spec.wards == 1:
        return [(f"{spec.code}-1", f"{spec.name}病区")]
    return [
        (f"{spec.code}-{n + 1}", f"{spec.name}{cat.WARD_NUMERALS[n]}病区")
        for n in range(spec.wards)
    ]


def _name(rng: random.Random, sex: str) -> str:
    surname = rng.choice(cat.SURNAMES)[0]
    pool = cat.GIVEN_MALE_MID if sex == "M" else cat.GIVEN_FEMALE_MID
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))


# --- rows -------------------------------------------------------------------------------------

PLAN_CODE = "discharge_7d"
TEMPLATE_CODE = "general_discharge"
TEMPLATE_VERSION = "1"
_DAY = 86_400
_CST = 8 * 3600  # China Standard Time has no daylight saving
_WORKDAY = 34_200  # 08:00-17:30 local is 00:00-09:30 UTC, on the same date
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2, as GB 11643 uses it
_SHARE_NUMBER = 0.05  # adults whose spouse is also a patient; ~2% of numbers end up shared
_DEPTS = cat.DEPARTMENTS

# Enum values as exact str: sqlite3 binds a str subclass (an enum member) about twice
# as slowly, which shows at a million patients.
_M, _F = Sex.MALE.value, Sex.FEMALE.value
_SELF, _SPOUSE, _CHILD, _PARENT, _SIBLING = (
    ContactRelation.SELF.value, ContactRelation.SPOUSE.value, ContactRelation.CHILD.value,
    ContactRelation.PARENT.value, ContactRelation.SIBLING.value,
)  # fmt: skip
_OUTPATIENT, _INPATIENT = EncounterKind.OUTPATIENT.value, EncounterKind.INPATIENT.value
_HOME = DischargeDisposition.HOME.value
_PENDING, _DONE, _LOST = TaskStatus.PENDING.value, TaskStatus.DONE.value, TaskStatus.LOST.value
_PHONE, _SMS, _WECHAT = Channel.PHONE.value, Channel.SMS.value, Channel.WECHAT.value
_REACHED, _NO_ANSWER = AttemptOutcome.REACHED.value, AttemptOutcome.NO_ANSWER.value
_ANSWERED = frozenset(
    o.value
    for o in (AttemptOutcome.REACHED, AttemptOutcome.REFUSED, AttemptOutcome.WRONG_NUMBER,
              AttemptOutcome.DECEASED)
)  # fmt: skip
_OUTBOUND = CallDirection.OUTBOUND.value

_Home = tuple[str, int, str]  # address, city index, region code
_Partner = tuple[str, str, str, int, str, int, str]  # name, mobile, E.164, birth day, *home
_Chronic = tuple[str, str, str]  # condition, ICD-10, diagnosis name


@dataclass(slots=True)
class _Person:
    pid: str
    name: str
    surname: str
    sex: str
    birth: int  # a day number, like every date in _RowBuilder
    birth_year: int
    age: int
    home: _Home
    principal: cat.Diagnosis
    chronic: list[_Chronic]
    cardiac: bool = False


def _cumulative(weights: Iterable[float]) -> list[float]:
    cum = list(accumulate(weights))
    total = cum[-1]
    cum = [running / total for running in cum]
    cum[-1] = 1.0  # random() < 1.0, so bisect never runs off the end
    return cum


def _era(birth_year: int) -> int:
    return 0 if birth_year < 1970 else 1 if birth_year < 1995 else 2


class _RowBuilder:
    """Turns a seeded random stream into rows, a batch of patients at a time.

    Days are ints counted from `base`, and their strings are looked up rather than
    formatted: formatting a datetime per row would cost more than inserting the row.
    """

    def __init__(self, hospital: _Hospital, today: date, rng: random.Random, seed: int) -> None:
        self.h = hospital
        self.rnd = rng.random
        self.base = today.toordinal() - 110 * 366
        self.today = today.toordinal() - self.base
        dates = [date.fromordinal(self.base + n) for n in range(self.today + 120)]
        self.day = [d.isoformat() for d in dates]
        self.day_at = [d + " " for d in self.day]
        self.cn_day = [f"{d.year}年{d.month}月{d.day}日" for d in dates]
        self.ymd = [d.replace("-", "") for d in self.day]
        self.ymd_sum = [_weighted(ymd, _ID_WEIGHTS[6:14]) for ymd in self.ymd]
        self.seq_sum = [_weighted(f"{n:03d}", _ID_WEIGHTS[14:]) for n in range(1000)]
        self.clock = [
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(_DAY)
        ]
        self.dept_cum = _cumulative(spec.weight for spec in _DEPTS)
        year_weight = {
            age: weight / (last - first + 1)
            for first, last, weight in cat.AGE_BANDS
            for age in range(first, last + 1)
        }
        self.ages = []
        for spec in _DEPTS:
            ages = list(range(spec.ages[0], spec.ages[1] + 1))
            self.ages.append((ages, _cumulative(year_weight[a] for a in ages)))
        self.eligible = {(sex, age): _eligible(sex, age) for sex in (_M, _F) for age in range(100)}
        self.diagnoses: dict[tuple[int, str, int], tuple[cat.Diagnosis, ...]] = {}
        self.surnames = [name for name, weight in cat.SURNAMES for _ in range(weight)]
        self.given = {
            (_M, 0): cat.GIVEN_MALE_OLD, (_M, 1): cat.GIVEN_MALE_MID,
            (_M, 2): cat.GIVEN_MALE_NEW, (_F, 0): cat.GIVEN_FEMALE_OLD,
            (_F, 1): cat.GIVEN_FEMALE_MID, (_F, 2): cat.GIVEN_FEMALE_NEW,
        }  # fmt: skip
        self.city_cum = _cumulative(city[4] for city in cat.CITIES)
        self.region_sum = {
            code: _weighted(code, _ID_WEIGHTS[:6]) for city in cat.CITIES for code, _ in city[5]
        }
        self.encounter_cum = (
            _cumulative(cat.ENCOUNTER_WEIGHTS_YOUNG),
            _cumulative(cat.ENCOUNTER_WEIGHTS_OLD),
        )
        self.family_limits = [limit for limit, _ in cat.FAMILY_CONTACTS]
        self.family = [
            ([relation.value for relation, _ in options], _cumulative(w for _, w in options))
            for _, options in cat.FAMILY_CONTACTS
        ]
        self.own_limits = [limit for limit, _ in cat.OWN_MOBILE]
        self.own_shares = [share for _, share in cat.OWN_MOBILE]
        self.dispositions = [disposition.value for disposition, _ in cat.DISPOSITIONS]
        self.disposition_cum = _cumulative(w for _, w in cat.DISPOSITIONS)
        self.lost_reasons = [(reason, outcome.value) for reason, outcome in cat.LOST_REASONS]
        self.failed_outcomes = [outcome.value for outcome in cat.FAILED_OUTCOMES]
        self.chronic_by_prefix = {c.icd10[:3]: c.name for c in cat.CHRONIC}
        self.orders = [
            "出院医嘱：" + "；".join(f"{n}. {item}" for n, item in enumerate(spec.orders, 1)) + "。"
            for spec in _DEPTS
        ]
        self.answers = _answer_pool(random.Random(f"{seed}:answers"))
        self.tags: dict[tuple[str, ...], str] = {}
        # Adults with their own mobile, by sex, who may turn out to be a later patient's spouse.
        self.partners: dict[str, list[_Partner]] = {_M: [], _F: []}

    def batch(self, record_nos: range) -> Rows:
        rows: Rows = {table: [] for table in _INSERTS}
        for no in record_nos:
            self._patient(f"{RECORD_PREFIX}{no:0{RECORD_DIGITS}d}", rows)
        return rows

    def _patient(self, record_no: str, rows: Rows) -> None:
        rnd = self.rnd
        d = bisect_right(self.dept_cum, rnd())
        spec = _DEPTS[d]
        discharged = self.today - int(rnd() * 90)
        admitted = discharged - self._stay(d)
        sex = _F if spec.female_only or rnd() < 0.48 else _M
        if spec.newborn:
            birth = admitted - int(rnd() * 28)
        else:
            ages, cum = self.ages[d]
            birth = admitted - int((ages[bisect_right(cum, rnd())] + rnd()) * 365.25)
        age = int((self.today - birth) / 365.25)
        partner = self._partner(sex, age, birth)
        home = self._home() if partner is None else partner[4:]
        principal = self._diagnosis(d, sex, age)
        birth_year = int(self.day[birth][:4])
        surname = self._surname()
        person = _Person(
            uuid7().hex, surname + self._given(sex, birth_year), surname, sex, birth, birth_year,
            age, home, principal, self._chronic(age, principal),
        )  # fmt: skip
        rows["patients"].append(self._patient_row(record_no, person, spec))
        phones = self._contacts(rows, person, partner)
        disposition = self.dispositions[bisect_right(self.disposition_cum, rnd())]
        latest = self._encounter(rows, person, d, admitted, discharged, disposition)
        earliest, last = max(birth + 1, admitted - 3 * 365), admitted - 31
        earlier = bisect_right(self.encounter_cum[age >= 60], rnd()) if last >= earliest else 0
        for _ in range(earlier):
            day = earliest + int(rnd() * (last - earliest + 1))
            age_then = min(99, int((day - birth) / 365.25))
            e = d  # half come back to the same department
            if rnd() < 0.5 or age_then < spec.ages[0]:
                depts, cum = self.eligible[sex, age_then]
                e = depts[bisect_right(cum, rnd())]
            out = day + self._stay(e) if rnd() < 0.3 else None
            self._encounter(rows, person, e, day, out, _HOME, age_then)
        self._followup(rows, person, latest, d, discharged, phones)

    # -- people ----------------------------------------------------------------------------

    def _pick(self, options: Sequence[str]) -> str:
        return options[int(self.rnd() * len(options))]

    def _surname(self) -> str:
        return self.surnames[int(self.rnd() * len(self.surnames))]

    def _given(self, sex: str, birth_year: int) -> str:
        pool = self.given[sex, _era(birth_year)]
        given = pool[int(self.rnd() * len(pool))]
        return given + pool[int(self.rnd() * len(pool))] if self.rnd() < 0.72 else given

    def _stay(self, d: int) -> int:
        shortest, longest = _DEPTS[d].los
        return shortest + int(self.rnd() * (longest - shortest + 1))

    def _partner(self, sex: str, age: int, birth: int) -> _Partner | None:
        """An earlier patient of the other sex and a similar age, now and then."""
        if age < 25 or self.rnd() >= _SHARE_NUMBER:
            return None
        spouses = self.partners[_M if sex == _F else _F]
        for _ in range(3 if spouses else 0):
            n = int(self.rnd() * len(spouses))
            candidate = spouses[n]
            if abs(candidate[3] - birth) < 12 * 365:
                spouses[n] = spouses[-1]  # one spouse each
                spouses.pop()
                return candidate
        return None

    def _home(self) -> _Home:
        rnd = self.rnd
        city = bisect_right(self.city_cum, rnd())
        province, city_name, _, _, _, districts = cat.CITIES[city]
        code, district = districts[int(rnd() * len(districts))]
        prefix = city_name if province == city_name else province + city_name
        address = (
            f"{prefix}{district}{self._pick(cat.STREETS)}{1 + int(rnd() * 300)}号"
            f"{self._pick(cat.COMMUNITIES)}{1 + int(rnd() * 20)}号楼{1 + int(rnd() * 6)}单元"
            f"{1 + int(rnd() * 18)}{1 + int(rnd() * 4):02d}室"
        )
        return address, city, code

    def _diagnosis(self, d: int, sex: str, age: int) -> cat.Diagnosis:
        # Catalogue age limits are multiples of 5, so five-year buckets cache exactly.
        key = (d, sex, min(age, 60) // 5)
        choices = self.diagnoses.get(key)
        if choices is None:
            every = _DEPTS[d].diagnoses
            fits = tuple(x for x in every if x.sex in ("", sex) and x.min_age <= age)
            choices = self.diagnoses[key] = fits or every
        return choices[int(self.rnd() * len(choices))]

    def _chronic(self, age: int, principal: cat.Diagnosis) -> list[_Chronic]:
        if age < 18:
            return []
        band = 0 if age < 45 else 1 if age < 60 else 2
        found = [(c.name, c.icd10, c.diagnosis) for c in cat.CHRONIC if self.rnd() < c.shares[band]]
        implied = self.chronic_by_prefix.get(principal.icd10[:3])
        if implied is not None and all(c[0] != implied for c in found):
            found.append((implied, principal.icd10, principal.name))
        return found

    def _patient_row(self, record_no: str, p: _Person, spec: cat.DepartmentSpec) -> Row:
        rnd, age = self.rnd, p.age
        if age < 7:
            occupation = self._pick(cat.OCCUPATIONS_CHILD)
        elif age < 18 or (age < 23 and rnd() < 0.7):
            occupation = cat.OCCUPATION_STUDENT
        elif age >= 60 and rnd() < 0.75:
            occupation = cat.OCCUPATION_RETIRED
        else:
            occupation = self._pick(cat.OCCUPATIONS_ADULT)
        allergies = family = cardiac = None
        if rnd() < 0.15:
            allergies = self._pick(cat.ALLERGIES)
            second = self._pick(cat.ALLERGIES)
            if rnd() < 0.2 and second != allergies:
                allergies += "，" + second
        if rnd() < 0.25:
            family = self._pick(cat.FAMILY_HISTORY)
        conditions = [c[0] for c in p.chronic]
        heart = spec.code in ("CARD", "CTS") or "冠心病" in conditions
        if rnd() < (0.6 if heart else 0.08 if age >= 60 else 0.01 if age >= 18 else 0):
            cardiac = self._pick(cat.CARDIAC_HISTORY)
            p.cardiac = True
        region = p.home[2]
        seq = 2 * int(rnd() * 500) + (p.sex == _M)  # GB 11643: odd for men, even for women
        check = _ID_CHECK[
            (self.region_sum[region] + self.ymd_sum[p.birth] + self.seq_sum[seq]) % 11
        ]
        insurance = f"{region[:4]}{int(rnd() * 1e12):012d}" if rnd() < 0.9 else None
        return (
            p.pid, record_no, p.name, p.sex, self.day[p.birth],
            f"{region}{self.ymd[p.birth]}{seq:03d}{check}", occupation, p.home[0], insurance,
            allergies, family, cardiac, "、".join(conditions) or None, self._tags(p, spec),
            int(rnd() < 0.98), int(rnd() < 0.93), int(rnd() < 0.95),
        )  # fmt: skip

    def _tags(self, p: _Person, spec: cat.DepartmentSpec) -> str:
        tags = []
        if p.age >= 80:
            tags.append(cat.TAG_ELDERLY)
        if p.chronic:
            tags.append(cat.TAG_CHRONIC)
        if spec.code == "ONCO" or p.principal.icd10[0] == "C":
            tags.append(cat.TAG_ONCOLOGY)
        if spec.code == "OB":
            tags.append(cat.TAG_POSTPARTUM)
        if p.age >= 65 and self.rnd() < 0.06:
            tags.append(cat.TAG_ALONE)
        tags.extend(tag for tag, share in cat.OCCASIONAL_TAGS if self.rnd() < share)
        key = tuple(tags)
        if key not in self.tags:
            self.tags[key] = json.dumps(tags, ensure_ascii=False)
        return self.tags[key]

    # -- phones ----------------------------------------------------------------------------

    def _contacts(self, rows: Rows, p: _Person, partner: _Partner | None) -> list[tuple[str, str]]:
        """The patient's numbers as (raw, E.164), primary first; exactly one is primary."""
        rnd = self.rnd
        out = rows["patient_contacts"]
        phones: list[tuple[str, str]] = []
        if rnd() < self.own_shares[bisect_right(self.own_limits, p.age)]:
            digits, e164 = self._mobile()
            raw = self._typed(digits)
            out.append((uuid7().hex, p.pid, _SELF, None, raw, e164, 1))
            phones.append((raw, e164))
            if p.age >= 25:
                spouses = self.partners[p.sex]
                entry = (p.name, digits, e164, p.birth, *p.home)
                if len(spouses) < 256:
                    spouses.append(entry)
                else:
                    spouses[int(rnd() * 256)] = entry
        if partner is not None:
            # The spouse is a patient too: one number, two patients.
            relation, contact, digits, e164 = _SPOUSE, partner[0], partner[1], partner[2]
        elif not phones or p.age < 18 or rnd() < (0.75 if p.age >= 65 else 0.45):
            relation, contact = self._relative(p)
            digits, e164 = self._mobile()
        else:
            relation = ""
        if relation:
            raw = self._typed(digits)
            out.append((uuid7().hex, p.pid, relation, contact, raw, e164, int(not phones)))
            phones.append((raw, e164))
        if rnd() < (0.18 if p.age >= 65 else 0.08):
            raw, e164 = self._landline(p.home[1])
            out.append((uuid7().hex, p.pid, _SELF, None, raw, e164, 0))
            phones.append((raw, e164))
        return phones

    def _relative(self, p: _Person) -> tuple[str, str]:
        """A family member's relation and name."""
        relations, cum = self.family[bisect_right(self.family_limits, p.age)]
        relation = relations[bisect_right(cum, self.rnd())]
        anyone = _M if self.rnd() < 0.5 else _F
        if relation == _SPOUSE:
            return relation, self._surname() + self._given(_F if p.sex == _M else _M, p.birth_year)
        if relation == _CHILD:  # children usually carry their father's surname
            family = p.surname if p.sex == _M else self._surname()
            return relation, family + self._given(anyone, p.birth_year + 28)
        if relation == _PARENT:
            family = p.surname if anyone == _M else self._surname()
            return relation, family + self._given(anyone, p.birth_year - 28)
        if relation == _SIBLING:
            return relation, p.surname + self._given(anyone, p.birth_year)
        return relation, self._surname() + self._given(anyone, p.birth_year)

    def _mobile(self) -> tuple[str, str]:
        digits = self._pick(cat.MOBILE_PREFIXES) + f"{int(self.rnd() * 100_000_000):08d}"
        return digits, "+86" + digits

    def _typed(self, m: str) -> str:
        """A mobile number the way one of several people would have typed it."""
        r = self.rnd()
        if r < 0.45:
            return m
        if r < 0.70:
            return f"{m[:3]} {m[3:7]} {m[7:]}"
        if r < 0.82:
            return f"{m[:3]}-{m[3:7]}-{m[7:]}"
        if r < 0.90:
            return "+86" + m
        if r < 0.96:
            return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
        return f"+86 {m[:3]}-{m[3:7]}-{m[7:]}"

    def _landline(self, city: int) -> tuple[str, str]:
        _, _, area, length, _, _ = cat.CITIES[city]
        # First digit 2-7: local numbers starting 8 include service ranges (800…) that
        # phonenumbers rightly rejects, and a demo number must normalise like a real one.
        local = f"{2 + int(self.rnd() * 6)}{int(self.rnd() * 10 ** (length - 1)):0{length - 1}d}"
        r = self.rnd()
        if r < 0.4:
            raw = f"{area}-{local[: length - 4]} {local[length - 4 :]}"
        elif r < 0.7:
            raw = f"{area}-{local}"
        elif r < 0.85:
            raw = f"({area}){local}"
        else:
            raw = area + local
        return raw, "+86" + area[1:] + local

    # -- care ------------------------------------------------------------------------------

    def _at(self, day: int, local_second: int) -> str:
        utc = local_second - _CST
        if utc < 0:
            return self.day_at[day - 1] + self.clock[utc + _DAY]
        return self.day_at[day] + self.clock[utc]

    def _encounter(
        self,
        rows: Rows,
        p: _Person,
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
        doctor = self._pick(self.h.doctors[d])
        if discharged is None:
            rows["encounters"].append((
                eid, p.pid, _OUTPATIENT, dept, None, doctor,
                self._at(admitted, 28_800 + int(rnd() * 32_400)), None, None, None,
            ))  # fmt: skip
            count = 1 + (rnd() < 0.4)
        else:
            revisit = self.cn_day[discharged + _DEPTS[d].revisit_days]
            rows["encounters"].append((
                eid, p.pid, _INPATIENT, dept, self._pick(self.h.ward_ids[d]), doctor,
                self._at(admitted, 25_200 + int(rnd() * 54_000)),
                self._at(discharged, 32_400 + int(rnd() * 21_600)),
                self.orders[d].replace("{date}", revisit), disposition,
            ))  # fmt: skip
            count = 1 + (rnd() < 0.55) + (rnd() < 0.25)
        first = p.principal if age is None else self._diagnosis(d, p.sex, age)
        out = rows["encounter_diagnoses"]
        out.append((uuid7().hex, eid, 0, first.icd10, first.name))
        seen = [first.icd10]
        for _ in range(count - 1):
            if p.chronic and rnd() < 0.6:
                _, code, label = p.chronic[int(rnd() * len(p.chronic))]
            else:
                other = self._diagnosis(d, p.sex, p.age if age is None else age)
                code, label = other.icd10, other.name
            if code not in seen:
                out.append((uuid7().hex, eid, len(seen), code, label))
                seen.append(code)
        return eid

    def _followup(
        self,
        rows: Rows,
        p: _Person,
        eid: str,
        d: int,
        discharged: int,
        phones: list[tuple[str, str]],
    ) -> None:
        """The 7-day discharge call, with the attempts, calls and form it has had by today."""
        rnd, today, spec = self.rnd, self.today, _DEPTS[d]
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
        staff = self._pick(self.h.nurse_ids[d] if rnd() < 0.8 else self.h.agent_ids)
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
                outcome = self._pick(self.failed_outcomes) if channel == _PHONE else _NO_ANSWER
            at = self.day_at[day] + self.clock[second]
            if channel == _PHONE:
                call_id = uuid7().hex
                self._call(
                    rows, p, tid, staff, call_id, phones[n % len(phones)], day, second, outcome
                )
            elif channel == _SMS:
                note = cat.SMS_NOTE
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
        p: _Person,
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


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))


def _eligible(sex: str, age: int) -> tuple[list[int], list[float]]:
    """Departments that could have seen this patient, with their weights, for earlier visits."""
    depts = [
        i
        for i, spec in enumerate(_DEPTS)
        if spec.ages[0] <= age <= spec.ages[1]
        and not spec.newborn
        and (sex == _F or not spec.female_only)
    ]
    return depts, _cumulative(_DEPTS[i].weight for i in depts)


def _answer_pool(rng: random.Random) -> list[tuple[str, str, float]]:
    """Completed general-discharge forms; drawn from a pool since json.dumps per row is slow."""
    levels = cat.RECOVERY_LEVELS
    level_cum = _cumulative(level[3] for level in levels)
    pool = []
    for _ in range(2048):
        recovery, low, high, _ = levels[bisect_right(level_cum, rng.random())]
        score = float(rng.randint(low, high))
        comment = rng.choice(cat.COMMENTS) if rng.random() < 0.15 else None
        unhappy = comment is not None and comment[0] == "criticism"
        weights = (20, 12, 5, 2, 1) if unhappy else (70, 22, 6, 1.5, 0.5)
        marks = {
            dimension: rng.choices((5, 4, 3, 2, 1), weights)[0]
            for dimension in ("doctor", "nurse", "environment", "cost", "overall")
        }
        answers: dict[str, object] = {
            "recovery": recovery,
            "medication_adherence": rng.choice(cat.MEDICATION),
            "revisit_planned": rng.random() < 0.8,
            **{f"satisfaction_{dimension}": mark for dimension, mark in marks.items()},
        }
        if comment is not None:
            answers["feedback_type"], answers["feedback"] = comment
        satisfaction = round(sum(marks.values()) / len(marks) * 20, 1)
        scores = {"recovery": score, "satisfaction": satisfaction}
        pool.append((json.dumps(answers, ensure_ascii=False), json.dumps(scores), score))
    return pool
