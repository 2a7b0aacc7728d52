"""The gateway's outbox: the OutboxPort of agent_desk.sms.gateway, kept in the database.

*send_db* is where messages are sent from: the workstation's own database, or the central
one when there is a server (then every claim names the gateway's lease fence). Replies and
delivery reports are stored in *local_db*, this workstation's database, where the patients'
cards read them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from agent_desk.db import sms_outbox
from agent_desk.db.engine import Database
from agent_desk.domain.enums import ModemProblem, SmsState
from agent_desk.domain.sms_rules import ContactRules, parse_hhmm
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.settings import Settings
from agent_desk.sms.gateway import Outgoing
from agent_desk.sms.modem import Inbound, ModemError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Modem problems that are the modem's, not the message's: it waits in the queue for them
# to be fixed, instead of failing.
_WAIT_FOR_MODEM = frozenset(
    {ModemProblem.NO_MODEM, ModemProblem.PIN_NEEDED, ModemProblem.NO_NETWORK, ModemProblem.SIM_FULL}
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def rules_from(settings: Settings) -> ContactRules:
    start, _, end = str(settings.get("sms.quiet_hours")).partition("-")
    quiet_start: time = parse_hhmm(start)
    return ContactRules(
        per_day=int(settings.get("sms.per_day")),
        per_month=int(settings.get("sms.per_month")),
        quiet_start=quiet_start,
        quiet_end=parse_hhmm(end),
    )


@dataclass
class DatabaseOutbox:
    send_db: Database
    local_db: Database
    holder: str  # this workstation's client id
    rules: ContactRules
    on_inbound: Callable[[Inbound], None]  # agent_desk.services.sms_inbox, bound
    fence: Callable[[], sms_outbox.GatewayFence | None] = lambda: None
    clock: Clock = utc_now
    # A revisit reminder went out: its booking is marked reminded (AppointmentService).
    on_revisit_reminded: Callable[[uuid.UUID, datetime], None] = lambda _a, _at: None
    _numbers: dict[uuid.UUID, str] = field(default_factory=dict)

    def recover(self) -> int:
        with self.send_db.write() as session:
            return sms_outbox.recover(session, self.holder)

    def claim_next(self) -> Outgoing | None:
        with self.send_db.write() as session:
            claimed = sms_outbox.claim_next(
                session, self.clock(), self.holder, self.rules, HOSPITAL_TZ, self.fence()
            )
        if claimed is None:
            return None
        self._numbers[claimed.message_id] = claimed.number
        return Outgoing(claimed.message_id, claimed.number, claimed.text)

    def part_sent(self, message_id: uuid.UUID, part_no: int, reference: int) -> None:
        with self.send_db.write() as session:
            sms_outbox.part_sent(
                session, message_id, part_no, reference, self._numbers[message_id], self.clock()
            )

    def sent(self, message_id: uuid.UUID, parts: int) -> None:
        now = self.clock()
        with self.send_db.write() as session:
            appointment_id = sms_outbox.mark_sent(session, message_id, parts, now)
        self._numbers.pop(message_id, None)
        if appointment_id is not None:
            self.on_revisit_reminded(appointment_id, now)

    def not_sent(self, message_id: uuid.UUID, error: ModemError) -> None:
        self._numbers.pop(message_id, None)
        if error.uncertain:
            state, why = SmsState.UNCERTAIN, f"may have gone out: {error.reason}"
        elif error.problem in _WAIT_FOR_MODEM:
            state, why = SmsState.QUEUED, error.reason  # nothing went out: it waits
        else:
            state, why = SmsState.FAILED, error.reason
        with self.send_db.write() as session:
            sms_outbox.mark_not_sent(session, message_id, state, why, self.clock())
        log.warning("SMS %s not sent (%s): %s", message_id, state.value, error.reason)

    def received(self, message: Inbound) -> None:
        self.on_inbound(message)
