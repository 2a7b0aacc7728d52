"""Appointments reach every workstation through the central server's change feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from agent_desk.db.appointment_models import Appointment, AppointmentSlot
from agent_desk.db.engine import Database
from agent_desk.db.models import SyncConflict
from agent_desk.domain.enums import AppointmentStatus
from agent_desk.services.appointment_schedules import ScheduleService
from agent_desk.services.appointments import AppointmentService
from agent_desk.sync.central import CentralConfig
from tests.appointment_support import AGENT, SCHEDULE, SUPERVISOR
from tests.builders import build_small_hospital
from tests.test_sync_support import TODAY, assert_converged, settle, workstation

pytestmark = pytest.mark.postgres


def test_a_booking_made_on_one_workstation_shows_on_another(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    hospital = build_small_hospital(a, TODAY)
    settle(a, central)
    decided = Database(server)
    schedule = tmp_path / "schedule.csv"
    schedule.write_text(SCHEDULE, encoding="utf-8")
    ScheduleService(a, SUPERVISOR, central=decided).import_file(schedule)
    booking = AppointmentService(a, AGENT, central=decided)
    assert booking.next_free(hospital.cardiology) == []  # published on the server, not here
    settle(a, central)
    first = booking.next_free(hospital.cardiology)[0]
    made = booking.book(hospital.patients["wang"], first.id)
    settle(b, central)
    seen = AppointmentService(b, AGENT)
    assert [x.id for x in seen.upcoming(hospital.patients["wang"])] == [made.id]
    on_b = {s.id: s for s in seen.slots(hospital.cardiology, first.day, first.day)}
    assert on_b[first.id].booked == 1
    # b cancels: a place on the server, then a's copy by the feed.
    AppointmentService(b, AGENT, central=decided).cancel(made.id, "改约他院")
    settle(a, central)
    settle(b, central)  # b's audit events go up
    settle(a, central)
    assert booking.get(made.id).status is AppointmentStatus.CANCELLED
    with a.read() as session:
        assert session.get_one(AppointmentSlot, first.id).booked == 0
        assert session.scalars(select(SyncConflict)).all() == []
    assert_converged(server, a, b)
    with b.read() as session:
        assert session.get_one(Appointment, made.id).cancel_reason == "改约他院"
