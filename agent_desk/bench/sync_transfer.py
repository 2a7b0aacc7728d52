"""`agent-desk bench sync --url URL`: the central sync goals, measured on a real server.

- push_vs_copy: follow-up records uploaded from a workstation's outbox (read, upload,
  judge, acknowledge) per second, over a raw COPY of the same rows into the same table
  of the same server (its feed trigger fires for both). Goal ≥ 0.5.
- pull_1m_s: a new workstation's first download of *patients* patients (1,000,000 by
  default), made on the server with generate_series. Goal ≤ 10 s (issue 18).
- pull_vs_copy: the pull's rate over a bare COPY of the same table out of the same server
  to this process (raw COPY data, nothing decoded or stored), in the same run: 0.5 means
  the pull takes twice as long as merely reading the rows. Goal ≥ 0.5.
- pull_sqlite_floor_s: SQLite alone storing the same rows as the pull receives them, in
  a fresh file with the workstation's schema (bench/sync_floor.py): what no download into
  a SQLite workstation can beat. pull_vs_floor = floor ÷ pull.
- visible_p95_ms: a change committed on workstation A until it is in workstation B's
  SQLite, both running their SyncRunner (commit hook, NOTIFY), while 8 more workstations
  push 160 follow-up records a second (bench/sync_load.py); 100 changes. Goal ≤ 50 (issue 18).
  visible_quiet_p95_ms is the same without them.

Each figure is measured in a database of its own, created beside the one in the URL and
dropped afterwards.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg

from agent_desk.bench import sync_server
from agent_desk.bench.bench_files import bench_file
from agent_desk.bench.stats import percentile, rounded
from agent_desk.bench.sync_floor import sqlite_floor_s, table_schema
from agent_desk.bench.sync_load import pushing
from agent_desk.db.base import new_id
from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupRecord, Patient
from agent_desk.db.open import open_file
from agent_desk.db.sqlcipher import driver
from agent_desk.db.sync_codec import to_pg, to_wire
from agent_desk.db.sync_tables import synced_table
from agent_desk.domain.enums import Sex
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig, central_init, connect
from agent_desk.sync.cycle import CentralLink, client_id, sync_once
from agent_desk.sync.errors import CentralUnavailable, SyncError, first_line
from agent_desk.sync.push import push
from agent_desk.sync.runner import SyncRunner

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_reachable(base: CentralConfig) -> None:
    """Fail at once, in one line, when the server cannot be reached or refuses us."""
    try:
        connect(base).close()
    except CentralUnavailable as exc:
        # Its own wording promises that sync retries: true of a workstation, not of this.
        reason = first_line(exc.__cause__ or exc)
        raise CentralUnavailable(
            f"the PostgreSQL server {base.where} cannot be reached: {reason}"
        ) from exc


@contextmanager
def _bench_database(base: CentralConfig) -> Iterator[CentralConfig]:
    with connect(base) as admin:
        try:
            name = sync_server.create_database(admin)
        except psycopg.Error as exc:
            raise SyncError(
                f"the sync benchmark needs to create scratch databases on {base.where}: "
                f"{first_line(exc)}"
            ) from exc
    parsed = base.parsed_url.set(database=name)
    config = replace(base, url=parsed.render_as_string(hide_password=False))
    try:
        central_init(config)
        yield config
    finally:
        with connect(base) as admin:
            sync_server.drop_database(admin, name)


def _workstation(folder: Path, name: str, *, fresh: bool = True) -> Database:
    """The benchmark workstation *name*: a new file, or (fresh=False) the one made before."""
    if fresh:
        _discard(folder, name)
    db = open_file(bench_file(folder / f"{name}.sqlite3"))
    install_capture(db)
    return db


def _discard(folder: Path, name: str) -> None:
    """The benchmark's workstation files go: a million patients take 300 MB."""
    for leftover in folder.glob(f"{name}.sqlite3*"):
        leftover.unlink()


# --- push_vs_copy --------------------------------------------------------------------


def bench_push_vs_copy(
    base: CentralConfig, folder: Path, records: int, rounds: int = 3, batch_size: int = 2000
) -> dict[str, float]:
    """*rounds* rounds of *records* records, each pushed and then COPYed; the medians of
    both rates are compared (one round alone swings with whatever else the host runs)."""
    push_rates, copy_rates = [], []
    with _bench_database(base) as config:
        ws = _workstation(folder, "push")
        try:
            with ws.write() as session:
                patient = Patient(record_no="B000000001", name="王秀英", sex=Sex.FEMALE)
                session.add(patient)
            sync_once(ws, config)
            link = CentralLink(config, client_id(ws))
            for _round in range(rounds):
                made = _make_records(ws, patient.id, records)
                conn, _server = link.open()
                started = time.perf_counter()
                report = push(ws, conn, link.client_id, batch_size=batch_size)
                push_rates.append(records / (time.perf_counter() - started))
                assert report.sent == records, report
                copy_rates.append(records / _copy_again(config, made))
            link.close()
        finally:
            ws.dispose()
            _discard(folder, "push")
    push_rate, copy_rate = statistics.median(push_rates), statistics.median(copy_rates)
    return {
        "push_vs_copy": rounded(push_rate / copy_rate),
        "push_records_per_s": round(push_rate),
        "copy_records_per_s": round(copy_rate),
    }


def _make_records(ws: Database, patient_id: uuid.UUID, records: int) -> list[FollowupRecord]:
    made = []
    for start in range(0, records, 1000):
        with ws.write() as session:
            batch = [_record(patient_id, n) for n in range(start, min(records, start + 1000))]
            session.add_all(batch)
        made.extend(batch)
    return made


def _copy_again(config: CentralConfig, made: list[FollowupRecord]) -> float:
    """Seconds for a raw COPY of the same rows (new ids, so that they are new rows)."""
    table = synced_table("followup_records")
    names = table.column_names
    rows = []
    for record in made:
        wire = to_wire(table, record)
        wire["id"] = str(new_id())
        rows.append(to_pg(table, wire, names))
    with connect(config) as conn:
        started = time.perf_counter()
        sync_server.copy_into(conn, table, names, rows)
        return time.perf_counter() - started


def _record(patient_id: uuid.UUID, n: int) -> FollowupRecord:
    return FollowupRecord(
        patient_id=patient_id,
        template_code="general_discharge",
        template_version="1",
        answers={"recovery": "good", "pain": n % 10, "note": "伤口愈合良好，按时服药"},
        scores={"total": n % 100},
        recovery_score=float(n % 100),
    )


# --- pull_1m_s -------------------------------------------------------------------------


def bench_pull(
    base: CentralConfig, folder: Path, patients: int, progress: Progress
) -> dict[str, float]:
    with _bench_database(base) as config:
        progress(f"generating {patients:,} patients on the server …")
        with connect(config) as conn:
            started = time.perf_counter()
            sync_server.generate_patients(conn, patients)
            made_s = time.perf_counter() - started
        log.info("generated %d patients centrally in %.1f s", patients, made_s)
        progress(f"reading {patients:,} patients with a bare COPY …")
        copy_s = _bare_copy(config)
        ws = _workstation(folder, "pull")
        try:
            table = synced_table("patients")
            progress(f"storing {patients:,} patients with SQLite alone (the floor) …")
            floor_s = sqlite_floor_s(config, folder, table, table_schema(ws, table))
            progress(f"downloading {patients:,} patients into a new workstation …")
            started = time.perf_counter()
            report = sync_once(ws, config)
            pull_s = time.perf_counter() - started
        finally:
            ws.dispose()
            _discard(folder, "pull")
        assert report.pull.applied == patients, report
        copy_s = (copy_s + _bare_copy(config)) / 2  # before and after: the host's load drifts
    return {
        "pull_1m_s": rounded(pull_s),  # significant digits: a small pull must not show as 0
        "pull_patients": patients,
        "pull_rows_per_s": round(patients / pull_s),
        "pull_vs_copy": rounded(copy_s / pull_s),
        "pull_copy_s": rounded(copy_s),
        "pull_sqlite_floor_s": rounded(floor_s),
        "pull_vs_floor": rounded(floor_s / pull_s),
    }


def _bare_copy(config: CentralConfig) -> float:
    """Seconds to read every patient with `COPY patients TO STDOUT`, raw: the floor of any
    download from this server to this process."""
    with connect(config) as conn, conn.cursor() as cur:
        started = time.perf_counter()
        with cur.copy("COPY patients TO STDOUT") as copy:
            for _block in copy:
                pass
        return time.perf_counter() - started


# --- visible_p95_ms --------------------------------------------------------------------


def bench_visible(
    base: CentralConfig, folder: Path, changes: int, pushers: int = 8
) -> dict[str, float]:
    """visible_* with *pushers* workstations pushing meanwhile, visible_quiet_* without."""
    with _bench_database(base) as config:
        a, b = _workstation(folder, "visible_a"), _workstation(folder, "visible_b")
        runners: list[SyncRunner] = []
        try:
            with a.write() as session:
                patient = Patient(record_no="B000000001", name="王秀英", sex=Sex.FEMALE)
                session.add(patient)
            sync_once(a, config)
            sync_once(b, config)
            runners = [
                SyncRunner(db, config, capture=install_capture(db), interval_s=60) for db in (a, b)
            ]
            for runner in runners:
                runner.start()
            _wait(lambda: all(runner.status.online for runner in runners), 30)
            assert b.local is not None
            watcher = b.local.connect(read_only=True)
            quiet = _visible(a, watcher, patient.id, changes, "静")
            with pushing(config, folder, pushers) as load:
                loaded = _visible(a, watcher, patient.id, changes, "忙")
            watcher.close()
        finally:
            for runner in runners:
                runner.stop()
            a.dispose()
            b.dispose()
            _discard(folder, "visible_a")
            _discard(folder, "visible_b")
    return {
        "visible_p50_ms": rounded(percentile(loaded, 50)),
        "visible_p95_ms": rounded(percentile(loaded, 95)),
        "visible_pushers": pushers,
        "visible_pushed_per_s": round(load.per_s),
        "visible_quiet_p50_ms": rounded(percentile(quiet, 50)),
        "visible_quiet_p95_ms": rounded(percentile(quiet, 95)),
    }


def _visible(
    a: Database, watcher: driver.Connection, patient_id: uuid.UUID, changes: int, tag: str
) -> list[float]:
    """Milliseconds from each of *changes* renames committed on A until B's file shows it."""
    latencies = []
    for n in range(changes):
        name = f"王秀英{tag}{n}"
        with a.write() as session:
            row = session.get(Patient, patient_id)
            assert row is not None
            row.name = name
        committed = time.perf_counter()
        _wait(_shows(watcher, patient_id.bytes, name), 30)
        latencies.append((time.perf_counter() - committed) * 1000)
    return latencies


def _shows(watcher: driver.Connection, row_id: bytes, name: str) -> Callable[[], bool]:
    def check() -> bool:
        query = "SELECT 1 FROM patients WHERE id = ? AND name = ?"
        return watcher.execute(query, (row_id, name)).fetchone() is not None

    return check


def _wait(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout_s} s")
        time.sleep(0.001)


def run_sync_bench(
    base: CentralConfig,
    folder: Path,
    patients: int,
    *,
    records: int = 20_000,
    changes: int = 100,
    pushers: int = 8,
    progress: Progress = _say,
) -> dict[str, float]:
    """All three figures (and the rates behind them), against the server in *base*."""
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, float] = {}
    progress(
        f"measuring change-to-visible latency between two workstations, alone and while "
        f"{pushers} more push …"
    )
    results.update(bench_visible(base, folder, changes, pushers))
    progress(f"measuring the upload of {records:,} follow-up records …")
    results.update(bench_push_vs_copy(base, folder, records))
    results.update(bench_pull(base, folder, patients, progress))
    return results
