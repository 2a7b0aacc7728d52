"""Appointments reach the HIS as SIU^S12/S15 over MLLP; the HIS's ACK is kept."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import hl7
import pytest

from agent_desk.db import appointments as sql
from agent_desk.db.engine import Database
from agent_desk.intake.mllp import MllpServer
from agent_desk.plans.calendar import at_local, local_date
from agent_desk.services.appointment_his import send_to_his, write_csv
from agent_desk.services.appointments import AppointmentService
from tests.appointment_support import AGENT, add_staff, publish
from tests.builders import Hospital
from tests.test_appointments_central import closed_port

MONDAY = date(2026, 12, 28)
NOW = at_local(MONDAY, datetime.min.time()) - timedelta(hours=1)


class Peer:
    """A HIS interface engine: a real MLLP listener that ACKs with python-hl7."""

    def __init__(self) -> None:
        self.received: list[hl7.Message] = []
        self.server = MllpServer(self.answer, port=0)

    def answer(self, raw: bytes) -> bytes:
        message = hl7.parse(raw.decode("utf-8"))
        self.received.append(message)
        return str(message.create_ack()).encode("utf-8")


@pytest.fixture
def peer() -> Peer:
    his = Peer()
    his.server.start()
    yield his
    his.server.stop()


@pytest.fixture
def booked(db: Database, hospital: Hospital):
    publish(db, MONDAY - timedelta(days=1))
    add_staff(db, AGENT)
    service = AppointmentService(db, AGENT, clock=lambda: NOW)
    slot = service.next_free(hospital.cardiology, "王医生")[0]
    return service, service.book(hospital.patients["wang"], slot.id)


def test_a_booking_goes_out_as_siu_s12_and_the_ack_is_stored(
    db: Database, booked, peer: Peer
) -> None:
    _, made = booked
    answer = send_to_his(db, AGENT, made.id, f"127.0.0.1:{peer.server.port}")
    assert answer.accepted and answer.ack_code == "AA"
    (message,) = peer.received
    assert str(message.segment("MSH")[9]) == "SIU^S12^SIU_S12"
    assert str(message.segment("PID")[3][0][0]) == "D000000001"
    assert str(message.segment("PID")[5]) == "王秀英"
    assert str(message.segment("SCH")[25]) == "Booked"
    assert str(message.segment("AIP")[3]) == "^王医生"
    with db.read() as session:
        (stored,) = sql.his_messages(session, made.id)
        assert (stored.event, stored.ack_code) == ("S12", "AA")
        assert stored.control_id == answer.control_id and "MSA|AA" in (stored.ack or "")


def test_a_cancellation_is_siu_s15(db: Database, booked, peer: Peer) -> None:
    service, made = booked
    service.cancel(made.id, "患者出国")
    answer = send_to_his(db, AGENT, made.id, f"127.0.0.1:{peer.server.port}")
    assert answer.event.value == "S15" and answer.accepted
    assert str(peer.received[0].segment("SCH")[25]) == "Cancelled"


def test_a_his_that_is_down_is_recorded_without_an_ack(db: Database, booked) -> None:
    _, made = booked
    answer = send_to_his(db, AGENT, made.id, f"127.0.0.1:{closed_port()}", timeout=2)
    assert answer.ack_code is None and not answer.accepted
    with db.read() as session:
        (stored,) = sql.his_messages(session, made.id)
        assert stored.ack is None and stored.error


def test_csv_for_the_his_keeps_chinese_and_opens_in_excel(
    db: Database, booked, tmp_path: Path
) -> None:
    service, made = booked
    rows, _ = service.day(local_date(made.starts_at))
    path = tmp_path / "appointments.csv"
    assert write_csv(rows, path) == 1
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["patient"] == "王秀英" and row["doctor"] == "王医生" and row["status"] == "booked"
