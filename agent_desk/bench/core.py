"""The data core's goals: phone lookup, card, worklist first page, cold start."""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.bench import samples
from agent_desk.bench.db_size import size_figures
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.sip_pop import free_udp_port
from agent_desk.bench.stats import percentile, rounded, time_each_ms, time_side_by_side_ms
from agent_desk.db import staff
from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.db.patients import count_patients
from agent_desk.db.phone_index import LOOKUP_STATEMENT, PhoneIndex
from agent_desk.db.worklist import WorklistFilter
from agent_desk.demo import GENERATOR_VERSION
from agent_desk.demo.writer import generate
from agent_desk.domain.enums import Role, WorklistView
from agent_desk.domain.passwords import hash_password
from agent_desk.domain.permissions import Principal
from agent_desk.domain.phones import PhonePlan, try_normalise
from agent_desk.domain.views import StaffView
from agent_desk.services.patients import PatientService
from agent_desk.services.worklist import WorklistService
from agent_desk.services.workstation_open import READY_LINE

if TYPE_CHECKING:
    import sqlite3  # the driver's type (sqlcipher3 has the same)

BENCH_USER = "bench"
BENCH_PRINCIPAL = Principal.of(BENCH_USER, [Role.SUPERVISOR])  # the whole hospital
LOOKUPS = 5000
CARDS = 300
PAGE = 200


def prepare(folder: Path, patients: int, name: str = "core") -> tuple[Path, Database]:
    """A data folder holding a demo hospital of *patients* patients, made once and kept
    (per version of the generator: a changed generator makes a new one)."""
    data = folder / f"{name}-{patients}-g{GENERATOR_VERSION}"
    data.mkdir(parents=True, exist_ok=True)
    (data / "logs").mkdir(exist_ok=True)
    db = open_local(data / "agent_desk.sqlite3")
    with db.read() as session:
        have = count_patients(session)
    if have < patients:
        print(f"generating a demo hospital of {patients:,} patients in {data} …", file=sys.stderr)
        generate(db, patients - have)
    return data, db


def bench_user(db: Database) -> tuple[StaffView, str]:
    """The benchmark's own account, with a fresh random password each run."""
    password = secrets.token_urlsafe(16)
    with db.write() as session:
        if not any(user.username == BENCH_USER for user in staff.list_users(session)):
            staff.add_user(session, BENCH_USER, password, Role.SUPERVISOR)
        staff.set_password(session, BENCH_USER, password)
        user = staff.authenticate(session, BENCH_USER, password)
    assert user is not None
    return user, password


@dataclass(frozen=True)
class StartTimes:
    """One start of the workstation: to its window usable, and from then to its exit."""

    ready_s: float
    shutdown_s: float


def _start_once(command: list[str], stdin: str, env: dict[str, str]) -> StartTimes:
    """Spawn to the ready line (issue 18: start → window usable, logged in, SIP listening),
    then the rest of the run to the exit, which must succeed."""
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(stdin)
        process.stdin.close()
        ready: float | None = None
        for line in process.stdout:
            if ready is None and line.rstrip("\n") == READY_LINE:
                ready = time.perf_counter()
        code = process.wait()
        exit_ = time.perf_counter()
        if code != 0 or ready is None:
            errors.seek(0)
            raise subprocess.CalledProcessError(code, command, stderr=errors.read()[-2000:])
    return StartTimes(ready - start, exit_ - ready)


@dataclass(frozen=True)
class Startup:
    """The window's starts, and the floor's (startup_floor) in the same rounds."""

    window: StartTimes
    floor_s: float


def _startup(data: Path, password: str, stored_hash: str, runs: int = 3) -> Startup:
    """The median start of *runs*, each figure its own median, alternating with the floor's
    starts (one of each unmeasured first)."""
    # As installed: pip writes the bytecode cache, so the child may too (a developer's
    # PYTHONDONTWRITEBYTECODE would otherwise add compiling 150 modules to every start), and
    # one unmeasured start fills it.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    window = [
        sys.executable,
        "-m",
        "agent_desk",
        "--data-dir",
        str(data),
        "run",
        "--user",
        BENCH_USER,
        "--password-stdin",
        "--quit-when-ready",
    ]
    floor = [
        sys.executable,
        "-m",
        "agent_desk.bench.startup_floor",
        "--sip-port",
        str(free_udp_port()),
        "--ready-line",
        READY_LINE,
    ]
    floor_input = f"{stored_hash}\n{password}\n"
    _start_once(window, password + "\n", env)
    _start_once(floor, floor_input, env)
    starts: list[StartTimes] = []
    floors: list[float] = []
    for _ in range(runs):
        starts.append(_start_once(window, password + "\n", env))
        floors.append(_start_once(floor, floor_input, env).ready_s)
    return Startup(
        StartTimes(
            statistics.median(s.ready_s for s in starts),
            statistics.median(s.shutdown_s for s in starts),
        ),
        statistics.median(floors),
    )


def run_core(options: BenchOptions) -> dict[str, float]:
    patients = options.patients
    data, db = prepare(options.folder, patients)
    try:
        index = PhoneIndex(db)
        index.warm_up()  # as the workstation does at start: the steady state is measured
        patient_service = PatientService(db, PhonePlan(), index)
        with db.read() as session:
            numbers = [n for n in samples.contact_numbers(session, LOOKUPS) if try_normalise(n)]
            ids = samples.patient_ids(session, CARDS)

        normalised = [try_normalise(n) or "" for n in numbers]
        bare = _bare_connection(db)
        try:
            # The lookup; the floor under it, a point query on the contacts' e164 index; and
            # the lookup's own statement (the number's index, then the patient's row) bare:
            # what the lookup's Python adds is the difference, the join is the rest.
            def lookup(i: int) -> object:
                return patient_service.lookup_number(numbers[i], BENCH_PRINCIPAL)

            def raw_query(i: int) -> object:
                return bare.execute(_RAW_POINT_QUERY, (normalised[i],)).fetchall()

            def own_statement(i: int) -> object:
                return bare.execute(LOOKUP_STATEMENT, (normalised[i],)).fetchall()

            timed = [lookup, raw_query, own_statement]
            time_side_by_side_ms(timed, range(200))  # warm caches and statements
            lookups, raw, own_sql = time_side_by_side_ms(timed, range(len(numbers)))
        finally:
            bare.close()
        cards = time_each_ms(lambda pid: patient_service.open_card(pid, BENCH_PRINCIPAL), ids)

        worklist = WorklistService(db)
        flt = WorklistFilter(WorklistView.ALL_OPEN, date.today())

        def first_page(_: int) -> None:
            worklist.count(flt)
            worklist.page(flt, PAGE, None)

        pages = time_each_ms(first_page, range(20))
        tasks = worklist.count(flt)
        _user, password = bench_user(db)
        index.close()
    finally:
        db.dispose()
    assert db.local is not None
    sizes = size_figures(db.local, patients)
    # The floor verifies a hash of the same password, made with the same parameters.
    start = _startup(data, password, hash_password(password))
    return {
        "patients": float(patients),
        "lookup_p50_ms": rounded(percentile(lookups, 50)),
        "lookup_p99_ms": rounded(percentile(lookups, 99)),
        "raw_sqlite_p99_ms": rounded(percentile(raw, 99)),
        "lookup_vs_raw_sqlite": round(percentile(lookups, 99) / percentile(raw, 99), 2),
        "lookup_sql_p99_ms": rounded(percentile(own_sql, 99)),
        "lookup_sql_vs_raw_sqlite": round(percentile(own_sql, 99) / percentile(raw, 99), 2),
        "card_p95_ms": rounded(percentile(cards, 95)),
        "worklist_tasks": float(tasks),
        "worklist_first_page_ms": rounded(statistics.median(pages)),
        "startup_s": rounded(start.window.ready_s),
        "shutdown_s": rounded(start.window.shutdown_s),
        "startup_floor_s": rounded(start.floor_s),
        "startup_vs_floor": round(start.window.ready_s / start.floor_s, 2),
        **sizes,
    }


# The floor under the lookup that issue 18 names: a point query on the contacts' e164 index.
_RAW_POINT_QUERY = "SELECT patient_id FROM patient_contacts WHERE e164 = ?"


def _bare_connection(db: Database) -> sqlite3.Connection:
    """A connection of the same driver and key as the lookup's, for its statements bare,
    with no row turned into anything."""
    assert db.local is not None
    return db.local.connect(read_only=True)
