"""The pjsua2 softphone engine against real peers (baresip, sipp) on loopback.

Each test starts its own engine on a free port; pjsua2 is destroyed and created again
between tests, which is itself part of what is tested.
"""

from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("pjsua2", reason="needs the pjsua2-python wheel")

from agent_desk.domain.enums import CallDirection, RecordingStatus
from agent_desk.telephony.events import (
    CallAnswered,
    CallDialling,
    CallEnded,
    CallerIdPrivacy,
    CallHeld,
    CallRinging,
    EndReason,
    HoldRefused,
    RecordingConsent,
    RegistrationChanged,
    RegistrationState,
    TelephonyEvent,
    utcnow,
)
from agent_desk.telephony.sip_audio import CallMedia, ToneSource
from agent_desk.telephony.sip_calls import CallPhase, CallRecord
from agent_desk.telephony.sip_config import (
    MAX_CALLS,
    EngineState,
    SipConfig,
    SipEngineError,
    SipTransport,
)
from agent_desk.telephony.sip_engine import SipEngine
from agent_desk.telephony.sip_identity import (
    UNKNOWN_CALLER,
    IdentitySource,
    decode_sip_text,
    dial_uri,
    identity_from_remote_uri,
    parse_caller_identity,
)
from tests.sip_peers import (
    EarPiece,
    EventLog,
    Sipp,
    baresip,
    dominant_hz,
    free_port,
    loud_part,
    read_wav,
    require,
    tone_amplitude,
    write_tone_wav,
)

StartEngine = Callable[..., SipEngine]
ZHANG = '"Zhang San" <sip:13800138000@127.0.0.1>'


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def start_engine(tmp_path: Path, events: EventLog) -> Iterator[StartEngine]:
    engines: list[SipEngine] = []

    def start(**overrides: object) -> SipEngine:
        settings: dict[str, object] = {
            "listen_port": free_port(),
            "recordings_dir": tmp_path / "recordings",
        }
        settings.update(overrides)
        engine = SipEngine(SipConfig(**settings), events)  # type: ignore[arg-type]
        engine.start()
        engines.append(engine)
        return engine

    yield start
    for engine in engines:
        engine.stop()


def sipp_call(folder: Path, engine: SipEngine, from_hdr: str, identity_hdr: str) -> Sipp:
    return Sipp(
        folder,
        "uac_identity.xml",
        remote=f"127.0.0.1:{engine.config.listen_port}",
        extra=["-m", "1", "-key", "from_hdr", from_hdr, "-key", "identity_hdr", identity_hdr],
    )


def place_ordinary_call(
    folder: Path, engine: SipEngine, events: EventLog, consent: RecordingConsent | None = None
) -> CallRinging:
    """A plain sipp call into the (auto-answering) engine; proves it still works."""
    run = sipp_call(folder, engine, '"Sun Qi" <sip:13500135000@127.0.0.1>', "X-Case: plain")
    ringing = events.wait_for(CallRinging, lambda e: e.call.remote_number == "13500135000")
    if consent is not None:
        engine.set_recording(ringing.call.call_id, consent)
    assert run.wait() == 0, run.errors()
    events.wait_for(CallEnded, lambda e: e.call.call_id == ringing.call.call_id)
    return ringing


# --- audio both ways -------------------------------------------------------------


def test_inbound_call_pops_caller_and_records_their_tone(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    engine = start_engine()
    headset = EarPiece()
    engine.attach_audio(headset)
    tone = write_tone_wav(tmp_path / "tone.wav", 440, 3.0)
    with baresip(tmp_path / "phone", tone=tone) as phone:
        phone.command(f"/dial sip:agent@127.0.0.1:{engine.config.listen_port}")
        ringing = events.wait_for(CallRinging)
        assert ringing.call.direction is CallDirection.INBOUND
        assert (ringing.call.remote_number, ringing.call.display_name) == (
            "13800138000",
            "Zhang San",
        )
        engine.set_recording(ringing.call.call_id, RecordingConsent.GIVEN)
        engine.answer(ringing.call.call_id)
        events.wait_for(CallAnswered)
        time.sleep(1.5)
        phone.command("/hangup")
        ended = events.wait_for(CallEnded)

    assert ended.reason is EndReason.HANGUP_REMOTE
    assert ended.recording_status is RecordingStatus.RECORDED
    assert ended.recording is not None
    assert ended.recording.parent == tmp_path / "recordings"
    rate, samples = read_wav(ended.recording)  # read at once: finalised when announced
    assert 1.0 < len(samples) / rate < 3.0
    assert dominant_hz(loud_part(samples, rate), rate) == pytest.approx(440, rel=0.05)
    rate = engine.config.clock_rate  # and the agent's earpiece heard the patient too
    assert dominant_hz(loud_part(headset.samples(), rate), rate) == pytest.approx(440, rel=0.05)


def test_outbound_call_carries_our_tone_and_records_both_parties(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    engine = start_engine()
    engine.attach_audio(ToneSource(1000, clock_rate=engine.config.clock_rate))
    their_tone = write_tone_wav(tmp_path / "tone.wav", 440, 4.0)
    with baresip(tmp_path / "phone", tone=their_tone, auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        engine.set_recording(call_id, RecordingConsent.GIVEN)
        dialling = events.wait_for(CallDialling)
        assert (dialling.call.call_id, dialling.call.remote_number) == (call_id, "13800138000")
        events.wait_for(CallAnswered)
        time.sleep(2.0)
        engine.hangup(call_id)
        ended = events.wait_for(CallEnded)
        phone.quit()
        rate, heard = read_wav(phone.heard)

    assert ended.reason is EndReason.HANGUP_LOCAL
    assert dominant_hz(loud_part(heard, rate), rate) == pytest.approx(1000, rel=0.05)
    assert ended.recording is not None
    rate, recorded = read_wav(ended.recording)
    recorded = loud_part(recorded, rate)
    assert tone_amplitude(recorded, rate, 1000) > 0.1  # the agent's side
    assert tone_amplitude(recorded, rate, 440) > 0.1  # the patient's side
    assert tone_amplitude(recorded, rate, 700) < 0.02  # and nothing else


def test_mute_keeps_the_agent_from_the_patient(events: EventLog, tmp_path: Path) -> None:
    require("baresip")
    config = SipConfig(listen_port=free_port(), recordings_dir=tmp_path / "recordings")
    engine = SipEngine(config, events)
    engine.attach_audio(ToneSource(1000, clock_rate=config.clock_rate))  # before start()
    with engine, baresip(tmp_path / "phone", auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        engine.mute(call_id, True)  # queued behind the dial: muted from the first frame
        events.wait_for(CallAnswered)
        time.sleep(1.0)
        engine.mute(call_id, False)
        time.sleep(1.0)
        engine.hangup(call_id)
        events.wait_for(CallEnded)
        phone.quit()
        rate, heard = read_wav(phone.heard)
    tone = loud_part(heard, rate)
    assert 0.6 < len(tone) / rate < 1.4  # only the unmuted second of two
    assert dominant_hz(tone, rate) == pytest.approx(1000, rel=0.05)


def test_switching_the_agents_audio_mid_call(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    """As when a headset is plugged in: the patient hears the new source at once."""
    require("baresip")
    engine = start_engine()
    engine.attach_audio(ToneSource(1000, clock_rate=engine.config.clock_rate))
    with baresip(tmp_path / "phone", auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        events.wait_for(CallAnswered)
        time.sleep(1.0)
        engine.attach_audio(ToneSource(600, clock_rate=engine.config.clock_rate))
        time.sleep(1.0)
        engine.attach_audio(None)  # back to the (silent) null device
        time.sleep(0.5)
        engine.hangup(call_id)
        events.wait_for(CallEnded)
        phone.quit()
        rate, heard = read_wav(phone.heard)
    tone = loud_part(heard, rate)
    half = len(tone) // 2
    assert 1.6 < len(tone) / rate < 2.4  # silent once detached
    assert dominant_hz(tone[: half - rate // 10], rate) == pytest.approx(1000, rel=0.05)
    assert dominant_hz(tone[half + rate // 10 :], rate) == pytest.approx(600, rel=0.05)


def test_announcement_is_played_to_the_remote_party(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    announcement = write_tone_wav(tmp_path / "announce.wav", 700, 1.0)
    engine = start_engine(announcement_wav=announcement)
    with baresip(tmp_path / "phone", auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        engine.set_recording(call_id, RecordingConsent.GIVEN)
        events.wait_for(CallAnswered)
        time.sleep(1.5)
        engine.hangup(call_id)
        events.wait_for(CallEnded)
        phone.quit()
        rate, heard = read_wav(phone.heard)
    played = loud_part(heard, rate)
    assert 0.6 < len(played) / rate < 1.4
    assert dominant_hz(played, rate) == pytest.approx(700, rel=0.05)


def test_announcement_plays_before_recording_starts(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    announcement = write_tone_wav(tmp_path / "announce.wav", 700, 1.0)
    engine = start_engine(announcement_wav=announcement)
    their_tone = write_tone_wav(tmp_path / "tone.wav", 440, 6.0)
    with baresip(tmp_path / "phone", tone=their_tone, auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        engine.set_recording(call_id, RecordingConsent.GIVEN)
        events.wait_for(CallAnswered)
        time.sleep(2.5)
        engine.hangup(call_id)
        ended = events.wait_for(CallEnded)
    assert ended.recording is not None
    rate, recorded = read_wav(ended.recording)
    assert 0.8 < len(recorded) / rate < 2.2  # the second after the announcement, not before
    assert tone_amplitude(recorded, rate, 700) < 0.02  # the announcement was over
    assert tone_amplitude(recorded, rate, 440) > 0.1  # and the patient is on it


# --- recording consent -------------------------------------------------------------


def _talk_inbound(
    engine: SipEngine, events: EventLog, tmp_path: Path, *decisions: object
) -> CallEnded:
    """baresip calls the auto-answering engine, talks for 1.5 s with the decisions
    made along the way (a RecordingConsent, or seconds to wait), and hangs up."""
    tone = write_tone_wav(tmp_path / "tone.wav", 440, 6.0)
    with baresip(tmp_path / "phone", tone=tone) as phone:
        phone.command(f"/dial sip:agent@127.0.0.1:{engine.config.listen_port}")
        ringing = events.wait_for(CallRinging)
        events.wait_for(CallAnswered)
        for decision in decisions:
            if isinstance(decision, RecordingConsent):
                engine.set_recording(ringing.call.call_id, decision)
            else:
                time.sleep(float(decision))  # type: ignore[arg-type]
        time.sleep(1.5)
        phone.command("/hangup")
        return events.wait_for(CallEnded)


def test_a_refusing_patient_is_never_recorded(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    engine = start_engine(auto_answer=True)
    ended = _talk_inbound(engine, events, tmp_path, RecordingConsent.REFUSED)
    assert (ended.recording, ended.recording_status) == (None, RecordingStatus.PATIENT_REFUSED)
    assert list((tmp_path / "recordings").glob("*")) == []


def test_a_refusing_patient_hears_no_recording_announcement(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    engine = start_engine(announcement_wav=write_tone_wav(tmp_path / "announce.wav", 700, 1.0))
    with baresip(tmp_path / "phone", auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        engine.set_recording(call_id, RecordingConsent.REFUSED)
        events.wait_for(CallAnswered)
        time.sleep(1.5)
        engine.hangup(call_id)
        events.wait_for(CallEnded)
        phone.quit()
        rate, heard = read_wav(phone.heard)
    assert loud_part(heard, rate) == []  # "本次通话将被录音" would not be true


def test_nothing_is_recorded_before_consent(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("baresip")
    engine = start_engine(auto_answer=True)
    ended = _talk_inbound(engine, events, tmp_path)  # nobody decides: a shared number
    assert (ended.recording, ended.recording_status) == (
        None,
        RecordingStatus.CONSENT_UNCONFIRMED,
    )
    assert list((tmp_path / "recordings").glob("*")) == []


def test_a_late_refusal_deletes_what_was_recorded(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    """An unknown caller is recorded until the agent links the call to a refusing patient."""
    require("baresip")
    engine = start_engine(auto_answer=True)
    ended = _talk_inbound(
        engine, events, tmp_path, RecordingConsent.GIVEN, 1.0, RecordingConsent.REFUSED
    )
    assert (ended.recording, ended.recording_status) == (None, RecordingStatus.PATIENT_REFUSED)
    assert list((tmp_path / "recordings").glob("*")) == []


# --- call control ------------------------------------------------------------------


def test_hold_resume_and_dtmf(start_engine: StartEngine, events: EventLog, tmp_path: Path) -> None:
    require("baresip")
    engine = start_engine()
    with baresip(tmp_path / "phone", auto_answer=True) as phone:
        call_id = engine.dial(phone.uri)
        events.wait_for(CallAnswered)
        engine.hold(call_id)
        assert events.wait_for(CallHeld).held is True
        engine.resume(call_id)
        assert events.wait_for(CallHeld, lambda e: not e.held).call.call_id == call_id
        engine.send_dtmf(call_id, "5")
        assert phone.peer is not None
        phone.peer.wait_for_line(r"received event: '5'", timeout=5)
        engine.hangup(call_id)
        assert events.wait_for(CallEnded).reason is EndReason.HANGUP_LOCAL
    assert [e.held for e in events.of(CallHeld)] == [True, False]


def test_a_refused_hold_is_reported_and_the_call_stays_connected(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    engine = start_engine()
    remote = Sipp(tmp_path / "sipp", "uas_refuse_hold.xml", extra=["-m", "1"])
    call_id = engine.dial(f"sip:patient@{remote.address}")
    events.wait_for(CallAnswered)
    engine.hold(call_id)
    refused = events.wait_for(HoldRefused)
    assert (refused.call.call_id, refused.held, refused.status_code) == (call_id, True, 488)
    engine.hangup(call_id)
    assert events.wait_for(CallEnded).reason is EndReason.HANGUP_LOCAL
    assert remote.wait() == 0, remote.errors()
    assert events.of(CallHeld) == []


def test_blind_transfer_sends_refer_and_ends_the_call(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    engine = start_engine()
    remote = Sipp(tmp_path / "sipp", "uas_refer.xml", extra=["-m", "1", "-trace_logs"])
    call_id = engine.dial(f"sip:patient@{remote.address}")
    events.wait_for(CallAnswered)
    engine.blind_transfer(call_id, "sip:8001@pbx.test")
    ended = events.wait_for(CallEnded)
    assert remote.wait() == 0, remote.errors()
    assert ended.reason is EndReason.TRANSFERRED
    logged = "".join(p.read_text() for p in (tmp_path / "sipp").glob("*_logs.log"))
    assert re.search(r"REFER-TO:\s*<?sip:8001@pbx\.test>?\s*$", logged, re.M), logged


def test_attended_transfer_refers_with_replaces(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    engine = start_engine()
    patient = Sipp(tmp_path / "a", "uas_refer.xml", extra=["-m", "1", "-trace_logs"])
    doctor = Sipp(tmp_path / "b", "uas_answer.xml", extra=["-m", "1"])
    first = engine.dial(f"sip:patient@{patient.address}")
    events.wait_for(CallAnswered, lambda e: e.call.call_id == first)
    second = engine.dial(f"sip:doctor@{doctor.address}")
    events.wait_for(CallAnswered, lambda e: e.call.call_id == second)
    engine.attended_transfer(first, second)
    ended = events.wait_for(CallEnded, lambda e: e.call.call_id == first)
    assert ended.reason is EndReason.TRANSFERRED
    assert patient.wait() == 0, patient.errors()
    logged = "".join(p.read_text() for p in (tmp_path / "a").glob("*_logs.log"))
    assert "Replaces=" in logged  # the REFER names the consultation call to replace
    engine.hangup(second)
    events.wait_for(CallEnded, lambda e: e.call.call_id == second)
    assert doctor.wait() == 0, doctor.errors()


def test_do_not_disturb_answers_busy(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    engine = start_engine()
    engine.set_dnd(True)
    run = Sipp(
        tmp_path / "sipp",
        "uac_expect_busy.xml",
        remote=f"127.0.0.1:{engine.config.listen_port}",
        extra=["-m", "1"],
    )
    assert run.wait() == 0, run.errors()
    ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.call.remote_number) == (EndReason.BUSY, "13700137000")
    assert events.of(CallRinging) == []  # nothing popped or rang


def test_a_call_beyond_the_wheels_limit_is_still_logged(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    """pjsua (built with 4 call slots) refuses a fifth call itself; it must not vanish."""
    require("sipp")
    engine = start_engine()
    crowd = Sipp(
        tmp_path / "crowd",
        "uac_identity.xml",
        remote=f"127.0.0.1:{engine.config.listen_port}",
        extra=[
            "-m",
            str(MAX_CALLS + 1),
            "-r",
            "100",
            "-l",
            str(MAX_CALLS + 1),
            "-key",
            "from_hdr",
            ZHANG,
            "-key",
            "identity_hdr",
            "X-Case: crowd",
        ],
    )
    busy = events.wait_for(CallEnded, lambda e: e.reason is EndReason.BUSY)
    assert (busy.call.remote_number, busy.call.display_name) == ("13800138000", "Zhang San")
    assert len(events.of(CallRinging)) == MAX_CALLS
    crowd.close()


def test_unwritable_recordings_folder_leaves_the_call_unrecorded(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    engine = start_engine(auto_answer=True, recordings_dir=blocker / "recordings")
    place_ordinary_call(tmp_path / "call", engine, events, RecordingConsent.GIVEN)
    ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.recording) == (EndReason.HANGUP_REMOTE, None)
    assert ended.recording_status is RecordingStatus.FAILED


# --- caller identity over the wire -----------------------------------------------


@pytest.mark.parametrize(
    ("from_hdr", "identity_hdr", "expected"),
    [
        (
            ZHANG,
            'P-Asserted-Identity: "Wang Wu" <sip:13900139000@pbx.test>',
            ("13900139000", "Wang Wu", None),
        ),
        (
            ZHANG,
            'Remote-Party-ID: "Zhao Liu" <sip:13600136000@pbx.test>;party=calling',
            ("13600136000", "Zhao Liu", None),
        ),
        (ZHANG, "X-Case: from only", ("13800138000", "Zhang San", None)),
        (
            '"Anonymous" <sip:anonymous@anonymous.invalid>',
            "Privacy: id",
            ("", "", CallerIdPrivacy.ANONYMOUS),
        ),
    ],
    ids=["p-asserted-identity", "remote-party-id", "from", "anonymous"],
)
def test_caller_identity_comes_from_the_strongest_header(
    start_engine: StartEngine,
    events: EventLog,
    tmp_path: Path,
    from_hdr: str,
    identity_hdr: str,
    expected: tuple[str, str, CallerIdPrivacy | None],
) -> None:
    require("sipp")
    engine = start_engine(auto_answer=True)
    run = sipp_call(tmp_path / "sipp", engine, from_hdr, identity_hdr)
    ringing = events.wait_for(CallRinging)
    assert run.wait() == 0, run.errors()
    call = ringing.call
    assert (call.remote_number, call.display_name, call.privacy) == expected
    assert events.wait_for(CallEnded).reason is EndReason.HANGUP_REMOTE


# --- registration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "state", "code"),
    [("s3cret-pass", RegistrationState.REGISTERED, 200), ("wrong", RegistrationState.FAILED, 403)],
    ids=["accepted", "forbidden"],
)
def test_registration_with_digest_auth(
    start_engine: StartEngine,
    events: EventLog,
    tmp_path: Path,
    password: str,
    state: RegistrationState,
    code: int,
) -> None:
    require("sipp")
    registrar = Sipp(tmp_path / "registrar", "registrar_auth.xml", extra=["-m", "1"])
    engine = start_engine(
        registrar=f"sip:{registrar.address}", user="agent01", password=password, auto_answer=True
    )
    settled = events.wait_for(
        RegistrationChanged, lambda e: e.state is not RegistrationState.REGISTERING
    )
    assert (settled.state, settled.status_code) == (state, code)
    if state is RegistrationState.REGISTERED:
        engine.stop()  # unregisters: the scenario expects the REGISTER with Expires 0
        assert events.of(RegistrationChanged)[-1].state is RegistrationState.UNREGISTERED
    else:
        assert engine.state is EngineState.RUNNING
        place_ordinary_call(tmp_path / "call", engine, events)
    assert registrar.wait() == 0, registrar.errors()


def test_registration_is_refreshed_before_it_expires(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    registrar = Sipp(
        tmp_path / "registrar", "registrar_refresh.xml", extra=["-m", "1", "-trace_msg"]
    )
    engine = start_engine(registrar=f"sip:{registrar.address}", user="agent01", password="x")
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    deadline = time.monotonic() + 8
    while registrar.received("REGISTER") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # pjsip refreshes a 6 s binding after 5 s
    assert registrar.received("REGISTER") == 2
    engine.stop()
    assert registrar.wait() == 0, registrar.errors()  # refresh, then un-REGISTER, in order
    states = [e.state for e in events.of(RegistrationChanged)]
    assert states == [  # the routine refresh is not news for the window
        RegistrationState.REGISTERING,
        RegistrationState.REGISTERED,
        RegistrationState.UNREGISTERED,
    ]


def test_unreachable_registrar_fails_and_engine_keeps_running(
    start_engine: StartEngine, events: EventLog, tmp_path: Path
) -> None:
    require("sipp")
    nobody = free_port()
    engine = start_engine(
        transport=SipTransport.TCP,
        registrar=f"sip:127.0.0.1:{nobody}",
        user="agent01",
        password="x",
    )
    failed = events.wait_for(
        RegistrationChanged, lambda e: e.state is RegistrationState.FAILED, timeout=15
    )
    assert failed.status_code is not None and failed.status_code >= 400
    assert engine.state is EngineState.RUNNING


# --- bad input -----------------------------------------------------------------------


def test_malformed_sip_is_logged_and_the_next_call_works(
    start_engine: StartEngine,
    events: EventLog,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    require("sipp")
    engine = start_engine(auto_answer=True)
    port = engine.config.listen_port
    truncated = (
        f"INVITE sip:agent@127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbroken\r\n"
        "From: <sip:13800138000@127.0"
    ).encode()
    with (
        caplog.at_level(logging.WARNING, logger="agent_desk.telephony"),
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
    ):
        for datagram in (b"\x00\xff\x13garbage" * 20, truncated, b"SIP/2.0 200 OK\r\n\r\n"):
            sock.sendto(datagram, ("127.0.0.1", port))
        time.sleep(0.3)
    dropped = [r for r in caplog.records if "Dropping" in r.getMessage()]
    assert len(dropped) == 2, [r.getMessage() for r in caplog.records]
    assert engine.state is EngineState.RUNNING
    ringing = place_ordinary_call(tmp_path / "call", engine, events)
    assert ringing.call.display_name == "Sun Qi"


def test_gbk_display_name_is_decoded(start_engine: StartEngine, events: EventLog) -> None:
    """Some PBXs send the caller's name in GBK, which is not valid UTF-8."""
    engine = start_engine()
    port = engine.config.listen_port
    invite = (
        f"INVITE sip:agent@127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKgbk\r\n"
        'From: "张三" <sip:13800138000@127.0.0.1>;tag=1\r\n'
        f"To: <sip:agent@127.0.0.1:{port}>\r\nCall-ID: gbk-name\r\nCSeq: 1 INVITE\r\n"
        "Contact: <sip:x@127.0.0.1:9>\r\nContent-Length: 0\r\n\r\n"
    ).encode("gbk")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(invite, ("127.0.0.1", port))
        ringing = events.wait_for(CallRinging)
    assert (ringing.call.remote_number, ringing.call.display_name) == ("13800138000", "张三")
    engine.stop()
    assert events.wait_for(CallEnded).reason is EndReason.MISSED


# --- lifecycle and API edges -----------------------------------------------------------


def test_engine_restarts_in_the_same_process(events: EventLog, tmp_path: Path) -> None:
    engine = SipEngine(SipConfig(listen_port=free_port(), recordings_dir=tmp_path), events)
    states = []
    for _ in range(3):
        engine.start()
        states.append(engine.state)
        engine.stop()
        states.append(engine.state)
    assert states == [EngineState.RUNNING, EngineState.STOPPED] * 3
    assert [e.state for e in events.of(RegistrationChanged)] == [RegistrationState.DIRECT] * 3


def test_taken_port_raises_and_a_later_start_succeeds(events: EventLog, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        taken = squatter.getsockname()[1]
        engine = SipEngine(SipConfig(listen_port=taken, recordings_dir=tmp_path), events)
        with pytest.raises(SipEngineError, match=str(taken)):
            engine.start()
    assert engine.state is EngineState.FAILED
    other = SipEngine(SipConfig(listen_port=free_port(), recordings_dir=tmp_path), events)
    with other:
        assert other.state is EngineState.RUNNING


def test_only_one_engine_per_process(start_engine: StartEngine, events: EventLog) -> None:
    start_engine()
    second = SipEngine(SipConfig(listen_port=free_port()), events)
    with pytest.raises(SipEngineError, match="another"):
        second.start()


def test_commands_are_checked_before_they_are_queued(start_engine: StartEngine) -> None:
    stopped = SipEngine(SipConfig(), lambda _e: None)
    with pytest.raises(SipEngineError):
        stopped.hangup("nope")
    engine = start_engine()
    with pytest.raises(ValueError, match="registrar"):
        engine.dial("13800138000")  # direct SIP: a bare number has nowhere to go
    with pytest.raises(ValueError, match="DTMF"):
        engine.send_dtmf("any", "12x")


def test_undiallable_uri_reports_dialling_then_failed(
    start_engine: StartEngine, events: EventLog
) -> None:
    engine = start_engine()
    call_id = engine.dial("sip:@@")
    assert events.wait_for(CallDialling).call.call_id == call_id
    ended = events.wait_for(CallEnded)
    assert (ended.call.call_id, ended.reason, ended.recording) == (call_id, EndReason.FAILED, None)


def test_a_failing_sink_does_not_stop_the_engine(
    events: EventLog, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    require("sipp")

    def flaky_sink(event: TelephonyEvent) -> None:
        events(event)
        raise RuntimeError("the UI adapter broke")

    config = SipConfig(listen_port=free_port(), recordings_dir=tmp_path, auto_answer=True)
    with SipEngine(config, flaky_sink) as engine:
        place_ordinary_call(tmp_path / "call", engine, events)
        assert engine.state is EngineState.RUNNING
    assert any("sink raised" in r.getMessage() for r in caplog.records)


# --- pure functions: caller identity, dial strings, end reasons -------------------------


def invite(*headers: str, body: str = "") -> str:
    lines = ["INVITE sip:agent@127.0.0.1:5070 SIP/2.0", "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1"]
    return "\r\n".join([*lines, *headers, "Content-Length: 0", "", body])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            [
                'From: "Caller" <sip:111@pbx>;tag=1',
                'Remote-Party-ID: "Rpid" <sip:222@pbx>;party=calling',
                'P-Asserted-Identity: "Pai" <sip:333@pbx>',
            ],
            ("333", "Pai", None, IdentitySource.P_ASSERTED_IDENTITY),
        ),
        (
            ['From: "Caller" <sip:111@pbx>;tag=1', 'Remote-Party-ID: "Rpid" <sip:222@pbx>'],
            ("222", "Rpid", None, IdentitySource.REMOTE_PARTY_ID),
        ),
        (
            ['f: "Compact" <sip:13800138000@pbx>;tag=1'],
            ("13800138000", "Compact", None, IdentitySource.FROM),
        ),
        (
            ['P-Asserted-Identity: "Wang Wu" <sip:wangwu@pbx>, <tel:+86-138-0013-8000>'],
            ("+8613800138000", "Wang Wu", None, IdentitySource.P_ASSERTED_IDENTITY),
        ),
        (
            [
                "P-Asserted-Identity: <sip:8001@pbx>",
                "P-Asserted-Identity: <tel:8001;phone-context=x>",
            ],
            ("8001", "", None, IdentitySource.P_ASSERTED_IDENTITY),
        ),
        (
            [r'From: "Dr. \"Li\", ward 3" <sip:8002@pbx>;tag=9'],
            ("8002", 'Dr. "Li", ward 3', None, IdentitySource.FROM),
        ),
        (
            ["From: Zhang San <sip:%2B8613800138000@pbx;user=phone>;tag=1"],
            ("+8613800138000", "Zhang San", None, IdentitySource.FROM),
        ),
        (
            ["From: <sip:13800138000;npdi@pbx;user=phone>;tag=abc"],
            ("13800138000", "", None, IdentitySource.FROM),
        ),
        (
            ['From: "张三" <sip:13800138000@pbx>;tag=1'],
            ("13800138000", "张三", None, IdentitySource.FROM),
        ),
        (
            ['From: "Folded"', " <sip:555@pbx>;tag=1"],
            ("555", "Folded", None, IdentitySource.FROM),
        ),
        (
            ['From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=1'],
            ("", "", CallerIdPrivacy.ANONYMOUS, IdentitySource.FROM),
        ),
        (
            [
                'From: "Caller" <sip:111@pbx>;tag=1',
                "P-Asserted-Identity: <sip:333@pbx>",
                "Privacy: id",
            ],
            ("", "", CallerIdPrivacy.ANONYMOUS, IdentitySource.P_ASSERTED_IDENTITY),
        ),
        (
            ["From: <sip:111@pbx>;tag=1", "P-Asserted-Identity: <sip:333@pbx>", "Privacy: none"],
            ("333", "", None, IdentitySource.P_ASSERTED_IDENTITY),
        ),
        (
            ['Remote-Party-ID: "Hidden" <sip:222@pbx>;party=calling;privacy=full'],
            ("", "", CallerIdPrivacy.ANONYMOUS, IdentitySource.REMOTE_PARTY_ID),
        ),
        (
            ['Remote-Party-ID: "Shown" <sip:222@pbx>;privacy=uri'],
            ("", "Shown", CallerIdPrivacy.ANONYMOUS, IdentitySource.REMOTE_PARTY_ID),
        ),
        (
            ['Remote-Party-ID: "Hidden" <sip:222@pbx>;privacy=name'],
            ("222", "", None, IdentitySource.REMOTE_PARTY_ID),
        ),
        (["From: <sip:pbx.example>;tag=1"], ("", "", None, IdentitySource.FROM)),
        (["X-Nothing: here"], ("", "", None, IdentitySource.NONE)),
    ],
)
def test_parse_caller_identity(
    headers: list[str], expected: tuple[str, str, CallerIdPrivacy | None, IdentitySource]
) -> None:
    identity = parse_caller_identity(invite(*headers))
    assert (identity.number, identity.display_name, identity.privacy, identity.source) == expected


def test_headers_in_the_body_are_ignored() -> None:
    message = invite("From: <sip:111@pbx>;tag=1", body="P-Asserted-Identity: <sip:999@evil>")
    assert parse_caller_identity(message).number == "111"


def test_garbage_gives_unknown_caller() -> None:
    assert parse_caller_identity("\x00\xff<<<>>>::;;") is UNKNOWN_CALLER
    assert parse_caller_identity("") is UNKNOWN_CALLER


def test_non_utf8_text_is_repaired_as_gb18030() -> None:
    as_swig_gives_it = "张三".encode("gbk").decode("utf-8", "surrogateescape")
    assert decode_sip_text(as_swig_gives_it) == "张三"
    assert decode_sip_text("plain") == "plain"


def test_identity_from_remote_uri_fallback() -> None:
    identity = identity_from_remote_uri('"Zhang San" <sip:13800138000@127.0.0.1>')
    assert (identity.number, identity.display_name) == ("13800138000", "Zhang San")
    assert identity_from_remote_uri("<sip:anonymous@anonymous.invalid>").privacy is (
        CallerIdPrivacy.ANONYMOUS
    )


@pytest.mark.parametrize(
    ("target", "domain", "transport", "expected"),
    [
        ("138 0013 8000", "pbx.local:5060", "", "sip:13800138000@pbx.local:5060"),
        ("8001", "pbx.local", ";transport=tcp", "sip:8001@pbx.local;transport=tcp"),
        ("tel:+86-138-0013-8000", "pbx.local", "", "sip:+8613800138000@pbx.local"),
        ("13800138000@10.0.0.5", None, "", "sip:13800138000@10.0.0.5"),
        ("sips:ward3@pbx.local", None, ";transport=tcp", "sips:ward3@pbx.local"),
    ],
)
def test_dial_uri(target: str, domain: str | None, transport: str, expected: str) -> None:
    assert dial_uri(target, domain, transport) == expected


@pytest.mark.parametrize("target", ["", "13800138000", "call me; maybe"])
def test_dial_uri_refuses(target: str) -> None:
    with pytest.raises(ValueError):
        dial_uri(target, None if target == "13800138000" else "pbx.local")


def test_config_registrar_forms() -> None:
    tcp = SipConfig(registrar="pbx.local:5060", transport=SipTransport.TCP)
    assert tcp.registrar_uri == "sip:pbx.local:5060;transport=tcp"
    assert tcp.registrar_host == "pbx.local:5060"
    assert SipConfig(registrar="sip:pbx.local;transport=udp").registrar_host == "pbx.local"
    assert SipConfig().registrar_uri is None
    assert "s3cret" not in repr(SipConfig(password="s3cret"))


@pytest.mark.parametrize(
    ("direction", "answered", "code", "expected"),
    [
        (CallDirection.OUTBOUND, False, 486, EndReason.BUSY),
        (CallDirection.OUTBOUND, False, 603, EndReason.REJECTED),
        (CallDirection.OUTBOUND, False, 408, EndReason.NO_ANSWER),
        (CallDirection.OUTBOUND, False, 503, EndReason.FAILED),
        (CallDirection.OUTBOUND, True, 200, EndReason.HANGUP_REMOTE),
        (CallDirection.INBOUND, False, 487, EndReason.MISSED),
    ],
)
def test_end_reason_from_sip(
    direction: CallDirection, answered: bool, code: int, expected: EndReason
) -> None:
    record = CallRecord(
        call_id="c",
        direction=direction,
        identity=UNKNOWN_CALLER,
        phase=CallPhase.CONNECTED if answered else CallPhase.DIALLING,
        media=CallMedia(None),
        answered_at=utcnow() if answered else None,
    )
    assert record.final_reason(code) is expected


def test_tone_source_is_a_continuous_sine() -> None:
    tone = ToneSource(1000, clock_rate=16000)
    frames = b"".join(tone.read_frame(640) for _ in range(50))  # one second
    samples = list(memoryview(frames).cast("h"))
    assert len(samples) == 16000
    assert dominant_hz(samples, 16000) == pytest.approx(1000, rel=0.01)
    assert tone_amplitude(samples, 16000, 1000) == pytest.approx(0.3, rel=0.05)


def test_without_angle_brackets_semicolons_start_header_params() -> None:
    # RFC 3261 §20.10: the ";tag" here belongs to the From header, not to the URI.
    identity = parse_caller_identity(invite("From: sip:8003@pbx;tag=abc"))
    assert identity.number == "8003"
