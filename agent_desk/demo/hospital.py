"""The demo hospital's fixed part: departments, wards, staff, doctors and record numbers.

With the catalogues beside it, this package is the only code that knows the demo
hospital's names; other code asks here (record_no, nurse_username, agent_username).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from uuid_utils import uuid7

from agent_desk.db import natural_keys
from agent_desk.db.bulk_load import BulkLoad, Rows
from agent_desk.demo import catalog_people as people_words
from agent_desk.demo.catalog_departments import DEPARTMENTS, WARD_NUMERALS, DepartmentSpec
from agent_desk.domain.enums import Role

RECORD_PREFIX = "D"
RECORD_DIGITS = 9
NURSES_PER_DEPARTMENT = (2, 3)  # small departments, big ones (weight >= 4)
AGENTS = 6
_BIG_DEPARTMENT_WEIGHT = 4
_DOCTORS_PER_DEPARTMENT = 6


@dataclass(frozen=True)
class Hospital:
    """The ids and names every batch draws from, aligned with DEPARTMENTS."""

    department_ids: tuple[str, ...]
    ward_ids: tuple[tuple[str, ...], ...]
    nurse_ids: tuple[tuple[str, ...], ...]
    agent_ids: tuple[str, ...]
    doctors: tuple[tuple[str, ...], ...]


def record_no(n: int) -> str:
    """The demo's *n*th record number (n from 1)."""
    return f"{RECORD_PREFIX}{n:0{RECORD_DIGITS}d}"


def nurse_username(department_code: str, n: int) -> str:
    return f"demo_nurse_{department_code.lower()}_{n}"


def agent_username(n: int) -> str:
    return f"demo_agent_{n}"


def first_free_record_no(load: BulkLoad, patients: int) -> int:
    """The number after the highest demo record number present, with room for *patients*."""
    highest = load.highest_record_no(RECORD_PREFIX, RECORD_DIGITS)
    first = 1 if highest is None else int(highest[len(RECORD_PREFIX) :]) + 1
    if first + patients > 10**RECORD_DIGITS:
        raise ValueError("demo record numbers would overflow; use a new database")
    return first


def ensure_hospital(load: BulkLoad, rng: random.Random) -> tuple[Hospital, Rows]:
    """Departments, wards and demo staff, found by code and username or else inserted.

    Returns the hospital and the rows it had to add, already committed.
    """
    known = {table: load.ids_by_key(table) for table in ("departments", "wards", "staff_users")}
    new: Rows = {table: [] for table in known}

    def ensure(table: str, key: str, *values: object) -> str:
        ids = known[table]
        if key not in ids:
            # Departments and wards by their code, as intake makes them, and staff by
            # their user name, as `users add` does: a workstation that imports a
            # discharge of a demo department before its first download makes the row
            # the central server already has, not a clashing second one.
            made = _BY_CODE.get(table)
            ids[key] = (made(key) if made else uuid7()).hex
            new[table].append((ids[key], key, *values))
        return ids[key]

    department_ids, ward_ids, nurse_ids, doctors = [], [], [], []
    for spec in DEPARTMENTS:
        dept = ensure("departments", spec.code, spec.name)
        department_ids.append(dept)
        ward_ids.append(tuple(ensure("wards", code, name, dept) for code, name in _wards(spec)))
        size = NURSES_PER_DEPARTMENT[spec.weight >= _BIG_DEPARTMENT_WEIGHT]
        nurse_ids.append(
            tuple(
                ensure(
                    "staff_users",
                    nurse_username(spec.code, n),
                    _name(rng, "F"),
                    Role.NURSE.value,
                    dept,
                    1,
                )
                for n in range(1, size + 1)
            )
        )
        doctors.append(tuple(_name(rng, rng.choice("MMF")) for _ in range(_DOCTORS_PER_DEPARTMENT)))
    agent_ids = tuple(
        ensure("staff_users", agent_username(n), _name(rng, rng.choice("FFM")), Role.AGENT.value,
               None, 1)
        for n in range(1, AGENTS + 1)
    )  # fmt: skip
    load.insert(new)
    load.commit()
    hospital = Hospital(
        tuple(department_ids), tuple(ward_ids), tuple(nurse_ids), agent_ids, tuple(doctors)
    )
    return hospital, new


_BY_CODE = {
    "departments": natural_keys.department_id,
    "wards": natural_keys.ward_id,
    "staff_users": natural_keys.staff_id,
}


def _wards(spec: DepartmentSpec) -> list[tuple[str, str]]:
    if spec.wards == 1:
        return [(f"{spec.code}-1", f"{spec.name}病区")]
    return [
        (f"{spec.code}-{n + 1}", f"{spec.name}{WARD_NUMERALS[n]}病区") for n in range(spec.wards)
    ]


def _name(rng: random.Random, sex: str) -> str:
    """A staff member's name (patients' names follow their era: see people.py)."""
    surname = rng.choice(people_words.SURNAMES)[0]
    pool = people_words.GIVEN_MALE_MID if sex == "M" else people_words.GIVEN_FEMALE_MID
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
