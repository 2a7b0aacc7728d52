"""Registration with a real registrar (Kamailio, digest auth): failures are retried with
the newest password, and a stopped engine leaves no binding behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.telephony.events import RegistrationChanged, RegistrationState
from agent_desk.telephony.sip_config import SipConfig
from agent_desk.telephony.sip_engine import SipEngine
from tests.registrar import Kamailio
from tests.sip_peers import EventLog, free_port

USER = "agent01"
RIGHT = "right-pass"


@pytest.fixture
def registrar(tmp_path: Path) -> Iterator[Kamailio]:
    kamailio = Kamailio(tmp_path / "kamailio", RIGHT)
    yield kamailio
    kamailio.stop()


def config(registrar: Kamailio, retry_s: float) -> SipConfig:
    return SipConfig(
        listen_port=free_port(),
        registrar=f"sip:{registrar.address}",
        user=USER,
        retry_s=retry_s,
    )


def failed(event: RegistrationChanged) -> bool:
    return event.state is RegistrationState.FAILED


def registered(event: RegistrationChanged) -> bool:
    return event.state is RegistrationState.REGISTERED


def test_a_corrected_password_is_taken_by_the_next_retry(registrar: Kamailio) -> None:
    password = {"now": "wrong-pass"}
    events = EventLog()
    with SipEngine(config(registrar, retry_s=0.5), events, lambda: password["now"]):
        failure = events.wait_for(RegistrationChanged, failed)
        assert (failure.status_code, failure.retry_in_s) == (401, 0.5)
        password["now"] = RIGHT
        events.wait_for(RegistrationChanged, registered)
        assert len(registrar.bindings(USER)) == 1


def test_register_again_does_not_wait_for_the_backoff(registrar: Kamailio) -> None:
    password = {"now": "wrong-pass"}
    events = EventLog()
    with SipEngine(config(registrar, retry_s=3600), events, lambda: password["now"]) as engine:
        events.wait_for(RegistrationChanged, failed)
        password["now"] = RIGHT
        engine.register_again()
        events.wait_for(RegistrationChanged, registered)


def test_stopping_removes_the_binding(registrar: Kamailio) -> None:
    events = EventLog()
    with SipEngine(config(registrar, retry_s=5), events, lambda: RIGHT):
        events.wait_for(RegistrationChanged, registered)
        assert len(registrar.bindings(USER)) == 1
    assert registrar.bindings(USER) == []
