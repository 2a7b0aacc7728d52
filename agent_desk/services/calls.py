"""From a telephony event to the call log and the screen-pop, in one unit of work each.

The screen-pop path is the hot one: number → patients → card, audit and call row in a
single transaction, so that the card is on screen before the agent says hello.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from agent_desk.db import audit
from agent_desk.db import calls as call_log
from agent_desk.db import patients as patient_queries
from agent_desk.db.engine import Database
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.phones import PhonePlan, try_normalise
from agent_desk.domain.views import PatientCard, PatientHit, TaskView
from agent_desk.telephony.events import CallSnapshot


class PopKind(StrEnum):
    PATIENT = "patient"  # exactly one patient: the card is loaded
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

    @property
    def task(self) -> TaskView | None:
        """The open follow-up task the call is most likely about."""
        return self.card.open_tasks[0] if self.card and self.card.open_tasks else None


@dataclass(frozen=True, slots=True)
class OutboundContext:
    """What the agent clicked to dial: the patient and task are known, nothing to look up."""

    patient_id: uuid.UUID
    task_id: uuid.UUID | None


class CallService:
    def __init__(
        self, db: Database, index: PhoneIndex, plan: PhonePlan, staff_id: uuid.UUID, actor: str
    ) -> None:
        self._db = db
        self._index = index
        self._plan = plan
        self._staff_id = staff_id
        self._actor = actor
        self._log_ids: dict[str, uuid.UUID] = {}  # engine call id → call log row
        self._outbound: dict[str, OutboundContext] = {}

    def expect_outbound(self, call_id: str, context: OutboundContext) -> None:
        self._outbound[call_id] = context

    def log_id(self, call_id: str) -> uuid.UUID | None:
        return self._log_ids.get(call_id)

    def pop(self, call: CallSnapshot) -> ScreenPop:
        """Ringing or dialling: find the patient, log the call, load the card. One commit."""
        e164 = try_normalise(call.remote_number, self._plan) if call.remote_number else None
        context = self._outbound.pop(call.call_id, None)
        patient_id: uuid.UUID | None
        task_id: uuid.UUID | None
        with self._db.write() as session:
            if context is not None:
                card = patient_queries.load_card(session, context.patient_id)
                hits: list[PatientHit] = []
                patient_id, task_id = context.patient_id, context.task_id
            else:
                hits = self._index.find(e164) if e164 else []
                card = patient_queries.load_card(session, hits[0].id) if len(hits) == 1 else None
                patient_id = card.id if card else None
                task_id = card.open_tasks[0].id if card and card.open_tasks else None
            if card is not None:
                audit.record(
                    session, self._actor, AuditAction.VIEW_PATIENT, "patient", card.id, via="call"
                )
            log_id = call_log.open_call(
                session,
                direction=call.direction,
                remote_number=call.remote_number,
                remote_e164=e164,
                display_name=call.display_name,
                started_at=call.started_at,
                staff_id=self._staff_id,
                patient_id=patient_id,
                task_id=task_id,
            )
        self._log_ids[call.call_id] = log_id
        if card is not None:
            kind = PopKind.PATIENT
        elif not call.remote_number:
            kind = PopKind.WITHHELD
        else:
            kind = PopKind.CHOOSE if len(hits) > 1 else PopKind.UNKNOWN
        return ScreenPop(call, log_id, kind, e164, tuple(hits), card)

    def answered(self, call: CallSnapshot) -> None:
        log_id = self._log_ids.get(call.call_id)
        if log_id is not None and call.answered_at is not None:
            with self._db.write() as session:
                call_log.mark_answered(session, log_id, call.answered_at)

    def ended(self, call: CallSnapshot, recording: str | None) -> None:
        log_id = self._log_ids.pop(call.call_id, None)
        if log_id is None or call.ended_at is None:
            return
        with self._db.write() as session:
            call_log.close_call(session, log_id, call.ended_at, recording)

    def choose_patient(self, call_id: str, patient_id: uuid.UUID) -> PatientCard | None:
        """The agent picked one of several patients (or linked an unknown caller)."""
        log_id = self._log_ids.get(call_id)
        with self._db.write() as session:
            card = patient_queries.load_card(session, patient_id)
            if card is None:
                return None
            audit.record(
                session, self._actor, AuditAction.VIEW_PATIENT, "patient", patient_id, via="call"
            )
            if log_id is not None:
                task_id = card.open_tasks[0].id if card.open_tasks else None
                call_log.link_patient(session, log_id, patient_id, task_id)
            return card
