"""`agent-desk bench feedback`: the feedback loop's goals.

- ticket_list_first_page_ms: the 工单 list's first page (100 rows, newest first) out of
  100,000 tickets, as a hospital-wide supervisor opens it; the median of 30 reads. Goal
  ≤ 150. Beside it the overdue filter's and one department's first pages.
- ticket_visible_p95_ms: a ticket opened on workstation A until it is in workstation B's
  list, both running their SyncRunner against the central PostgreSQL; 50 tickets. Goal
  ≤ 1,000. Needs a server (--url or central.url); without one it is left out, with a note.
- kb_search_p95_ms: the knowledge base's search over 22,000,000 characters of articles
  (agent_desk/bench/feedback_kb.py). Goal ≤ 20.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from agent_desk.bench.feedback_kb import run_kb
from agent_desk.bench.options import BenchOptions
from agent_desk.bench.stats import percentile, rounded
from agent_desk.db import tickets as tickets_db
from agent_desk.db.engine import Database
from agent_desk.db.models import Department, Patient
from agent_desk.db.open import open_local
from agent_desk.db.tickets import NewTicket, TicketFilter
from agent_desk.domain.enums import (
    Role,
    Sex,
    TicketEventKind,
    TicketKind,
    TicketSeverity,
    TicketSource,
    TicketState,
)
from agent_desk.domain.permissions import Principal
from agent_desk.services.tickets import TicketService

TICKETS = 100_000
DEPARTMENTS = 30
PATIENTS = 20_000
SUPERVISOR = Principal.of("bench", [Role.SUPERVISOR])
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
_KINDS = list(TicketKind)
_STATES = list(TicketState)


def run_feedback(options: BenchOptions) -> dict[str, float]:
    figures = _list_figures(options.folder)
    figures.update(run_kb(options.folder))
    if options.central is None:
        print(
            "agent-desk: ticket_visible_p95_ms needs a central server (--url or central.url)",
            file=sys.stderr,
        )
    else:
        figures.update(_visible(options))
    return figures


def prepare(folder: Path, count: int = TICKETS) -> tuple[Database, uuid.UUID]:
    """A database of *count* tickets over a year (made once and kept), and one department."""
    data = folder / f"feedback-tickets-{count}"
    data.mkdir(parents=True, exist_ok=True)
    db = open_local(data / "agent_desk.sqlite3")
    with db.read() as session:
        have = len(tickets_db.list_tickets(session, TicketFilter(limit=1), None, NOW))
    departments = [uuid.uuid5(uuid.NAMESPACE_OID, f"bench-dept-{i}") for i in range(DEPARTMENTS)]
    if have:
        return db, departments[0]
    print(f"generating {count:,} tickets in {data} …", file=sys.stderr)
    with db.write() as session:
        session.add_all(
            Department(id=d, code=f"D{i:02d}", name=f"科室{i}") for i, d in enumerate(departments)
        )
        patients = [uuid.uuid4() for _ in range(PATIENTS)]
        session.add_all(
            Patient(id=p, record_no=f"T{i:09d}", name=f"患者{i}", sex=Sex.UNKNOWN)
            for i, p in enumerate(patients)
        )
        session.flush()
        step = timedelta(days=365) / count
        first = NOW - timedelta(days=365)
        for start in range(0, count, 10_000):
            rows, events = [], []
            for n in range(start, min(count, start + 10_000)):
                ticket_id, at = uuid.uuid4(), first + step * n
                rows.append(
                    {
                        "id": ticket_id,
                        "version": 1,
                        "created_at": at,
                        "updated_at": at,
                        "kind": _KINDS[n % len(_KINDS)],
                        "state": _STATES[n % len(_STATES)],
                        "severity": TicketSeverity.NORMAL,
                        "source": TicketSource.FORM,
                        "patient_id": patients[n % PATIENTS],
                        "department_id": departments[n % DEPARTMENTS],
                        "text": f"第{n}号工单：护士呼叫不应，夜间病房太吵",
                        "opened_at": at,
                        "opened_by": "bench",
                        "due_at": at + timedelta(days=7),
                        "office_due_at": at + timedelta(days=9),
                        "escalation_level": 0,
                        "assignees": [],
                    }
                )
                events.append(
                    {
                        "id": uuid.uuid4(),
                        "ticket_id": ticket_id,
                        "at": at,
                        "actor": "bench",
                        "kind": TicketEventKind.CREATED,
                        "detail": {},
                    }
                )
            tickets_db.insert_many(session, rows, events)
    return db, departments[0]


def _median_ms(service: TicketService, flt: TicketFilter, runs: int = 30) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = service.list_tickets(SUPERVISOR, flt)
        samples.append((time.perf_counter() - start) * 1000)
        assert rows, "the benchmark list is empty"
    return statistics.median(samples)


def _list_figures(folder: Path) -> dict[str, float]:
    db, department = prepare(folder)
    try:
        service = TicketService(db, clock=lambda: NOW)
        return {
            "ticket_list_first_page_ms": rounded(_median_ms(service, TicketFilter(limit=100))),
            "ticket_list_overdue_ms": rounded(
                _median_ms(service, TicketFilter(overdue=True, limit=100))
            ),
            "ticket_list_department_ms": rounded(
                _median_ms(service, TicketFilter(department_id=department, limit=100))
            ),
            "tickets": float(TICKETS),
        }
    finally:
        db.dispose()


def _listed(service: TicketService, principal: Principal, ticket_id: uuid.UUID) -> bool:
    return any(row.id == ticket_id for row in service.list_tickets(principal))


def _visible(options: BenchOptions, tickets: int = 50) -> dict[str, float]:
    # The sync benchmark's own scaffolding: a scratch central database and two workstations.
    from agent_desk.bench.sync_transfer import (
        _bench_database,
        _discard,
        _wait,
        _workstation,
        check_reachable,
    )
    from agent_desk.sync.capture import install_capture
    from agent_desk.sync.cycle import sync_once
    from agent_desk.sync.runner import SyncRunner

    assert options.central is not None
    check_reachable(options.central)
    latencies: list[float] = []
    with _bench_database(options.central) as config:
        a, b = _workstation(options.folder, "tickets_a"), _workstation(options.folder, "tickets_b")
        runners: list[SyncRunner] = []
        try:
            with a.write() as session:
                department = Department(code="CARD", name="心内科")
                patient = Patient(record_no="B000000001", name="王秀英", sex=Sex.FEMALE)
                session.add_all([department, patient])
            sync_once(a, config)
            sync_once(b, config)
            runners = [
                SyncRunner(db, config, capture=install_capture(db), interval_s=60) for db in (a, b)
            ]
            for runner in runners:
                runner.start()
            _wait(lambda: all(runner.status.online for runner in runners), 30)
            opener, lister = TicketService(a), TicketService(b)
            nurse = Principal.of("nurse", [Role.NURSE], [department.id])
            for n in range(tickets):
                new = NewTicket(
                    TicketKind.COMPLAINT,
                    TicketSource.CALL,
                    f"病房夜间太吵 {n}",
                    patient_id=patient.id,
                    department_id=department.id,
                )
                ticket_id = opener.open_ticket(new, SUPERVISOR)
                opened = time.perf_counter()
                _wait(partial(_listed, lister, nurse, ticket_id), 30)
                latencies.append((time.perf_counter() - opened) * 1000)
        finally:
            for runner in runners:
                runner.stop()
            a.dispose()
            b.dispose()
            _discard(options.folder, "tickets_a")
            _discard(options.folder, "tickets_b")
    return {
        "ticket_visible_p50_ms": rounded(percentile(latencies, 50)),
        "ticket_visible_p95_ms": rounded(percentile(latencies, 95)),
    }
