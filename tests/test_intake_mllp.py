"""The MLLP listener on loopback, with a real socket client: ACK, NAK, limits, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent_desk.db.engine import Database
from agent_desk.db.models import Encounter, ImportRun
from agent_desk.intake.mllp import MAX_CONNECTIONS, MllpServer, frame, receive, send
from agent_desk.services.hl7_listener import Hl7Listener
from agent_desk.services.intake import IntakeService, load_plan_set
from tests.builders import HIS
from tests.test_intake_hl7 import BAD_SEPARATORS, adt

MLLP_SEND = Path(sys.executable).with_name("mllp_send")  # python-hl7's client, as the HIS


@pytest.fixture
def listener(db: Database, tmp_path: Path) -> Iterator[Hl7Listener]:
    service = IntakeService(db, load_plan_set(tmp_path), HIS)
    running = service.listener("127.0.0.1", 0)
    running.start()
    yield running
    running.stop()


def _msa(ack: bytes) -> list[str]:
    segments = ack.decode("utf-8").strip("\r").split("\r")
    assert segments[0].startswith("MSH|^~\\&|AGENT_DESK|")
    return segments[1].split("|")


def _send(listener: Hl7Listener, message: str) -> list[str]:
    return _msa(send("127.0.0.1", listener.port, message.encode("utf-8"), timeout=5))


def test_an_applied_message_is_acknowledged_aa(db: Database, listener: Hl7Listener) -> None:
    assert _send(listener, adt("A03", "M1"))[:3] == ["MSA", "AA", "M1"]
    with db.read() as session:
        assert session.scalar(select(Encounter.visit_no)) == "V1001"  # committed before the ACK


def test_an_unusable_message_gets_ae_with_the_reason_and_the_next_one_aa(
    listener: Hl7Listener,
) -> None:
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as sock:
        bad = adt("A03", "M2", visit="")
        sock.sendall(
            b"noise before a frame" + frame(bad.encode()) + frame(adt("A03", "M3").encode())
        )
        first = _msa(receive(sock))
        second = _msa(receive(sock))
    assert first == ["MSA", "AE", "M2", "PV1-19 (visit number) is empty"]
    assert second[:3] == ["MSA", "AA", "M3"]


def test_a_message_that_is_not_adt_is_rejected_ar(listener: Hl7Listener) -> None:
    oru = adt("A03", "M4").replace("ADT^A03", "ORU^R01")
    assert _send(listener, oru) == ["MSA", "AR", "M4", "message type 'ORU' is not ADT"]


def test_text_without_a_header_is_still_answered(listener: Hl7Listener) -> None:
    assert _send(listener, "PID|1||X") == [
        "MSA",
        "AR",
        "",
        "the message does not start with an MSH segment",
    ]


def test_a_resent_message_is_acknowledged_but_applied_once(
    db: Database, listener: Hl7Listener
) -> None:
    _send(listener, adt("A03", "M1"))
    msa = _send(listener, adt("A03", "M1", visit="V9"))
    assert msa[:3] == ["MSA", "AA", "M1"] and "duplicate" in msa[3]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Encounter)) == 1


def test_stop_closes_the_port_and_keeps_the_report(db: Database, listener: Hl7Listener) -> None:
    _send(listener, adt("A03", "M1"))
    _send(listener, adt("A03", "M2", visit=""))
    report = listener.stop()
    assert (report.read, report.created, report.error_count) == (2, 1, 1)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", listener.port), timeout=1).close()
    with db.read() as session:
        run = session.scalar(select(ImportRun))
        assert run is not None and (run.read, run.errors) == (2, 1)


def test_an_oversized_message_is_refused_and_the_connection_closed() -> None:
    seen: list[bytes] = []

    def handler(message: bytes) -> bytes:
        seen.append(message)
        return b"MSH|^~\\&|ACK\rMSA|AA|X\r"

    server = MllpServer(handler, port=0, max_message_bytes=1000, oversize_reply=lambda: b"TOO BIG")
    with server, socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(frame(b"MSH|" + b"x" * 200_000))
        assert receive(sock) == b"TOO BIG"
        assert sock.recv(10) == b""  # closed: what follows cannot be trusted to be in step
    assert seen == []


def test_a_port_in_use_is_reported_at_start() -> None:
    with MllpServer(lambda m: m, port=0) as first:
        second = MllpServer(lambda m: m, port=first.port)
        with pytest.raises(RuntimeError, match="cannot listen"):
            second.start()
        second.stop()


def _mllp_send(port: int, tmp_path: Path, *messages: str) -> list[list[str]]:
    """Send *messages* with python-hl7's mllp_send on one connection; the MSA of each answer."""
    batch = tmp_path / "batch.hl7"
    batch.write_bytes(b"".join(frame(m.encode("utf-8")) for m in messages))
    sent = subprocess.run(
        [MLLP_SEND, "--port", str(port), "--file", batch, "127.0.0.1"],
        capture_output=True,
        timeout=60,  # a guard against a hang, not a measure
    )
    assert sent.returncode == 0, sent.stderr.decode(errors="replace")
    answers = [a for a in sent.stdout.split(b"\x0b") if a.strip()]
    return [_msa(a.rstrip(b"\n").removesuffix(b"\x1c\r")) for a in answers]


def test_every_message_of_a_batch_is_answered_even_one_that_trips_the_parser(
    db: Database, listener: Hl7Listener, tmp_path: Path
) -> None:
    far = adt("A03", "M1").replace("19500307", "19500307+2400")
    answers = _mllp_send(listener.port, tmp_path, far, BAD_SEPARATORS, adt("A03", "M3"))
    assert [a[:3] for a in answers] == [
        ["MSA", "AE", "M1"],
        ["MSA", "AR", "2"],
        ["MSA", "AA", "M3"],
    ]
    assert "no real UTC offset" in answers[0][3] and "separators" in answers[1][3]


def test_idle_connections_do_not_lock_the_his_out(listener: Hl7Listener, tmp_path: Path) -> None:
    idle = [
        socket.create_connection(("127.0.0.1", listener.port), source_address=(f"127.0.0.{n}", 0))
        for n in range(2, 2 + MAX_CONNECTIONS)
    ]
    try:
        answers = _mllp_send(listener.port, tmp_path, adt("A03", "M1"))
    finally:
        for sock in idle:
            sock.close()
    assert answers[0][:3] == ["MSA", "AA", "M1"]


def _connect(server: MllpServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def test_a_peer_over_its_share_loses_its_idlest_connection() -> None:
    with (
        MllpServer(lambda m: m, port=0, max_connections_per_peer=2) as server,
        _connect(server) as oldest,
        _connect(server) as recent,
    ):
        recent.sendall(frame(b"MSH|1"))
        assert receive(recent) == b"MSH|1"  # heard from after *oldest*: not the idlest
        with _connect(server) as newest:
            assert oldest.recv(10) == b""  # closed to make room
            newest.sendall(frame(b"MSH|2"))
            assert receive(newest) == b"MSH|2"
            recent.sendall(frame(b"MSH|3"))
            assert receive(recent) == b"MSH|3"


def test_a_connection_applying_a_message_is_never_closed_to_make_room() -> None:
    applying, release = threading.Event(), threading.Event()

    def slow(message: bytes) -> bytes:
        applying.set()
        release.wait(30)
        return message

    with MllpServer(slow, port=0, max_connections_per_peer=1) as server, _connect(server) as first:
        first.sendall(frame(b"MSH|1"))
        assert applying.wait(30)
        with _connect(server) as second:
            assert second.recv(10) == b""  # turned away: the only slot is busy
        release.set()
        assert receive(first) == b"MSH|1"
