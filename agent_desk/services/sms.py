"""SMS for the window and the command line: send one, list the outbox, read replies.

Every message goes into the outbox first (agent_desk.db.sms_outbox); the gateway sends it
under the contact rules. Campaigns are in sms_campaigns.py, reminders in sms_reminders.py.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from agent_desk.db import audit, sms_outbox, sms_replies, sms_views
from agent_desk.db.base import new_id
from agent_desk.db.engine import Database
from agent_desk.db.models import Patient
from agent_desk.db.scope import patient_visible
from agent_desk.db.sms_replies import ReplyView
from agent_desk.db.sms_views import MessageView
from agent_desk.domain.enums import AuditAction, AuditSubject, ModemProblem, SmsKind, SmsState
from agent_desk.domain.masking import mask_phone
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.phones import InvalidPhoneNumber, normalise
from agent_desk.errors import UserError
from agent_desk.paths import write_atomically
from agent_desk.services.sms_outbox import Clock, utc_now
from agent_desk.settings import Settings
from agent_desk.sms import text as sms_text
from agent_desk.sms.modem import ModemStatus

QUEUE_STATES = (SmsState.QUEUED, SmsState.FORWARDED, SmsState.SENDING)
SENT_STATES = (SmsState.SENT,)
FAILED_STATES = (SmsState.FAILED, SmsState.UNCERTAIN, SmsState.BLOCKED, SmsState.WITHDRAWN)
MAX_TEXT = 600  # eight or nine parts: longer is a letter, not a text message


class SmsRefused(UserError):
    pass


def signature(settings: Settings) -> str:
    return str(settings.get("sms.signature") or settings.get("hospital.name") or "")


@dataclass(frozen=True, slots=True)
class GatewayState:
    problem: ModemProblem
    reason: str
    signal_percent: int | None
    network: str


def save_gateway_state(path: Path, status: ModemStatus) -> None:
    data = {
        "problem": status.problem.value,
        "reason": status.reason,
        "signal_percent": status.signal_percent,
        "network": status.network,
    }
    write_atomically(path, json.dumps(data).encode("utf-8"), temp_prefix=".sms-")


def load_gateway_state(path: Path) -> GatewayState | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return GatewayState(
            ModemProblem(data["problem"]),
            str(data.get("reason") or ""),
            data.get("signal_percent"),
            str(data.get("network") or ""),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no gateway has run here, or it wrote nothing readable


class SmsService:
    def __init__(self, db: Database, settings: Settings, clock: Clock = utc_now) -> None:
        self.db, self.settings, self.clock = db, settings, clock

    def send(self, principal: Principal, number: str, text: str) -> uuid.UUID:
        """Queue one message typed by a person; refused (one line) without consent, on the
        do-not-contact list, or for a patient outside the sender's departments."""
        principal.require(Permission.SEND_SMS)
        body = text.strip()
        if not body:
            raise SmsRefused("the message is empty")
        if len(body) > MAX_TEXT:
            raise SmsRefused(f"the message has {len(body)} characters; at most {MAX_TEXT}")
        try:
            e164 = normalise(number, self.settings.phone_plan)
        except InvalidPhoneNumber as exc:
            raise SmsRefused(str(exc)) from None
        now = self.clock()
        with self.db.write() as session:
            patients = sms_replies.patients_with_number(session, e164)
            for patient_id in patients:
                patient = session.get(Patient, patient_id)
                if patient is not None and not patient.consent_sms:
                    raise SmsRefused(f"{mask_phone(e164)}: the patient has not agreed to SMS")
            if patients and not any(
                patient_visible(session, p, principal.department_filter()) for p in patients
            ):
                raise SmsRefused(f"{mask_phone(e164)}: the patient is not in your departments")
            if sms_replies.is_listed(session, e164):
                raise SmsRefused(f"{mask_phone(e164)} is on the do-not-contact list")
            message_id = new_id()
            sms_outbox.queue(
                session,
                [
                    sms_outbox.NewMessage(
                        kind=SmsKind.DIRECT,
                        number=e164,
                        text=sms_text.signed(body, signature(self.settings)),
                        created_by=principal.username,
                        patient_id=patients[0] if patients else None,
                        message_id=message_id,
                    )
                ],
                now,
            )
            audit.record(
                session,
                principal.username,
                AuditAction.SMS_SENT,
                AuditSubject.SMS,
                message_id,
                number=e164,  # masked where the audit log is shown
                characters=len(body),
            )
        return message_id

    def ask_satisfaction(self, principal: Principal, record_id: uuid.UUID) -> None:
        """Ask the patient of a follow-up record to rate it by SMS (1 满意 2 一般 3 不满意);
        their answer becomes that record's overall satisfaction (agent_desk.services.sms_inbox)."""
        principal.require(Permission.SEND_SMS)
        with self.db.write() as session:
            target = sms_replies.record_patient(session, record_id)
            if target is None:
                raise SmsRefused(f"no follow-up record {record_id}")
            patient_id, name, number = target
            if number is None:
                raise SmsRefused("the patient has no mobile number")
            if not patient_visible(session, patient_id, principal.department_filter()):
                raise SmsRefused("the patient is not in your departments")
            text = f"{name}您好，感谢您配合本院随访。{sms_text.SATISFACTION_QUESTION}"
            sms_outbox.queue(
                session,
                [
                    sms_outbox.NewMessage(
                        kind=SmsKind.SATISFACTION,
                        number=number,
                        text=sms_text.signed(text, signature(self.settings)),
                        created_by=principal.username,
                        patient_id=patient_id,
                        record_id=record_id,
                        dedupe_key=f"satisfaction:{record_id}",
                    )
                ],
                self.clock(),
            )

    def messages(
        self, principal: Principal, states: tuple[SmsState, ...], limit: int = 200
    ) -> list[MessageView]:
        principal.require(Permission.SEND_SMS)
        with self.db.read() as session:
            return sms_views.messages(session, states, limit)

    def counts(self) -> dict[SmsState, int]:
        with self.db.read() as session:
            return sms_views.counts(session)

    def replies(self, principal: Principal, limit: int = 200) -> list[ReplyView]:
        principal.require(Permission.SEND_SMS)
        with self.db.read() as session:
            return self._visible(session, principal, sms_replies.recent(session, limit))

    def unhandled_replies(self, principal: Principal, limit: int = 200) -> list[ReplyView]:
        """Replies that need a person (anything but an unsubscribe, a satisfaction score
        or a revisit's 确认/改期), oldest first, within the principal's departments: the
        agents' to-do (agent_desk.services.todo.SmsReplyTodos)."""
        principal.require(Permission.SEND_SMS)
        with self.db.read() as session:
            return self._visible(session, principal, sms_replies.unhandled(session, limit))

    def mark_reply_handled(self, principal: Principal, reply_id: uuid.UUID) -> bool:
        principal.require(Permission.SEND_SMS)
        with self.db.write() as session:
            return sms_replies.mark_handled(session, reply_id, principal.username, self.clock())

    def of_patient(
        self, principal: Principal, patient_id: uuid.UUID
    ) -> tuple[list[MessageView], list[ReplyView]]:
        """The card's SMS: what was sent to the patient and what they answered."""
        principal.require(Permission.VIEW_RECORDS)
        with self.db.read() as session:
            if not patient_visible(session, patient_id, principal.department_filter()):
                return [], []
            return (
                sms_views.of_patient(session, patient_id),
                sms_replies.of_patient(session, patient_id),
            )

    @staticmethod
    def _visible(session: Session, principal: Principal, rows: list[ReplyView]) -> list[ReplyView]:
        scope = principal.department_filter()
        if scope is None:
            return rows
        return [
            row
            for row in rows
            if row.patient_id is not None and patient_visible(session, row.patient_id, scope)
        ]
