"""The caller-ID modem: ring logic on its own, then the engine against a modem on a real PTY."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from agent_desk.telephony.caller_id import classify_line
from agent_desk.telephony.events import (
    CallEnded,
    CallerIdPrivacy,
    CallRinging,
    EndReason,
    ModemState,
    ModemStatus,
    TelephonyEvent,
)
from agent_desk.telephony.modem import ModemConfig, ModemEngine
from agent_desk.telephony.modem_calls import CallTracker
from tests.serial_pair import EventLog, ModemPlayer, SocatPair, requires_socat

MS = 1_000_000
CALLER_BLOCK = ("DATE = 1122", "TIME = 1405", "NMBR = 13800138000", "NAME = ZHANG SAN")
MDMF_ZHANG = "802201083131323231343035020B313338303031333830303007095A48414E472053414E06"


def ringing(events: Sequence[TelephonyEvent]) -> list[tuple[str, str, int]]:
    return [
        (event.call.remote_number, event.call.display_name, event.ring_count)
        for event in events
        if isinstance(event, CallRinging)
    ]


# --- the ring logic, with time passed in -------------------------------------------------


@pytest.fixture
def tracker() -> CallTracker:
    return CallTracker(ring_gap_s=8.0, block_gap_s=0.03)


def feed(tracker: CallTracker, at_ms: int, *texts: str) -> list[TelephonyEvent]:
    events: list[TelephonyEvent] = []
    for text in texts:
        parsed = classify_line(text.encode())
        assert parsed is not None
        events += tracker.feed(parsed, at_ms * MS)
    return events


def test_caller_id_before_the_first_ring_pops_with_ring_count_zero(tracker: CallTracker) -> None:
    events = feed(tracker, 0, *CALLER_BLOCK)
    assert ringing(events) == [("13800138000", "ZHANG SAN", 0)]


def test_rings_after_the_caller_id_count_up_on_the_same_call(tracker: CallTracker) -> None:
    first = feed(tracker, 0, *CALLER_BLOCK)
    later = feed(tracker, 500, "RING") + feed(tracker, 5500, "RING")
    assert [count for *_, count in ringing(later)] == [1, 2]
    assert {event.call.call_id for event in first + later if isinstance(event, CallRinging)} == {
        tracker.ringing_call_id
    }


def test_number_without_name_pops_after_the_quiet_gap(tracker: CallTracker) -> None:
    assert feed(tracker, 0, "DATE = 1122", "TIME = 1405") == []
    assert feed(tracker, 1, "NMBR = 13800138000") == []
    assert tracker.poll(30 * MS) == []
    [event] = tracker.poll(31 * MS)
    assert isinstance(event, CallRinging)
    assert event.monotonic_ns == 1 * MS  # latency counts from the number's arrival


def test_ring_completes_a_pending_block_in_one_event(tracker: CallTracker) -> None:
    feed(tracker, 0, "NMBR = 13800138000")
    assert ringing(feed(tracker, 10, "RING")) == [("13800138000", "", 1)]


def test_caller_id_between_rings_fills_in_the_ringing_call(tracker: CallTracker) -> None:
    first = feed(tracker, 0, "RING")
    filled = feed(tracker, 2500, *CALLER_BLOCK)
    second = feed(tracker, 6000, "RING")
    assert ringing(first + filled + second) == [
        ("", "", 1),
        ("13800138000", "ZHANG SAN", 1),
        ("13800138000", "ZHANG SAN", 2),
    ]


def test_call_ends_missed_a_ring_gap_after_the_last_ring(tracker: CallTracker) -> None:
    feed(tracker, 0, "RING")
    assert tracker.poll(7999 * MS) == []
    [ended] = tracker.poll(8000 * MS)
    assert isinstance(ended, CallEnded)
    assert ended.reason is EndReason.MISSED
    assert ended.call.ended_at is not None


def test_a_new_number_while_ringing_is_a_new_call(tracker: CallTracker) -> None:
    feed(tracker, 0, *CALLER_BLOCK, "RING")
    first_call = tracker.ringing_call_id
    events = feed(tracker, 3000, "NMBR = 13900139000", "NAME = LI SI")
    assert [type(event) for event in events] == [CallEnded, CallRinging]
    assert tracker.ringing_call_id != first_call


def test_abort_ends_the_ringing_call_as_failed(tracker: CallTracker) -> None:
    feed(tracker, 0, "RING")
    [ended] = tracker.abort(100 * MS)
    assert isinstance(ended, CallEnded)
    assert ended.reason is EndReason.FAILED
    assert tracker.ringing_call_id is None


def test_fields_without_a_number_wait_for_the_ring(tracker: CallTracker) -> None:
    feed(tracker, 0, "DATE = 1122", "TIME = 1405", "NAME = ZHANG SAN")
    assert tracker.poll(1000 * MS) == []
    assert ringing(feed(tracker, 1500, "RING")) == [("", "ZHANG SAN", 1)]


def test_next_deadline_follows_the_pending_work(tracker: CallTracker) -> None:
    assert tracker.next_deadline_ns() is None
    feed(tracker, 0, "NMBR = 110")
    assert tracker.next_deadline_ns() == 30 * MS
    tracker.poll(30 * MS)
    assert tracker.next_deadline_ns() == 8000 * MS


def test_garbage_and_replies_change_nothing(tracker: CallTracker) -> None:
    assert feed(tracker, 0, "OK", "ATZ", "FOO = 1", "NMBR = 12ab") == []
    assert tracker.next_deadline_ns() is None


# --- the engine against a modem played on a socat PTY pair --------------------------------

FAST: dict[str, Any] = {
    "ring_gap_s": 0.5,
    "block_gap_s": 0.03,
    "reconnect_s": 0.2,
    "command_timeout_s": 0.5,
}

Engines = Callable[..., ModemEngine]
Players = Callable[..., ModemPlayer]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[SocatPair]:
    serial_pair = SocatPair(tmp_path)
    serial_pair.start()
    yield serial_pair
    serial_pair.stop()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def players(pair: SocatPair) -> Iterator[Players]:
    started: list[ModemPlayer] = []

    def play(replies: dict[str, str | None] | None = None) -> ModemPlayer:
        started.append(ModemPlayer(pair.modem_path, replies))
        return started[-1]

    yield play
    for player in started:
        player.close()


@pytest.fixture
def engines(pair: SocatPair, events: EventLog) -> Iterator[Engines]:
    started: list[ModemEngine] = []

    def start(**overrides: Any) -> ModemEngine:
        engine = ModemEngine(ModemConfig(str(pair.app_path), **{**FAST, **overrides}), events)
        engine.start()
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.stop()


@pytest.fixture
def modem(players: Players, engines: Engines, events: EventLog) -> ModemPlayer:
    """A modem that accepts every command, with the engine on it and ready."""
    player = players()
    engines()
    wait_state(events, ModemState.READY)
    return player


def ring_with_count(count: int) -> Callable[[CallRinging], bool]:
    return lambda event: event.ring_count == count


@requires_socat
def test_china_order_pops_counts_rings_and_ends_missed(
    modem: ModemPlayer, events: EventLog
) -> None:
    modem.send_lines(*CALLER_BLOCK)
    popped = events.wait_for(CallRinging)
    modem.send_lines("RING")
    events.wait_for(CallRinging, ring_with_count(1))
    modem.send_lines("RING")
    events.wait_for(CallRinging, ring_with_count(2))
    ended = events.wait_for(CallEnded)
    assert (popped.call.remote_number, popped.call.display_name) == ("13800138000", "ZHANG SAN")
    assert [event.ring_count for event in events.of(CallRinging)] == [0, 1, 2]
    assert (ended.reason, ended.call.call_id) == (EndReason.MISSED, popped.call.call_id)


@requires_socat
def test_us_order_rings_first_then_fills_in_the_caller(
    modem: ModemPlayer, events: EventLog
) -> None:
    modem.send_lines("RING")
    events.wait_for(CallRinging)
    modem.send_lines(*CALLER_BLOCK)
    events.wait_for(CallRinging, lambda event: event.call.remote_number != "")
    modem.send_lines("RING")
    events.wait_for(CallRinging, ring_with_count(2))
    assert ringing(events.of(CallRinging)) == [
        ("", "", 1),
        ("13800138000", "ZHANG SAN", 1),
        ("13800138000", "ZHANG SAN", 2),
    ]
    assert len({event.call.call_id for event in events.of(CallRinging)}) == 1


@requires_socat
def test_raw_mdmf_pops_number_and_name(modem: ModemPlayer, events: EventLog) -> None:
    modem.send_lines(MDMF_ZHANG)
    popped = events.wait_for(CallRinging)
    assert (popped.call.remote_number, popped.call.display_name) == ("13800138000", "ZHANG SAN")


@requires_socat
def test_raw_sdmf_pops_the_number(modem: ModemPlayer, events: EventLog) -> None:
    modem.send_lines("041230393330313232343630393535353132313251")  # Bellcore example
    assert events.wait_for(CallRinging).call.remote_number == "6095551212"


@requires_socat
def test_bad_checksum_is_logged_and_the_next_call_pops(
    modem: ModemPlayer, events: EventLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agent_desk.telephony")
    modem.send_lines(MDMF_ZHANG[:-2] + "07")
    modem.send_lines("NMBR = 13900139000", "NAME = LI SI")
    popped = events.wait_for(CallRinging)
    assert popped.call.remote_number == "13900139000"
    assert any("bad checksum" in record.getMessage() for record in caplog.records)


@requires_socat
@pytest.mark.parametrize(
    ("code", "privacy"),
    [
        ("O", CallerIdPrivacy.OUT_OF_AREA),
        ("P", CallerIdPrivacy.PRIVATE),
        ("A", CallerIdPrivacy.ANONYMOUS),
    ],
)
def test_withheld_numbers_carry_their_privacy(
    modem: ModemPlayer, events: EventLog, code: str, privacy: CallerIdPrivacy
) -> None:
    modem.send_lines("DATE = 1122", "TIME = 1405", f"NMBR = {code}")
    popped = events.wait_for(CallRinging)
    assert (popped.call.remote_number, popped.call.privacy) == ("", privacy)


@requires_socat
def test_random_bytes_and_garbage_are_skipped(
    modem: ModemPlayer, events: EventLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agent_desk.telephony")
    modem.send(os.urandom(8192))
    modem.send(b"\r\nNMBR = 12ab\r\n\xff\xfe\xfd garbage \x00\r\nFOO = 1\r\n")
    modem.send_lines("NMBR = 13800138000", "NAME = ZHANG SAN")
    popped = events.wait_for(CallRinging, lambda event: event.call.remote_number != "")
    assert popped.call.remote_number == "13800138000"
    assert sum("skipped" in record.getMessage() for record in caplog.records) >= 3
    assert [status.state for status in events.of(ModemStatus)] == [
        ModemState.OPENING,
        ModemState.READY,
    ]


@requires_socat
def test_vanishing_mid_call_ends_it_failed_then_reconnects(
    pair: SocatPair, modem: ModemPlayer, players: Players, events: EventLog
) -> None:
    modem.send_lines(*CALLER_BLOCK)
    ringing_call = events.wait_for(CallRinging).call
    pair.stop()
    ended = events.wait_for(CallEnded)
    wait_state(events, ModemState.UNPLUGGED)
    assert (ended.call.call_id, ended.reason) == (ringing_call.call_id, EndReason.FAILED)

    pair.start()
    back = players()
    wait_state(events, ModemState.READY, count=2)
    back.send_lines("NMBR = 13900139000", "NAME = LI SI")
    popped = events.wait_for(CallRinging, lambda event: event.call.remote_number == "13900139000")
    assert popped.call.call_id != ringing_call.call_id
    assert back.commands[0] == "ATZ"  # initialised afresh
    assert [status.state for status in events.of(ModemStatus)] == [
        ModemState.OPENING,
        ModemState.READY,
        ModemState.UNPLUGGED,
        ModemState.OPENING,
        ModemState.READY,
    ]


@requires_socat
def test_device_node_going_away_counts_as_unplugged(
    pair: SocatPair, modem: ModemPlayer, events: EventLog
) -> None:
    pair.app_path.unlink()  # the pty itself still works: only the path tells
    assert "gone away" in wait_state(events, ModemState.UNPLUGGED).detail


def wait_state(events: EventLog, state: ModemState, count: int = 1) -> ModemStatus:
    """The *count*-th ModemStatus in *state*."""
    events.wait_for(
        ModemStatus, lambda _: [s.state for s in events.of(ModemStatus)].count(state) >= count
    )
    return [status for status in events.of(ModemStatus) if status.state is state][count - 1]


def wait_ready(events: EventLog) -> ModemStatus:
    return wait_state(events, ModemState.READY)


@requires_socat
def test_probe_moves_past_error_to_the_next_dialect(
    players: Players, engines: Engines, events: EventLog
) -> None:
    player = players({"AT+VCID=1": "ERROR"})
    engine = engines()
    assert "AT#CID=1" in wait_ready(events).detail
    assert player.commands == ["ATZ", "AT+VCID=1", "AT#CID=1"]
    assert engine.caller_id_command == "AT#CID=1"


@requires_socat
def test_probe_moves_on_when_a_command_gets_no_answer(
    players: Players, engines: Engines, events: EventLog
) -> None:
    player = players({"AT+VCID=1": None, "AT#CID=1": "ERROR"})
    engines()
    wait_ready(events)
    assert player.commands == ["ATZ", "AT+VCID=1", "AT#CID=1", "AT%CCID=1"]


@requires_socat
def test_country_code_is_set_before_the_probe(
    players: Players, engines: Engines, events: EventLog
) -> None:
    player = players()
    engines(country_code="B5")
    wait_ready(events)
    assert player.commands == ["ATZ", "AT+GCI=B5", "AT+VCID=1"]


@requires_socat
def test_no_country_code_sends_no_gci(players: Players, engines: Engines, events: EventLog) -> None:
    player = players()
    engines()
    wait_ready(events)
    assert not any(command.startswith("AT+GCI") for command in player.commands)


@requires_socat
def test_modem_without_caller_id_is_failed_but_rings_still_pop(
    players: Players, engines: Engines, events: EventLog
) -> None:
    player = players({command: "ERROR" for command in ModemConfig("x").caller_id_commands})
    engines()
    failed = wait_state(events, ModemState.FAILED)
    player.send_lines("RING")
    assert events.wait_for(CallRinging).call.remote_number == ""
    assert "rings only" in failed.detail


@requires_socat
def test_missing_port_is_unplugged_until_it_appears(
    pair: SocatPair, players: Players, engines: Engines, events: EventLog
) -> None:
    pair.stop()
    engines()
    unplugged = wait_state(events, ModemState.UNPLUGGED)
    pair.start()
    players()
    wait_ready(events)
    assert unplugged.port == str(pair.app_path)


@requires_socat
def test_a_failing_sink_is_logged_and_events_keep_coming(
    pair: SocatPair, players: Players, caplog: pytest.LogCaptureFixture
) -> None:
    received = EventLog()

    def sink(event: TelephonyEvent) -> None:
        received(event)
        if isinstance(event, CallRinging):
            raise RuntimeError("screen-pop blew up")

    player = players()
    engine = ModemEngine(ModemConfig(str(pair.app_path), **FAST), sink)
    engine.start()
    try:
        wait_ready(received)
        player.send_lines("RING")
        received.wait_for(CallRinging)
        assert received.wait_for(CallEnded).reason is EndReason.MISSED
    finally:
        engine.stop()
    assert any("sink failed" in record.getMessage() for record in caplog.records)
