"""The calls of one running engine: pjsua2 callbacks in, telephony events out.

Everything in this module runs on the SIP thread. `CallBook` owns every pjsua2 `Call`
object from creation until its DISCONNECTED callback, and drops it there, on the SIP
thread: a Call collected later (or elsewhere) trips pjsua's
`pjsua_call_set_user_data: Assertion call_id>=0`, or clears the user data of a new
call that reused the slot.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pjsua2 as pj  # type: ignore[import-untyped]

from agent_desk.domain.enums import CallDirection
from agent_desk.telephony.events import (
    CallAnswered,
    CallDialling,
    CallEnded,
    CallHeld,
    CallRinging,
    CallSnapshot,
    CallSource,
    EndReason,
    HoldRefused,
    RecordingConsent,
    TelephonyEvent,
    utcnow,
)
from agent_desk.telephony.sip_audio import CallMedia, recording_path
from agent_desk.telephony.sip_config import SipConfig
from agent_desk.telephony.sip_identity import (
    CallerIdentity,
    IdentitySource,
    identity_from_remote_uri,
    number_from_uri,
    parse_caller_identity,
)
from agent_desk.telephony.sip_pj import error_text, guarded

log = logging.getLogger(__name__)


class CallPhase(StrEnum):
    RINGING = "ringing"  # inbound, not yet answered
    DIALLING = "dialling"  # outbound, not yet answered
    CONNECTED = "connected"
    HELD = "held"  # on hold by us


_BUSY_CODES = {486, 600}
_DECLINED_CODES = {603}
_NO_ANSWER_CODES = {408, 480, 487}


@dataclass(slots=True, eq=False)
class CallRecord:
    """One call as the engine tracks it; only the SIP thread reads or writes it."""

    call_id: str
    direction: CallDirection
    identity: CallerIdentity
    phase: CallPhase
    media: CallMedia
    pj_call: Any = None
    started_at: datetime = field(default_factory=utcnow)
    answered_at: datetime | None = None
    # Decided locally (reject, DND, hang-up, transfer); otherwise read from SIP at the end.
    end_reason: EndReason | None = None
    # The hold (True) or resume (False) re-INVITE we sent and have no answer to yet.
    hold_asked: bool | None = None

    def snapshot(self, ended_at: datetime | None = None) -> CallSnapshot:
        return CallSnapshot(
            call_id=self.call_id,
            source=CallSource.SIP,
            direction=self.direction,
            remote_number=self.identity.number,
            display_name=self.identity.display_name,
            privacy=self.identity.privacy,
            started_at=self.started_at,
            answered_at=self.answered_at,
            ended_at=ended_at,
        )

    def final_reason(self, last_status_code: int) -> EndReason:
        if self.end_reason is not None:
            return self.end_reason
        if self.answered_at is not None:
            return EndReason.HANGUP_REMOTE
        if self.direction is CallDirection.INBOUND:
            return EndReason.MISSED  # the caller gave up before anyone answered
        if last_status_code in _BUSY_CODES:
            return EndReason.BUSY
        if last_status_code in _DECLINED_CODES:
            return EndReason.REJECTED
        if last_status_code in _NO_ANSWER_CODES:
            return EndReason.NO_ANSWER
        return EndReason.FAILED


class SipCall(pj.Call):  # type: ignore[misc]
    """A pjsua2 Call that hands its callbacks to the CallBook."""

    def __init__(self, book: CallBook, account: Any, record_id: str, pj_call_id: int) -> None:
        super().__init__(account, pj_call_id)
        self.book = book
        self.record_id = record_id

    @guarded
    def onCallState(self, prm: Any) -> None:
        self.book.on_call_state(self)

    @guarded
    def onCallMediaState(self, prm: Any) -> None:
        self.book.on_call_media_state(self)

    @guarded
    def onCallTransferStatus(self, prm: Any) -> None:
        self.book.on_transfer_status(self, prm)

    @guarded
    def onCallTsxState(self, prm: Any) -> None:
        self.book.on_transaction(self, prm)

    @guarded
    def onDtmfDigit(self, prm: Any) -> None:
        log.info("call %s: DTMF %r received", self.record_id, prm.digit)


def _op(status_code: int = 0) -> Any:
    # CallOpParam(True): with the default (False) the call settings are zeroed, which
    # means no audio stream at all.
    prm = pj.CallOpParam(True)
    if status_code:
        prm.statusCode = status_code
    return prm


class CallBook:
    """Owns the engine's calls; turns pjsua2 callbacks into events."""

    def __init__(self, config: SipConfig, ep: Any, emit: Callable[[TelephonyEvent], None]):
        self.config = config
        self.ep = ep
        self.emit = emit
        self.auto_answer = config.auto_answer
        self.dnd = config.dnd
        self.source: Any = None  # the agent's audio port; None means the null device
        self._calls: dict[str, CallRecord] = {}

    def __len__(self) -> int:
        return len(self._calls)

    def get(self, call_id: str) -> CallRecord | None:
        record = self._calls.get(call_id)
        if record is None:
            log.warning("no call %s (already ended?)", call_id)
        return record

    def _new_media(self, call_id: str, started_at: datetime) -> CallMedia:
        path: Path | None = None
        if self.config.record:
            path = recording_path(self.config.recordings_dir, call_id, started_at)
        return CallMedia(path, self.config.announcement_wav)

    # --- inbound -------------------------------------------------------------------

    def on_incoming_call(self, account: Any, prm: Any) -> None:
        # The screen-pop clock starts here, the first Python code to see the INVITE.
        received_ns = time.perf_counter_ns()
        call_id = uuid.uuid4().hex
        call = SipCall(self, account, call_id, prm.callId)
        identity = self._identity(prm, call)
        started_at = utcnow()
        record = CallRecord(
            call_id=call_id,
            direction=CallDirection.INBOUND,
            identity=identity,
            phase=CallPhase.RINGING,
            media=self._new_media(call_id, started_at),
            pj_call=call,
            started_at=started_at,
        )
        self._calls[call_id] = record
        if self.dnd:
            record.end_reason = EndReason.BUSY
            log.info("call %s: do-not-disturb, answering 486", call_id)
            call.answer(_op(486))
            return
        self.emit(CallRinging(call=record.snapshot(), monotonic_ns=received_ns))
        call.answer(_op(180))
        if self.auto_answer:
            call.answer(_op(200))

    @staticmethod
    def _identity(prm: Any, call: Any) -> CallerIdentity:
        try:
            return parse_caller_identity(str(prm.rdata.wholeMsg))
        except Exception as error:
            # The raw text could not be converted at all: fall back to pjsua's From.
            # (No exc_info: a kept traceback would pin this Call beyond its life.)
            log.warning("unreadable INVITE (%s); using From", error)
            return identity_from_remote_uri(str(call.getInfo().remoteUri))

    def on_rejected_incoming_call(self, prm: Any) -> None:
        """pjsua refused an INVITE before we saw it (all call slots busy): log it anyway."""
        received_ns = time.perf_counter_ns()
        code = int(prm.statusCode)
        try:
            identity = parse_caller_identity(str(prm.rdata.wholeMsg))
        except Exception as error:  # the text could not be converted at all
            log.warning("unreadable rejected INVITE (%s); using From", error)
            identity = identity_from_remote_uri(str(prm.remoteInfo))
        log.warning("pjsua refused an incoming call with %d %s", code, prm.reason)
        now = utcnow()
        record = CallRecord(
            call_id=uuid.uuid4().hex,
            direction=CallDirection.INBOUND,
            identity=identity,
            phase=CallPhase.RINGING,
            media=CallMedia(None),
            started_at=now,
        )
        reason = EndReason.BUSY if code in _BUSY_CODES else EndReason.FAILED
        self.emit(
            CallEnded(call=record.snapshot(ended_at=now), reason=reason, monotonic_ns=received_ns)
        )

    # --- state ---------------------------------------------------------------------

    def on_call_state(self, call: SipCall) -> None:
        record = self._calls.get(call.record_id)
        if record is None:
            return
        info = call.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and record.answered_at is None:
            record.answered_at = utcnow()
            record.phase = CallPhase.CONNECTED
            self.emit(CallAnswered(call=record.snapshot()))
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            log.info("call %s ended: %s %s", record.call_id, info.lastStatusCode, info.lastReason)
            self._finish(record, record.final_reason(int(info.lastStatusCode)))

    def _finish(self, record: CallRecord, reason: EndReason) -> None:
        del self._calls[record.call_id]
        recording, status = record.media.close(answered=record.answered_at is not None)
        # Dropping the last reference deletes the C++ Call, here on the SIP thread.
        record.pj_call = None
        self.emit(
            CallEnded(
                call=record.snapshot(ended_at=utcnow()),
                reason=reason,
                recording=recording,
                recording_status=status,
            )
        )

    def on_call_media_state(self, call: SipCall) -> None:
        record = self._calls.get(call.record_id)
        if record is None:
            return
        info = call.getInfo()
        locally_held = False
        for media in info.media:
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD:
                locally_held = True
            if media.status in (
                pj.PJSUA_CALL_MEDIA_ACTIVE,
                pj.PJSUA_CALL_MEDIA_REMOTE_HOLD,
                pj.PJSUA_CALL_MEDIA_LOCAL_HOLD,
            ):
                record.media.connect(self.ep, call.getAudioMedia(media.index), self.source)
        if record.hold_asked is not None and locally_held is record.hold_asked:
            record.hold_asked = None
        if locally_held and record.phase is CallPhase.CONNECTED:
            record.phase = CallPhase.HELD
            self.emit(CallHeld(call=record.snapshot(), held=True))
        elif not locally_held and record.phase is CallPhase.HELD:
            record.phase = CallPhase.CONNECTED
            self.emit(CallHeld(call=record.snapshot(), held=False))

    def on_transaction(self, call: SipCall, prm: Any) -> None:
        """A refused hold or resume re-INVITE leaves the media as it was and fires no
        media callback: it shows only here, as the final answer to our INVITE."""
        record = self._calls.get(call.record_id)
        if record is None or record.hold_asked is None or record.answered_at is None:
            return
        tsx = prm.e.body.tsxState.tsx
        code = int(tsx.statusCode)
        if tsx.role != pj.PJSIP_ROLE_UAC or tsx.method != "INVITE" or code < 300:
            return
        if tsx.state not in (pj.PJSIP_TSX_STATE_COMPLETED, pj.PJSIP_TSX_STATE_TERMINATED):
            return
        held, record.hold_asked = record.hold_asked, None
        what = "hold" if held else "resume"
        log.warning("call %s: %s refused with %d", record.call_id, what, code)
        self.emit(
            HoldRefused(
                call=record.snapshot(), held=held, status_code=code, reason=str(tsx.statusText)
            )
        )

    def on_transfer_status(self, call: SipCall, prm: Any) -> None:
        record = self._calls.get(call.record_id)
        code = int(prm.statusCode)
        log.info(
            "call %s: transfer status %d %s (final=%s)",
            call.record_id,
            code,
            prm.reason,
            prm.finalNotify,
        )
        if record is None or not prm.finalNotify:
            return
        prm.cont = False
        if 200 <= code < 300:
            record.end_reason = EndReason.TRANSFERRED
            call.hangup(_op())
        else:
            log.warning("call %s: transfer failed with %d; the call stays", record.call_id, code)

    # --- commands (already on the SIP thread) --------------------------------------

    def dial(self, account: Any, call_id: str, uri: str) -> None:
        started_at = utcnow()
        identity = CallerIdentity(number_from_uri(uri), "", None, IdentitySource.NONE)
        record = CallRecord(
            call_id=call_id,
            direction=CallDirection.OUTBOUND,
            identity=identity,
            phase=CallPhase.DIALLING,
            media=self._new_media(call_id, started_at),
            started_at=started_at,
        )
        self.emit(CallDialling(call=record.snapshot()))
        call = SipCall(self, account, call_id, pj.PJSUA_INVALID_ID)
        record.pj_call = call
        self._calls[call_id] = record
        try:
            call.makeCall(uri, _op())
        except pj.Error as error:
            # Not the URI: it holds the patient's number, and logs are not masked.
            log.error("call %s could not be placed: %s", call_id, error_text(error))
            if call_id in self._calls:  # pjsua may already have reported DISCONNECTED
                self._finish(record, EndReason.FAILED)

    def answer(self, call_id: str) -> None:
        record = self.get(call_id)
        if record is not None and record.phase is CallPhase.RINGING:
            record.pj_call.answer(_op(200))

    def reject(self, call_id: str) -> None:
        record = self.get(call_id)
        if record is None:
            return
        record.end_reason = EndReason.REJECTED
        record.pj_call.hangup(_op(603 if record.phase is CallPhase.RINGING else 0))

    def hangup(self, call_id: str) -> None:
        record = self.get(call_id)
        if record is None:
            return
        unanswered_inbound = record.phase is CallPhase.RINGING
        record.end_reason = EndReason.REJECTED if unanswered_inbound else EndReason.HANGUP_LOCAL
        record.pj_call.hangup(_op())

    def hold(self, call_id: str) -> None:
        record = self.get(call_id)
        if record is not None and record.phase is CallPhase.CONNECTED:
            record.hold_asked = True
            record.pj_call.setHold(_op())

    def resume(self, call_id: str) -> None:
        record = self.get(call_id)
        if record is not None and record.phase is CallPhase.HELD:
            prm = _op()
            prm.opt.flag = pj.PJSUA_CALL_UNHOLD
            record.hold_asked = False
            record.pj_call.reinvite(prm)

    def set_recording(self, call_id: str, consent: RecordingConsent) -> None:
        record = self.get(call_id)
        if record is not None:
            record.media.decide(consent)

    def tick(self) -> None:
        """Time-driven media work: recorders waiting for their announcement to end."""
        now = time.monotonic()
        for record in self._calls.values():
            record.media.tick(now)

    def mute(self, call_id: str, muted: bool) -> None:
        record = self.get(call_id)
        if record is not None:
            record.media.set_muted(self.ep, self.source, muted)

    def send_dtmf(self, call_id: str, digits: str) -> None:
        record = self.get(call_id)
        if record is None:
            return
        prm = pj.CallSendDtmfParam()
        prm.digits = digits
        prm.method = pj.PJSUA_DTMF_METHOD_RFC2833
        record.pj_call.sendDtmf(prm)

    def blind_transfer(self, call_id: str, uri: str) -> None:
        record = self.get(call_id)
        if record is not None:
            record.pj_call.xfer(uri, _op())

    def attended_transfer(self, call_id: str, other_call_id: str) -> None:
        record, other = self.get(call_id), self.get(other_call_id)
        if record is not None and other is not None:
            record.pj_call.xferReplaces(other.pj_call, _op())

    def set_source(self, port: Any) -> None:
        """Swap the agent's audio source on every live call."""
        old, self.source = self.source, port
        for record in self._calls.values():
            record.media.replace_source(self.ep, old, port)

    # --- shutdown ------------------------------------------------------------------

    def hang_up_all(self) -> None:
        for record in list(self._calls.values()):
            ringing = record.phase is CallPhase.RINGING
            # A call still ringing when the engine stops was missed, not refused: it
            # belongs on the call-back list.
            record.end_reason = EndReason.MISSED if ringing else EndReason.HANGUP_LOCAL
            try:
                record.pj_call.hangup(_op())
            except pj.Error as error:
                log.warning("hanging up %s: %s", record.call_id, error_text(error))

    def abandon_all(self) -> None:
        """Close calls pjsua never reported as DISCONNECTED (the engine is stopping)."""
        for record in list(self._calls.values()):
            log.warning("call %s did not end in time; closing it", record.call_id)
            self._finish(record, record.end_reason or EndReason.FAILED)
