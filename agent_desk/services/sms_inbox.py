"""What the gateway does with each incoming message, before it is deleted from the SIM.

- A delivery report is matched to the part it reports on (by reference and recipient).
- TD / 退订 / N unsubscribes at once: the number goes on the do-not-contact list, the
  patients with it lose their SMS consent, and a confirmation is queued.
- 1 / 2 / 3 after a satisfaction message is that record's overall satisfaction.
- 确认 / 改期 after a revisit reminder confirms that booking or asks for a callback to move
  it (agent_desk.services.sms_revisits). Like a satisfaction answer it is not answered by
  SMS: only an unsubscribe is confirmed to the patient.
- Anything else waits for an agent (agent_desk.services.sms.SmsService.unhandled_replies).
Every reply is stored on the patient's card.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from agent_desk.db import sms_outbox, sms_replies
from agent_desk.db.engine import Database
from agent_desk.db.sms_models import SmsReply
from agent_desk.domain.enums import SmsKind, SmsReplyKind
from agent_desk.domain.phones import PhonePlan, try_normalise
from agent_desk.services.sms_outbox import Clock, utc_now
from agent_desk.services.sms_revisits import RevisitAnswers
from agent_desk.sms import text as sms_text
from agent_desk.sms.modem import Inbound

log = logging.getLogger(__name__)

GATEWAY_ACTOR = "sms-gateway"
OPT_OUT_CONFIRMATION = "您已成功退订本院短信，今后不再发送。如需恢复，请致电医院随访中心。"
# A satisfaction reply counts for the latest satisfaction message sent this long ago at most.
SATISFACTION_WINDOW = timedelta(days=7)


@dataclass
class Inbox:
    send_db: Database  # where the outbox, its parts and the do-not-contact list are
    local_db: Database  # where replies are stored and consent is changed (synced)
    signature: str
    phone_plan: PhonePlan = field(default_factory=PhonePlan)
    clock: Clock = utc_now
    revisits: RevisitAnswers | None = None

    def __call__(self, message: Inbound) -> None:
        number = try_normalise(message.number, self.phone_plan) or message.number
        if message.is_report:
            self._report(number, message)
            return
        if sms_text.is_opt_out(message.text):
            self._opt_out(number, message)
        else:
            self._reply(number, message)

    def _report(self, number: str, message: Inbound) -> None:
        with self.send_db.write() as session:
            matched = sms_outbox.match_report(
                session, number, message.reference or 0, message.delivered, self.clock()
            )
        if matched is None:
            log.info("delivery report for reference %s matches no message sent", message.reference)

    def _patients(self, number: str) -> list[uuid.UUID]:
        with self.local_db.read() as session:
            return sms_replies.patients_with_number(session, number)

    def _opt_out(self, number: str, message: Inbound) -> None:
        patients = self._patients(number)
        patient = patients[0] if patients else None
        reason = f"unsubscribed by SMS ({message.text.strip()[:20]})"
        now = self.clock()
        with self.send_db.write() as session:
            sms_replies.do_not_contact(session, number, patient, reason, GATEWAY_ACTOR, now)
            sms_outbox.queue(
                session,
                [
                    sms_outbox.NewMessage(
                        kind=SmsKind.CONFIRMATION,
                        number=number,
                        text=sms_text.signed(OPT_OUT_CONFIRMATION, self.signature),
                        created_by=GATEWAY_ACTOR,
                        patient_id=patient,
                    )
                ],
                now,
            )
        with self.local_db.write() as session:
            if self.local_db is not self.send_db:
                # The same row (its id is the number's) as on the central server above,
                # where the gateway's next claim sees it at once; this copy is for this
                # workstation's senders until the sync brings the server's, and for every
                # other workstation through its upload when the server missed it.
                sms_replies.do_not_contact(session, number, patient, reason, GATEWAY_ACTOR, now)
            sms_replies.withdraw_consent(session, patients)
            self._store(session, number, message, patients, SmsReplyKind.OPT_OUT)

    def _revisit_answer(self, number: str, message: Inbound, patients: list[uuid.UUID]) -> bool:
        """确认 or 改期 to the latest revisit reminder sent to *number*, applied and stored."""
        kind = sms_text.revisit_answer(message.text)
        if kind is None or self.revisits is None:
            return False
        with self.send_db.read() as session:
            reminder = sms_outbox.last_revisit_reminder_to(session, number)
        if reminder is None or not self.revisits.answer(reminder.appointment_id, kind):
            return False
        with self.local_db.write() as session:
            self._store(
                session,
                number,
                message,
                patients,
                kind,
                message_id=reminder.id,
                appointment_id=reminder.appointment_id,
            )
        return True

    def _reply(self, number: str, message: Inbound) -> None:
        patients = self._patients(number)
        if self._revisit_answer(number, message, patients):
            return
        score = sms_text.satisfaction_score(message.text)
        asked = None
        if score is not None:
            with self.send_db.read() as session:
                asked = sms_outbox.last_sent_to(session, number, [SmsKind.SATISFACTION])
        with self.local_db.write() as session:
            if (
                asked is not None
                and asked.record_id is not None
                and sms_replies.record_satisfaction(session, asked.record_id, score or 0)
            ):
                self._store(
                    session,
                    number,
                    message,
                    patients,
                    SmsReplyKind.SATISFACTION,
                    message_id=asked.id,
                    record_id=asked.record_id,
                    score=score,
                )
                return
            kind = SmsReplyKind.NEEDS_AGENT if patients else SmsReplyKind.UNKNOWN_SENDER
            self._store(session, number, message, patients, kind)

    def _store(
        self,
        session: Session,
        number: str,
        message: Inbound,
        patients: list[uuid.UUID],
        kind: SmsReplyKind,
        message_id: uuid.UUID | None = None,
        record_id: uuid.UUID | None = None,
        score: int | None = None,
        appointment_id: uuid.UUID | None = None,
    ) -> None:
        sms_replies.store(
            session,
            SmsReply(
                received_at=message.received_at,
                number=number,
                # A number shared by several patients (a family's phone): stored once, on
                # the first; the agent's to-do shows the number to sort it out.
                patient_id=patients[0] if patients else None,
                text=message.text,
                kind=kind,
                message_id=message_id,
                record_id=record_id,
                appointment_id=appointment_id,
                score=score,
            ),
        )
