"""A synthetic demo hospital: `agent-desk demo --patients N`.

Rows go in through the raw sqlite3 connection with executemany, one transaction
per batch, because the ORM's unit of work would take hours for a million
patients. Values are therefore written in exactly the storage format that
SQLAlchemy uses on SQLite, so that the ORM reads them back as if it had written
them: UUIDs as 32 hex digits, datetimes as naive UTC text with microseconds,
dates as ISO text, booleans as 0/1, JSON as text and enums as their values.

Everything is random (seeded, so a seed and a day give the same hospital);
no real patient is described anywhere.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from bisect import bisect_right
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

from uuid_utils import uuid7

from agent_desk.db import demo_catalog as cat
from agent_desk.db.engine import Database
from agent_desk.domain.enums import Role

Rows = dict[str, list[tuple[object, ...]]]

RECORD_PREFIX = "D"
RECORD_DIGITS = 9
NURSES_PER_DEPARTMENT = (2, 3)  # small departments, big ones (weight >= 4)
AGENTS = 6
_BIG_DEPARTMENT_WEIGHT = 4
# Settings for the load's own connection, restored afterwards. Without an fsync per
# commit and checkpoint a million patients load about a quarter faster; a power cut
# during the load may damage the file (it is demo data), and the final checkpoint,
# back under the engine's FULL setting, makes the finished load durable. The 256 MiB
# page cache keeps the randomly filled indexes (phone numbers, names) in memory.
_BULK_PRAGMAS = {"synchronous": 0, "cache_size": -262_144}

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
class Hospital:
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
    run leaves whole patients behind, never half of one.
    """
    if not db.is_sqlite:
        raise ValueError(
            f"demo data can only be generated into an embedded SQLite database, "
            f"not {db.engine.dialect.name}; generate it locally and sync it instead"
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
            builder = RowBuilder(hospital, today, random.Random(f"{seed}:{first_no}"), seed)
            _load(conn, builder, range(first_no, first_no + patients), batch_size, progress, totals)
    finally:
        fairy.close()
    return DemoSummary(**totals, seconds=time.perf_counter() - started)


def _load(
    conn: sqlite3.Connection,
    builder: RowBuilder,
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


def _ensure_hospital(
    conn: sqlite3.Connection, rng: random.Random, totals: dict[str, int]
) -> Hospital:
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
            ids[key] = uuid7().hex
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
    return Hospital(
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

# name, mobile digits, E.164, birth day, address, city index, region code
Partner = tuple[str, str, str, int, str, int, str]

PLAN_CODE = "discharge_7d"
TEMPLATE_CODE = "general_discharge"
TEMPLATE_VERSION = "1"
_DAY = 86_400
_CST = 8 * 3600  # China Standard Time has no daylight saving
_WORKDAY = 34_200  # 08:00-17:30 local is 00:00-09:30 UTC, on the same date
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2, as GB 11643 uses it
_SHARE_NUMBER = 0.035  # adults whose spouse is also a patient on the same number
_ANSWERED = frozenset({"reached", "refused", "wrong_number", "deceased"})
_DEPTS = cat.DEPARTMENTS


def _cumulative(weights: list[float] | tuple[float, ...]) -> list[float]:
    total, running, cum = sum(weights), 0.0, []
    for weight in weights:
        running += weight
        cum.append(running / total)
    cum[-1] = 1.0  # random() < 1.0, so bisect never runs off the end
    return cum


def _era(birth_year: int) -> int:
    return 0 if birth_year < 1970 else 1 if birth_year < 1995 else 2


class RowBuilder:
    """Turns a seeded random stream into rows, a batch of patients at a time.

    Days are ints counted from `base`; strings for them are looked up, not formatted,
    because formatting a datetime per row would cost more than inserting it.
    """

    def __init__(self, hospital: Hospital, today: date, rng: random.Random, seed: int) -> None:
        self.h = hospital
        self.rng = rng
        self.rnd = rng.random
        self.base = today.toordinal() - 110 * 366
        self.today = today.toordinal() - self.base
        dates = [date.fromordinal(self.base + n) for n in range(self.today + 120)]
        self.day = [d.isoformat() for d in dates]
        self.day_at = [d + " " for d in self.day]
        self.cn_day = [f"{d.year}年{d.month}月{d.day}日" for d in dates]
        self.ymd = [d.replace("-", "") for d in self.day]
        self.ymd_sum = [
            sum(int(c) * w for c, w in zip(s, _ID_WEIGHTS[6:14], strict=True)) for s in self.ymd
        ]
        self.seq_sum = [
            sum(int(c) * w for c, w in zip(f"{n:03d}", _ID_WEIGHTS[14:], strict=True))
            for n in range(1000)
        ]
        self.clock = [
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(_DAY)
        ]
        self.dept_cum = _cumulative([spec.weight for spec in _DEPTS])
        year_weight = {
            age: weight / (last - first + 1)
            for first, last, weight in cat.AGE_BANDS
            for age in range(first, last + 1)
        }
        self.ages = []
        for spec in _DEPTS:
            ages = list(range(spec.ages[0], spec.ages[1] + 1))
            self.ages.append((ages, _cumulative([year_weight[a] for a in ages])))
        self.eligible: dict[tuple[str, int], tuple[list[int], list[float]]] = {}
        for sex in "MF":
            for age in range(100):
                depts = [
                    i
                    for i, spec in enumerate(_DEPTS)
                    if spec.ages[0] <= age <= spec.ages[1]
                    and not spec.newborn
                    and (sex == "F" or not spec.female_only)
                ]
                self.eligible[sex, age] = (depts, _cumulative([_DEPTS[i].weight for i in depts]))
        self.diagnoses: dict[tuple[int, str, int], tuple[cat.Diagnosis, ...]] = {}
        self.surnames = [name for name, weight in cat.SURNAMES for _ in range(weight)]
        self.given = {
            ("M", 0): cat.GIVEN_MALE_OLD, ("M", 1): cat.GIVEN_MALE_MID,
            ("M", 2): cat.GIVEN_MALE_NEW, ("F", 0): cat.GIVEN_FEMALE_OLD,
            ("F", 1): cat.GIVEN_FEMALE_MID, ("F", 2): cat.GIVEN_FEMALE_NEW,
        }  # fmt: skip
        self.city_cum = _cumulative([city[4] for city in cat.CITIES])
        self.region_sum = {
            code: sum(int(c) * w for c, w in zip(code, _ID_WEIGHTS[:6], strict=True))
            for city in cat.CITIES
            for code, _ in city[5]
        }
        self.encounter_cum = (
            _cumulative(cat.ENCOUNTER_WEIGHTS_YOUNG),
            _cumulative(cat.ENCOUNTER_WEIGHTS_OLD),
        )
        self.chronic_by_prefix = {c.icd10[:3]: c.name for c in cat.CHRONIC}
        self.orders = [
            "出院医嘱：" + "；".join(f"{n}. {item}" for n, item in enumerate(spec.orders, 1)) + "。"
            for spec in _DEPTS
        ]
        self.answers = _answer_pool(random.Random(f"{seed}:answers"))
        self.tags: dict[tuple[str, ...], str] = {}
        # Adults with their own mobile, by sex, who might turn out to be someone's spouse.
        self.partners: dict[str, list[Partner]] = {"M": [], "F": []}

    def batch(self, record_nos: range) -> Rows:
        rows: Rows = {table: [] for table in _INSERTS}
        for no in record_nos:
            self._patient(f"{RECORD_PREFIX}{no:0{RECORD_DIGITS}d}", rows)
        return rows

    # -- people ----------------------------------------------------------------------------

    def _surname(self) -> str:
        return self.surnames[int(self.rnd() * len(self.surnames))]

    def _given(self, sex: str, birth_year: int) -> str:
        rnd = self.rnd
        pool = self.given[sex, _era(birth_year)]
        given = pool[int(rnd() * len(pool))]
        if rnd() < 0.72:
            given += pool[int(rnd() * len(pool))]
        return given

    def _mobile(self) -> tuple[str, str]:
        digits = cat.MOBILE_PREFIXES[int(self.rnd() * len(cat.MOBILE_PREFIXES))]
        digits += f"{int(self.rnd() * 100_000_000):08d}"
        return digits, "+86" + digits

    def _typed(self, m: str) -> str:
        """The same mobile as different people type it."""
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
        local = (
            str(2 + int(self.rnd() * 7)) + f"{int(self.rnd() * 10 ** (length - 1)):0{length - 1}d}"
        )
        split = length - 4
        r = self.rnd()
        if r < 0.4:
            raw = f"{area}-{local[:split]} {local[split:]}"
        elif r < 0.7:
            raw = f"{area}-{local}"
        elif r < 0.85:
            raw = f"({area}){local}"
        else:
            raw = area + local
        return raw, "+86" + area[1:] + local

    def _address(self, city: int) -> tuple[str, str]:
        rnd = self.rnd
        province, city_name, _, _, _, districts = cat.CITIES[city]
        code, district = districts[int(rnd() * len(districts))]
        prefix = city_name if province == city_name else province + city_name
        street = cat.STREETS[int(rnd() * len(cat.STREETS))]
        community = cat.COMMUNITIES[int(rnd() * len(cat.COMMUNITIES))]
        return code, (
            f"{prefix}{district}{street}{1 + int(rnd() * 300)}号{community}"
            f"{1 + int(rnd() * 20)}号楼{1 + int(rnd() * 6)}单元"
            f"{1 + int(rnd() * 18)}{1 + int(rnd() * 4):02d}室"
        )

    def _relative(self, sex: str, age: int, birth_year: int, surname: str) -> tuple[str, str]:
        """A family member's relation and name; children usually carry the father's surname."""
        rnd = self.rnd
        r = rnd()
        other_sex = "M" if rnd() < 0.5 else "F"
        if age < 18:
            if rnd() < 0.5:
                return "parent", surname + self._given("M", birth_year - 28)
            return "parent", self._surname() + self._given("F", birth_year - 28)
        if age < 40:
            relation = "spouse" if r < 0.6 else "parent" if r < 0.9 else "sibling"
        elif age < 65:
            relation = (
                "spouse"
                if r < 0.65
                else "child"
                if r < 0.85
                else "sibling"
                if r < 0.95
                else "other"
            )
        else:
            relation = "child" if r < 0.6 else "spouse" if r < 0.95 else "sibling"
        if relation == "spouse":
            return relation, self._surname() + self._given("F" if sex == "M" else "M", birth_year)
        if relation == "child":
            family = surname if sex == "M" else self._surname()
            return relation, family + self._given(other_sex, birth_year + 28)
        if relation == "parent":
            return relation, surname + self._given("M", birth_year - 28)
        if relation == "sibling":
            return relation, surname + self._given(other_sex, birth_year)
        return relation, self._surname() + self._given(other_sex, birth_year)

    def _diagnosis(self, d: int, sex: str, age: int) -> cat.Diagnosis:
        # Catalogue age limits are multiples of 5, so five-year buckets cache exactly.
        key = (d, sex, min(age, 60) // 5)
        choices = self.diagnoses.get(key)
        if choices is None:
            every = _DEPTS[d].diagnoses
            fits = tuple(x for x in every if x.sex in ("", sex) and x.min_age <= age)
            choices = self.diagnoses[key] = fits or every
        return choices[int(self.rnd() * len(choices))]

    def _chronic(self, age: int, principal: cat.Diagnosis) -> list[tuple[str, str, str]]:
        if age < 18:
            return []
        band = 0 if age < 45 else 1 if age < 60 else 2
        found = [(c.name, c.icd10, c.diagnosis) for c in cat.CHRONIC if self.rnd() < c.shares[band]]
        implied = self.chronic_by_prefix.get(principal.icd10[:3])
        if implied is not None and all(c[0] != implied for c in found):
            found.append((implied, principal.icd10, principal.name))
        return found

    def _at(self, day: int, local_second: int) -> str:
        utc = local_second - _CST
        if utc < 0:
            return self.day_at[day - 1] + self.clock[utc + _DAY]
        return self.day_at[day] + self.clock[utc]

    def _pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.rnd() * len(options))]

    def _patient(self, record_no: str, rows: Rows) -> None:
        rnd = self.rnd
        d = bisect_right(self.dept_cum, rnd())
        spec = _DEPTS[d]
        discharged = self.today - int(rnd() * 90)
        admitted = discharged - spec.los[0] - int(rnd() * (spec.los[1] - spec.los[0] + 1))
        sex = "F" if spec.female_only or rnd() < 0.48 else "M"
        if spec.newborn:
            birth = admitted - int(rnd() * 28)
        else:
            ages, cum = self.ages[d]
            birth = admitted - int((ages[bisect_right(cum, rnd())] + rnd()) * 365.25)
        age = int((self.today - birth) / 365.25)
        birth_year = int(self.day[birth][:4])
        partner: Partner | None = None
        if age >= 25 and rnd() < _SHARE_NUMBER:
            spouses = self.partners["M" if sex == "F" else "F"]
            if spouses:
                candidate = spouses[int(rnd() * len(spouses))]
                if abs(candidate[3] - birth) < 12 * 365:
                    partner = candidate
        if partner is not None:
            city, region, address = partner[5], partner[6], partner[4]
        else:
            city = bisect_right(self.city_cum, rnd())
            region, address = self._address(city)
        surname = self._surname()
        name = surname + self._given(sex, birth_year)
        seq = 2 * int(rnd() * 500) + (sex == "M")  # GB 11643: odd for men, even for women
        check = _ID_CHECK[(self.region_sum[region] + self.ymd_sum[birth] + self.seq_sum[seq]) % 11]
        principal = self._diagnosis(d, sex, age)
        chronic = self._chronic(age, principal)
        chronic_names = [c[0] for c in chronic]
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
        heart = spec.code in ("CARD", "CTS") or "冠心病" in chronic_names
        if rnd() < (0.6 if heart else 0.08 if age >= 60 else 0.01 if age >= 18 else 0):
            cardiac = self._pick(cat.CARDIAC_HISTORY)
        tags = []
        if age >= 80:
            tags.append(cat.TAG_ELDERLY)
        if chronic:
            tags.append(cat.TAG_CHRONIC)
        if spec.code == "ONCO" or principal.icd10[0] == "C":
            tags.append(cat.TAG_ONCOLOGY)
        if spec.code == "OB":
            tags.append(cat.TAG_POSTPARTUM)
        if age >= 65 and rnd() < 0.06:
            tags.append(cat.TAG_ALONE)
        for tag, share in cat.OCCASIONAL_TAGS:
            if rnd() < share:
                tags.append(tag)
        key = tuple(tags)
        tags_json = self.tags.get(key)
        if tags_json is None:
            tags_json = self.tags[key] = json.dumps(tags, ensure_ascii=False)
        pid = uuid7().hex
        rows["patients"].append((
            pid, record_no, name, sex, self.day[birth],
            f"{region}{self.ymd[birth]}{seq:03d}{check}", occupation, address,
            f"{region[:4]}{int(rnd() * 1e12):012d}" if rnd() < 0.9 else None,
            allergies, family, cardiac, "、".join(chronic_names) or None, tags_json,
            int(rnd() < 0.98), int(rnd() < 0.93), int(rnd() < 0.95),
        ))  # fmt: skip
        home = (address, city, region)
        phones = self._contacts(
            rows, pid, sex, age, (birth, birth_year), surname, name, home, partner
        )
        if rnd() < (0.18 if age >= 65 else 0.08):
            raw, e164 = self._landline(city)
            rows["patient_contacts"].append((uuid7().hex, pid, "self", None, raw, e164, 0))
            phones.append((raw, e164))
        r = rnd()
        disposition = (
            "home"
            if r < 0.93
            else "transfer"
            if r < 0.96
            else "against_advice"
            if r < 0.99
            else "other"
        )
        latest = self._encounter(
            rows, pid, d, admitted, discharged, sex, age, chronic, principal, disposition
        )
        earliest, last = max(birth + 1, admitted - 3 * 365), admitted - 31
        for _ in range(
            bisect_right(self.encounter_cum[age >= 60], rnd()) if last >= earliest else 0
        ):
            day = earliest + int(rnd() * (last - earliest + 1))
            age_then = min(99, int((day - birth) / 365.25))
            e = d
            if rnd() < 0.5 or age_then < spec.ages[0]:
                depts, cum = self.eligible[sex, age_then]
                e = depts[bisect_right(cum, rnd())]
            out = None
            if rnd() < 0.3:
                los = _DEPTS[e].los
                out = day + los[0] + int(rnd() * (los[1] - los[0] + 1))
            self._encounter(rows, pid, e, day, out, sex, age_then, chronic, None, "home")
        self._followup(rows, pid, latest, d, discharged, age, cardiac is not None, phones, name)

    def _contacts(
        self,
        rows: Rows,
        pid: str,
        sex: str,
        age: int,
        born: tuple[int, int],
        surname: str,
        name: str,
        home: tuple[str, int, str],
        partner: Partner | None,
    ) -> list[tuple[str, str]]:
        """The patient's phone numbers, primary first; exactly one is primary."""
        rnd = self.rnd
        birth, birth_year = born
        out = rows["patient_contacts"]
        phones: list[tuple[str, str]] = []
        own = (
            0.0
            if age < 12
            else 0.5
            if age < 18
            else 0.96
            if age < 70
            else 0.85
            if age < 80
            else 0.6
        )
        if rnd() < own:
            digits, e164 = self._mobile()
            raw = self._typed(digits)
            out.append((uuid7().hex, pid, "self", None, raw, e164, 1))
            phones.append((raw, e164))
            if age >= 25:
                spouses = self.partners[sex]
                entry = (name, digits, e164, birth, *home)
                if len(spouses) < 256:
                    spouses.append(entry)
                else:
                    spouses[int(rnd() * 256)] = entry
        if partner is not None:
            # The spouse is a patient too: one number, two patients.
            relation, contact, digits, e164 = "spouse", partner[0], partner[1], partner[2]
        elif not phones or age < 18 or rnd() < (0.75 if age >= 65 else 0.45):
            relation, contact = self._relative(sex, age, birth_year, surname)
            digits, e164 = self._mobile()
        else:
            return phones
        raw = self._typed(digits)
        out.append((uuid7().hex, pid, relation, contact, raw, e164, int(not phones)))
        phones.append((raw, e164))
        return phones

    def _encounter(
        self,
        rows: Rows,
        pid: str,
        d: int,
        admitted: int,
        discharged: int | None,
        sex: str,
        age: int,
        chronic: list[tuple[str, str, str]],
        principal: cat.Diagnosis | None,
        disposition: str,
    ) -> str:
        """One visit (discharged is None) or stay, with 1-3 diagnoses; returns its id."""
        rnd = self.rnd
        spec = _DEPTS[d]
        eid = uuid7().hex
        doctors = self.h.doctors[d]
        doctor = doctors[int(rnd() * len(doctors))]
        if discharged is None:
            rows["encounters"].append((
                eid, pid, "outpatient", self.h.department_ids[d], None, doctor,
                self._at(admitted, 28_800 + int(rnd() * 32_400)), None, None, None,
            ))  # fmt: skip
            count = 1 + (rnd() < 0.4)
        else:
            wards = self.h.ward_ids[d]
            rows["encounters"].append((
                eid, pid, "inpatient", self.h.department_ids[d], wards[int(rnd() * len(wards))],
                doctor, self._at(admitted, 25_200 + int(rnd() * 54_000)),
                self._at(discharged, 32_400 + int(rnd() * 21_600)),
                self.orders[d].replace("{date}", self.cn_day[discharged + spec.revisit_days]),
                disposition,
            ))  # fmt: skip
            count = 1 + (rnd() < 0.55) + (rnd() < 0.25)
        first = principal or self._diagnosis(d, sex, age)
        out = rows["encounter_diagnoses"]
        out.append((uuid7().hex, eid, 0, first.icd10, first.name))
        seen = [first.icd10]
        for _ in range(count - 1):
            if chronic and rnd() < 0.6:
                _, code, label = chronic[int(rnd() * len(chronic))]
            else:
                other = self._diagnosis(d, sex, age)
                code, label = other.icd10, other.name
            if code not in seen:
                out.append((uuid7().hex, eid, len(seen), code, label))
                seen.append(code)
        return eid

    def _followup(
        self,
        rows: Rows,
        pid: str,
        eid: str,
        d: int,
        discharged: int,
        age: int,
        cardiac: bool,
        phones: list[tuple[str, str]],
        name: str,
    ) -> None:
        """The 7-day discharge call, with the attempts, calls and form it has had by today."""
        rnd = self.rnd
        today = self.today
        spec = _DEPTS[d]
        due, start, end = discharged + 7, discharged + 5, discharged + 14
        priority = 3 - (age >= 75) - (spec.urgent or cardiac) + (age < 45 and not spec.urgent)
        r = rnd()
        priority = min(5, max(1, priority - (r < 0.15) + (r > 0.85)))
        status, lost, final_outcome, failed = "pending", None, "reached", 0
        if end < today:
            r = rnd()
            if r < 0.88:
                status, failed = "done", (0 if r < 0.53 else 1 if r < 0.78 else 2)
            elif r < 0.96:
                status, failed = "lost", 3
                lost, final_outcome = cat.LOST_REASONS[int(rnd() * len(cat.LOST_REASONS))]
            else:
                failed = int(rnd() * 3)  # overdue: tried, not reached yet
        elif due <= today:
            r = rnd()
            if r < 0.55:
                status, failed = "done", (0 if r < 0.35 else 1)
            else:
                failed = int(r > 0.85)
        tid = uuid7().hex
        rows["followup_tasks"].append((
            tid, pid, eid, PLAN_CODE, self.day[due], self.day[start], self.day[end], priority,
            None, self.h.department_ids[d], status, lost,
        ))  # fmt: skip
        tries = failed + (status == "done")
        if not tries:
            return
        nurses = self.h.nurse_ids[d]
        team = nurses if rnd() < 0.8 else self.h.agent_ids
        staff = team[int(rnd() * len(team))]
        span = min(today - 1, end) - start + 1
        times = sorted((start + int(rnd() * span), int(rnd() * _WORKDAY)) for _ in range(tries))
        attempts, calls = rows["followup_attempts"], rows["calls"]
        aid = at = ""
        for n, (day, second) in enumerate(times):
            final = n == tries - 1
            note = call_id = None
            if final and status != "pending":
                outcome = final_outcome
                channel = "wechat" if status == "done" and rnd() < 0.03 else "phone"
                note = lost
            else:
                outcome = cat.FAILED_OUTCOMES[int(rnd() * len(cat.FAILED_OUTCOMES))]
                r = rnd()
                channel = "sms" if r < 0.05 else "wechat" if r < 0.07 else "phone"
            at = self.day_at[day] + self.clock[second]
            if channel == "phone":
                raw, e164 = phones[n % len(phones)]
                call_id = uuid7().hex
                answered = None
                if outcome in _ANSWERED:
                    second += 5 + int(rnd() * 20)
                    answered = self.day_at[day] + self.clock[second]
                    second += (
                        120 + int(rnd() * 600) if outcome == "reached" else 20 + int(rnd() * 70)
                    )
                else:
                    second += 30 + int(rnd() * 30)  # rang out
                calls.append((
                    call_id, "outbound", None, raw, e164, name, at, answered,
                    self.day_at[day] + self.clock[second], staff, pid, tid, None,
                ))  # fmt: skip
            elif channel == "sms":
                note = cat.SMS_NOTE
            aid = uuid7().hex
            attempts.append((aid, tid, pid, at, channel, staff, outcome, note, call_id))
        if status == "done":
            answers, scores, score = self.answers[int(rnd() * len(self.answers))]
            rows["followup_records"].append((
                uuid7().hex, tid, pid, aid, TEMPLATE_CODE, TEMPLATE_VERSION, answers, scores, score,
                staff, at,
            ))  # fmt: skip


def _answer_pool(rng: random.Random) -> list[tuple[str, str, float]]:
    """Completed general-discharge forms; drawn from a pool since json.dumps per row is slow."""
    levels = cat.RECOVERY_LEVELS
    level_cum = _cumulative([level[3] for level in levels])
    pool = []
    for _ in range(2048):
        recovery, low, high, _ = levels[bisect_right(level_cum, rng.random())]
        score = float(rng.randint(low, high))
        comment = rng.choice(cat.COMMENTS) if rng.random() < 0.15 else None
        unhappy = comment is not None and comment[0] == "criticism"
        marks = {
            dimension: rng.choices(
                (5, 4, 3, 2, 1), (20, 12, 5, 2, 1) if unhappy else (70, 22, 6, 1.5, 0.5)
            )[0]
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
