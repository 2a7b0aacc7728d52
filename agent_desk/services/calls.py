"""From a telephony event to the screen-pop and the call log.

The screen-pop path only reads: number → patients → card, so that the card is on
screen before the agent says hello. What the call leaves behind (the call row, the
audit of the card shown, answer and end times, the recording) is written once the card
is on screen, in order, by one background writer, so neither a disk sync nor the
writer's own Python stands between the phone ringing and the card appearing.

Whoever takes calls (TAKE_CALLS) sees the caller's card, identifiers masked, whatever
their departments: the caller chose to call, and the person answering must know who it is.
Opening a card outside a call keeps to the department scope (services/patients.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session

from agent_desk.db import audit
from agent_desk.db import calls as call_log
from agent_desk.db import patients as patient_queries
from agent_desk.db.base import new_id
from agent_desk.db.engine import Database
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.enums import AuditAction, ContactRelation, RecordingStatus
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.phones import PhonePlan, try_normalise
from agent_desk.domain.views import ContactView, PatientCard, PatientHit, TaskView
from agent_desk.errors import UserError
from agent_desk.foreground import yield_to_foreground
from agent_desk.services.recording_store import RecordingStore
from agent_desk.telephony.events import CallSnapshot, RecordingConsent

log = logging.getLogger(__name__)


class PopKind(StrEnum):
    PATIENT = "patient"  # exactly one patient (or the one dialled): the card is loaded
    CHOOSE = "choose"  # several patients share the number: the agent picks one
    UNKNOWN = "unknown"  # a number nobody has: offer to create or link a patient
    WITHHELD = "withheld"  # no number at all (private, anonymous, out of area)


@dataclass(frozen=True, slots=True)
class ScreenPop:
    call: CallSnapshot
    log_id: uuid.UUID
    kind: PopKind
    e164: str | None
    hits: tuple[PatientHit, ...] = ()
    card: PatientCard | None = None
    task_id: uuid.UUID | None = None
    # None: not yet known (a shared number with a refusing patient): record nothing yet.
    consent: RecordingConsent | None = RecordingConsent.GIVEN

    @property
    def task(self) -> TaskView | None:
        """The open follow-up task the call is most likely about."""
        if self.card is None:
            return None
        tasks = self.card.open_tasks
        return next((t for t in tasks if t.id == self.task_id), tasks[0] if tasks else None)


@dataclass(frozen=True, slots=True)
class OutboundContext:
    """What the agent clicked to dial: the patient and task are known, nothing to look up."""

    patient_id: uuid.UUID
    task_id: uuid.UUID | None


class DialRefusal(StrEnum):
    """Why click-to-dial does not call the patient on the card."""

    NO_NUMBER = "no_number"  # no valid phone number on the card
    NO_CONSENT = "no_consent"  # the patient does not wish to be called


class CannotDial(UserError):
    def __init__(self, reason: DialRefusal) -> None:
        super().__init__(f"the patient cannot be dialled: {reason.value}")
        self.reason = reason


def dial_target(card: PatientCard) -> str:
    """The number click-to-dial calls: the card's first valid one (nobody types a digit),
    unless the patient has none or does not wish to be called (raises CannotDial)."""
    number = next((contact.e164 for contact in card.contacts if contact.e164), None)
    if number is None:
        raise CannotDial(DialRefusal.NO_NUMBER)
    if not card.consent_call:
        raise CannotDial(DialRefusal.NO_CONSENT)
    return number


class CallService:
    def __init__(
        self,
        db: Database,
        index: PhoneIndex,
        plan: PhonePlan,
        staff_id: uuid.UUID | None,
        principal: Principal,
        writer: Executor | None = None,
        recordings: RecordingStore | None = None,
    ) -> None:
        """Raises PermissionDenied for a role that does not take calls (an administrator):
        no card pops up on such a workstation."""
        principal.require(Permission.TAKE_CALLS)
        self._db = db
        self._index = index
        self._plan = plan
        self._staff_id = staff_id
        self._actor = principal.username
        # One thread: the call log's writes keep the order the events came in.
        self._writer = writer or ThreadPoolExecutor(1, thread_name_prefix="call-log")
        self._log_ids: dict[str, uuid.UUID] = {}  # engine call id → call log row
        self._consent: dict[str, RecordingConsent | None] = {}  # engine call id → decision
        self._outbound: dict[str, OutboundContext] = {}
        # None: WAVs stay as the recorder wrote them (no recordings library).
        self._recordings = recordings

    def expect_outbound(self, call_id: str, context: OutboundContext) -> None:
        self._outbound[call_id] = context

    def log_id(self, call_id: str) -> uuid.UUID | None:
        return self._log_ids.get(call_id)

    def pop(self, call: CallSnapshot) -> ScreenPop:
        """Ringing or dialling: find the patient and load the card; the log follows.

        A call popped again (a modem's caller-ID after its first RING) keeps its one row.
        """
        return self._pop(call, shown=True)

    def _pop(self, call: CallSnapshot, *, shown: bool) -> ScreenPop:
        e164 = try_normalise(call.remote_number, self._plan) if call.remote_number else None
        context = self._outbound.pop(call.call_id, None)
        hits: list[PatientHit] = []
        with self._db.read() as session:
            if context is not None:
                card = patient_queries.load_card(session, context.patient_id)
            else:
                hits = self._index.find(e164) if e164 else []
                card = patient_queries.load_card(session, hits[0].id) if len(hits) == 1 else None
        if context is not None:
            task_id = context.task_id
        else:
            task_id = card.open_tasks[0].id if card and card.open_tasks else None
        if card is not None:
            kind = PopKind.PATIENT
        elif not call.remote_number:
            kind = PopKind.WITHHELD
        else:
            kind = PopKind.CHOOSE if len(hits) > 1 else PopKind.UNKNOWN
        consent = self._decide(call.call_id, _consent(card, hits))
        log_id = self._log_ids.get(call.call_id)
        pop = ScreenPop(call, log_id or new_id(), kind, e164, tuple(hits), card, task_id, consent)
        self._log_ids[call.call_id] = pop.log_id
        self._write(self._open if log_id is None else self._identify, pop, shown)
        return pop

    def recording_consent(self, call_id: str) -> RecordingConsent | None:
        return self._consent.get(call_id)

    def _decide(self, call_id: str, consent: RecordingConsent | None) -> RecordingConsent | None:
        # A refusal, once known, holds for the rest of the call whatever comes after.
        if self._consent.get(call_id) is RecordingConsent.REFUSED:
            return RecordingConsent.REFUSED
        self._consent[call_id] = consent
        return consent

    def _open(self, pop: ScreenPop, shown: bool) -> None:
        call = pop.call
        with self._db.write() as session:
            if shown:
                self._audit_card(session, pop)
            call_log.open_call(
                session,
                call_id=pop.log_id,
                direction=call.direction,
                remote_number=call.remote_number,
                remote_e164=pop.e164,
                display_name=call.display_name,
                started_at=call.started_at,
                staff_id=self._staff_id,
                patient_id=pop.card.id if pop.card else None,
                task_id=pop.task_id,
            )

    def _identify(self, pop: ScreenPop, shown: bool) -> None:
        call = pop.call
        with self._db.write() as session:
            if shown:
                self._audit_card(session, pop)
            call_log.identify_caller(
                session,
                pop.log_id,
                remote_number=call.remote_number,
                remote_e164=pop.e164,
                display_name=call.display_name,
                patient_id=pop.card.id if pop.card else None,
                task_id=pop.task_id,
            )

    def _audit_card(self, session: Session, pop: ScreenPop) -> None:
        if pop.card is not None:
            audit.record(
                session, self._actor, AuditAction.VIEW_PATIENT, "patient", pop.card.id, via="call"
            )

    def answered(self, call: CallSnapshot) -> None:
        log_id = self._log_ids.get(call.call_id)
        at = call.answered_at
        if log_id is not None and at is not None:
            self._write(self._in_session, lambda s: call_log.mark_answered(s, log_id, at))

    def ended(self, call: CallSnapshot, recording: str | None, status: RecordingStatus) -> None:
        """Close the call's row; a call that never popped (refused busy) gets its row now."""
        if call.call_id not in self._log_ids:
            self._pop(call, shown=False)  # logged, but no card was shown: nothing to audit
        log_id = self._log_ids.pop(call.call_id)
        if self._consent.pop(call.call_id, None) is RecordingConsent.REFUSED and not recording:
            # Whatever else kept this call off the disk, the refusal is what an audit asks.
            status = RecordingStatus.PATIENT_REFUSED
        at = call.ended_at or call.started_at
        self._write(
            self._in_session, lambda s: call_log.close_call(s, log_id, at, recording, status)
        )
        if recording and status is RecordingStatus.RECORDED:
            # After the row is closed, on the same writer: the WAV becomes a sealed FLAC.
            self._write(self._keep_recording, log_id, Path(recording))

    def _keep_recording(self, log_id: uuid.UUID, wav: Path) -> None:
        if self._recordings is not None:
            self._recordings.keep(log_id, wav)

    def choose_patient(self, call_id: str, patient_id: uuid.UUID) -> PatientCard | None:
        """The agent picked one of several patients (or linked an unknown caller)."""
        with self._db.read() as session:
            card = patient_queries.load_card(session, patient_id)
        if card is None:
            return None
        if call_id in self._log_ids:
            self._decide(call_id, _consent(card, []))
        log_id = self._log_ids.get(call_id)
        task_id = card.open_tasks[0].id if card.open_tasks else None

        def link(session: Session) -> None:
            audit.record(
                session, self._actor, AuditAction.VIEW_PATIENT, "patient", patient_id, via="call"
            )
            if log_id is not None:
                call_log.link_patient(session, log_id, patient_id, task_id)

        self._write(self._in_session, link)
        return card

    def flush(self) -> None:
        """Wait until every queued write is on disk (shutdown, tests)."""
        self._write(lambda: None).result()

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    def _in_session(self, work: Callable[[Session], None]) -> None:
        with self._db.write() as session:
            work(session)

    def _write(self, work: Callable[..., None], *args: object) -> Future[None]:
        future = self._writer.submit(_after_the_pop, work, *args)
        future.add_done_callback(_report_failure)
        return future


def _after_the_pop(work: Callable[..., None], *args: object) -> None:
    # The call's row and the audit of its card are written after the card is on screen:
    # run at once, the writer's few milliseconds of Python took the interpreter from the
    # window at every switch interval, and filling the card took up to three times longer.
    yield_to_foreground()
    work(*args)


def calling_relative(card: PatientCard, e164: str | None) -> ContactView | None:
    """The relative whose number is on the line (a child calling about a parent), if the
    number is not also the patient's own."""
    numbers = [c for c in card.contacts if e164 is not None and c.e164 == e164]
    if any(c.relation is ContactRelation.SELF for c in numbers):
        return None
    return numbers[0] if numbers else None


def _consent(card: PatientCard | None, hits: list[PatientHit]) -> RecordingConsent | None:
    """Whether a call may be recorded, from what the pop knows of who is on the line.

    A hospital records calls by default, and the patient's 不同意录音 overrides that.
    When the number is shared by several patients and any of them refuses, the call is
    not recorded until the agent picks who is calling and that patient consents:
    recording someone who refused is a breach that cannot be undone, while a late start
    loses only the greeting. A caller nobody knows has refused nothing: recorded (and
    the recording discarded if the agent then links the call to a patient who refuses).
    """
    if card is not None:
        return RecordingConsent.GIVEN if card.consent_recording else RecordingConsent.REFUSED
    if any(hit.consent_recording is not True for hit in hits):
        return None
    return RecordingConsent.GIVEN


def _report_failure(future: Future[None]) -> None:
    error = future.exception()
    if error is not None:
        # The workstation goes on; the log says which write was lost and why.
        log.error("call log write failed", exc_info=error)
