"""What the SMS gateway does to revisit appointments: marks a booking reminded once its
reminder went out, and acts on the patient's answer to it.

- 确认 confirms the booking (AppointmentService.confirm).
- 改期 asks for another day: a callback task for the booking's department's agents
  (AppointmentService.request_reschedule); the booking keeps its place until an agent moves it.

The gateway acts for the patient as an agent would on the phone, under its own name
(GATEWAY_PRINCIPAL: hospital-wide, as the follow-up centre's agents are), whoever started
it. A booking that no longer holds its place, or whose time has passed, is not changed: the
answer then waits for an agent like any other reply.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from agent_desk.domain.enums import Role, SmsReplyKind
from agent_desk.domain.permissions import Principal
from agent_desk.errors import UserError
from agent_desk.services.appointments import AppointmentService

log = logging.getLogger(__name__)

GATEWAY_PRINCIPAL = Principal.of("sms-gateway", [Role.AGENT])


@dataclass
class RevisitAnswers:
    appointments: AppointmentService

    def answer(self, appointment_id: uuid.UUID, kind: SmsReplyKind) -> bool:
        """Do what a 确认 (REVISIT_CONFIRMED) or 改期 (REVISIT_RESCHEDULE) asks; False when
        the booking can no longer be changed by a text message."""
        try:
            found = self.appointments.get(appointment_id)
            if not found.holds_place or found.starts_at <= self.appointments.clock():
                return False
            if kind is SmsReplyKind.REVISIT_CONFIRMED:
                self.appointments.confirm(appointment_id)
            elif kind is SmsReplyKind.REVISIT_RESCHEDULE:
                self.appointments.request_reschedule(appointment_id)
            else:
                return False
        except (UserError, SQLAlchemyError) as exc:
            log.warning("SMS answer %s to revisit %s not applied: %s", kind, appointment_id, exc)
            return False
        return True

    def reminded(self, appointment_id: uuid.UUID, at: datetime) -> None:
        """The reminder went out; a failure here (the server away) costs nothing but the
        mark: the reminder's dedupe key keeps it from being queued again."""
        try:
            self.appointments.mark_reminded(appointment_id, at)
        except (UserError, SQLAlchemyError) as exc:
            log.warning("revisit %s not marked reminded: %s", appointment_id, exc)
