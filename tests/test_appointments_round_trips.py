"""A booking on the central server is one round trip, won or lost, and a connection the
server dropped while it sat in the pool costs a retry, not a refusal.

Round trips are counted in libpq's own protocol trace (tests.test_work_queue_round_trips).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from agent_desk.db.appointment_models import Appointment, AppointmentSlot
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.domain.appointments import SlotFull
from agent_desk.services.appointments import AppointmentService, open_central
from tests.appointment_support import AGENT
from tests.test_appointments_central import published, seed
from tests.test_work_queue import central_server
from tests.test_work_queue_round_trips import ProtocolTrace

pytestmark = pytest.mark.postgres

DOCTOR = "王医生"  # one place per slot (appointment_support.SCHEDULE)


@pytest.fixture(scope="module")
def central_engine() -> Iterator[Engine]:
    with central_server() as engine:
        yield engine


@pytest.fixture
def central(central_engine: Engine) -> Database:
    with central_engine.begin() as connection:
        connection.execute(text("TRUNCATE departments, patients CASCADE"))
    return Database(central_engine)


@pytest.fixture
def trace() -> Iterator[ProtocolTrace]:
    trace = ProtocolTrace()
    yield trace
    trace.close()


def _workstation(
    central: Database, tmp_path: Path, patients: int
) -> tuple[AppointmentService, list]:
    """A workstation as the window makes it: its SQLite copy and open_central's engine."""
    department, people, _ = published(central, patients)
    local = open_local(tmp_path / "ws.sqlite3")
    seed(local, department, people)
    url = central.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    server = open_central({"central.url": url}.get)
    assert server is not None
    return AppointmentService(local, AGENT, central=server), people


def _doctor_slots(central: Database) -> list:
    with central.read() as session:
        return list(
            session.scalars(
                select(AppointmentSlot.id)
                .where(AppointmentSlot.doctor == DOCTOR, AppointmentSlot.starts_at > utcnow())
                .order_by(AppointmentSlot.starts_at)
            )
        )


def test_a_booking_and_a_refusal_are_one_round_trip_each(
    central: Database, trace: ProtocolTrace, tmp_path: Path
) -> None:
    service, people = _workstation(central, tmp_path, 3)
    assert service.central is not None
    first, second = _doctor_slots(central)[:2]
    service.book(people[0].id, second)  # connects and sets the session up
    mark = len(trace.lines())
    service.book(people[1].id, first)
    assert trace.round_trips_since(mark) == ["Sync"]
    mark = len(trace.lines())
    with pytest.raises(SlotFull) as refused:
        service.book(people[2].id, first)
    # The refusal's offers came with it: no second unit of work to read them.
    assert trace.round_trips_since(mark) == ["Sync"]
    offered = [slot.id for slot in refused.value.next_free]
    assert offered and first not in offered and second not in offered
    assert all(slot.doctor == DOCTOR for slot in refused.value.next_free)
    service.central.dispose()
    service.db.dispose()


def test_a_connection_dropped_in_the_pool_is_replaced_and_books_once(
    central: Database, tmp_path: Path
) -> None:
    service, people = _workstation(central, tmp_path, 2)
    assert service.central is not None
    first, second = _doctor_slots(central)[:2]
    service.book(people[0].id, first)
    # The server restarts, or a firewall drops the idle connection: nothing pings the
    # pooled connection before the next booking.
    with central.engine.connect() as admin:
        killed = admin.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    assert killed >= 1
    made = service.book(people[1].id, second)
    assert made.slot_id == second
    with central.read() as session:
        assert session.get_one(AppointmentSlot, second).booked == 1
        count = select(func.count()).select_from(Appointment).where(Appointment.slot_id == second)
        assert session.scalar(count) == 1
    service.central.dispose()
    service.db.dispose()
