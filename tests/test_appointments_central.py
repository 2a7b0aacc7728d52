"""Booking on the central PostgreSQL: the server decides, no slot is ever overbooked."""

from __future__ import annotations

import multiprocessing
import socket
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from agent_desk.db.appointment_models import Appointment, AppointmentSlot
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.models import Department, Patient, SyncOutbox
from agent_desk.db.open import open_local
from agent_desk.domain.appointments import AppointmentsOffline, SlotFull
from agent_desk.plans.calendar import local_date
from agent_desk.services.appointments import AppointmentService
from agent_desk.sync.capture import install_capture
from tests.appointment_support import AGENT, publish
from tests.test_work_queue import central_server

pytestmark = pytest.mark.postgres

AGENTS = 8
# Wang's clinic: one place per slot (appointment_support.SCHEDULE).
DOCTOR = "王医生"


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    with central_engine.begin() as connection:
        connection.execute(text("TRUNCATE departments, patients CASCADE"))
    return Database(central_engine)


def hospital_rows(count: int) -> tuple[Department, list[Patient]]:
    department = Department(id=uuid.uuid4(), code="CARD", name="心血管内科")
    patients = [
        Patient(id=uuid.uuid4(), record_no=f"R{n:06d}", name=f"患者{n}") for n in range(count)
    ]
    return department, patients


def seed(db: Database, department: Department, patients: list[Patient]) -> None:
    """The same departments and patients, as sync gives every workstation."""
    with db.write() as session:
        session.add(Department(id=department.id, code=department.code, name=department.name))
        session.add_all(Patient(id=p.id, record_no=p.record_no, name=p.name) for p in patients)


def book_in_process(
    central_dsn: str, local_path: str, slot: str, patient: str, seeds: Any, start: Any, out: Any
) -> None:
    """One agent's workstation: its own process, SQLite file and server connection."""
    department, patients = seeds
    local = open_local(Path(local_path))
    seed(local, department, patients)
    central = Database(make_engine(central_dsn, pool_size=1, max_overflow=0))
    service = AppointmentService(local, AGENT, central=central)
    start.wait()
    try:
        made = service.book(uuid.UUID(patient), uuid.UUID(slot))
        out.put(("booked", str(made.id), []))
    except SlotFull as full:
        out.put(("full", None, [str(s.id) for s in full.next_free]))
    finally:
        central.dispose()
        local.dispose()


def published(central: Database, count: int) -> tuple[Department, list[Patient], date]:
    department, patients = hospital_rows(count)
    seed(central, department, patients)
    today = local_date(utcnow())
    publish(central, today, 14)
    return department, patients, today


def test_eight_agents_booking_a_one_place_slot_make_exactly_one_booking(
    central: Database, tmp_path: Path
) -> None:
    department, patients, _ = published(central, AGENTS)
    with central.read() as session:
        slot = session.scalars(
            select(AppointmentSlot)
            .where(AppointmentSlot.doctor == DOCTOR, AppointmentSlot.starts_at > utcnow())
            .order_by(AppointmentSlot.starts_at)
        ).first()
    assert slot is not None and slot.capacity == 1
    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(AGENTS), context.Queue()
    dsn = central.engine.url.render_as_string(hide_password=False)
    seeds = (department, patients)
    agents = [
        context.Process(
            target=book_in_process,
            args=(
                dsn,
                str(tmp_path / f"ws{n}.sqlite3"),
                str(slot.id),
                str(p.id),
                seeds,
                start,
                out,
            ),
        )
        for n, p in enumerate(patients)
    ]
    for agent in agents:
        agent.start()
    results = [out.get(timeout=120) for _ in agents]
    for agent in agents:
        agent.join(timeout=30)
    booked = [r for r in results if r[0] == "booked"]
    refused = [r for r in results if r[0] == "full"]
    assert len(booked) == 1 and len(refused) == AGENTS - 1
    # The losers were offered other slots at once, never the full one.
    assert all(r[2] and str(slot.id) not in r[2] for r in refused)
    with central.read() as session:
        assert session.get_one(AppointmentSlot, slot.id).booked == 1
        count = select(func.count()).select_from(Appointment).where(Appointment.slot_id == slot.id)
        assert session.scalar(count) == 1


def test_a_central_booking_is_on_the_card_at_once_and_not_uploaded_again(
    central: Database, tmp_path: Path
) -> None:
    department, patients, _ = published(central, 2)
    local = open_local(tmp_path / "ws.sqlite3")
    install_capture(local)
    seed(local, department, patients)
    service = AppointmentService(local, AGENT, central=central)
    with central.read() as session:
        slot_id = session.scalars(
            select(AppointmentSlot.id)
            .where(AppointmentSlot.starts_at > utcnow())
            .order_by(AppointmentSlot.starts_at)
        ).first()
    assert slot_id is not None
    made = service.book(patients[0].id, slot_id)
    assert [a.id for a in service.upcoming(patients[0].id)] == [made.id]
    with local.read() as session:
        assert session.get_one(AppointmentSlot, slot_id).booked == 1
        assert (
            session.scalar(
                select(func.count()).select_from(SyncOutbox).where(SyncOutbox.row_id == made.id)
            )
            == 0
        )
    service.cancel(made.id, "患者改去社区医院")
    with central.read() as session:
        assert session.get_one(AppointmentSlot, slot_id).booked == 0
    with local.read() as session:
        assert session.get_one(AppointmentSlot, slot_id).booked == 0
    local.dispose()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_offline_booking_is_refused_and_the_last_sync_is_shown(tmp_path: Path) -> None:
    local = open_local(tmp_path / "ws.sqlite3")
    department, patients = hospital_rows(1)
    seed(local, department, patients)
    publish(local, local_date(utcnow()), 7)  # as the last sync left them
    gone = Database(
        make_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/x",
            connect_args={"connect_timeout": 2},
        )
    )
    service = AppointmentService(local, AGENT, central=gone)
    free = service.next_free(department.id)
    assert free
    with pytest.raises(AppointmentsOffline, match="cannot be reached"):
        service.book(patients[0].id, free[0].id)
    assert service.upcoming(patients[0].id) == []
    local.dispose()


def test_the_capacity_check_holds_even_against_a_direct_update(central: Database) -> None:
    published(central, 1)
    with pytest.raises(Exception, match="ck_appointment_slots_places"), central.write() as session:
        session.execute(text("UPDATE appointment_slots SET booked = capacity + 1"))
