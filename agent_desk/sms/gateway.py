"""The SMS gateway loop: receive, then send the next due message, one at a time, forever.

No Qt and no SQL: the outbox is an OutboxPort (agent_desk/services/sms_outbox.py keeps it
in the database) and the modem a GammuModem. The loop runs on its own thread in the
window, or in the foreground with `agent-desk sms gateway`.

A message is never sent twice: the outbox marks it SENDING (committed) before the modem
sees it, and each part's reference as the modem accepts it. A message found SENDING at
start-up was interrupted by a crash or a pulled modem: it may have gone out, so it
becomes UNCERTAIN for a person to look at, and is never resent by itself.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from agent_desk.domain.enums import ModemProblem
from agent_desk.sms.modem import GammuModem, Inbound, ModemError, ModemStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message claimed for sending: the outbox has marked it SENDING."""

    message_id: uuid.UUID
    number: str
    text: str


class OutboxPort(Protocol):
    def recover(self) -> int:
        """Mark this gateway's interrupted sends UNCERTAIN; return how many."""
        ...

    def claim_next(self) -> Outgoing | None:
        """The next message due now that the contact rules allow, marked SENDING; None
        when nothing is due (or this gateway holds no lease)."""
        ...

    def part_sent(self, message_id: uuid.UUID, part_no: int, reference: int) -> None: ...

    def sent(self, message_id: uuid.UUID, parts: int) -> None: ...

    def not_sent(self, message_id: uuid.UUID, error: ModemError) -> None:
        """The modem refused it cleanly (nothing went out), or it may have gone out
        (error.uncertain): the outbox decides between FAILED, UNCERTAIN and a retry."""
        ...

    def received(self, message: Inbound) -> None:
        """Store one incoming message or delivery report (committed before it is deleted)."""
        ...


class GatewayLease(Protocol):
    def hold(self) -> bool:
        """Take or renew the gateway's lease; False while another workstation holds it."""
        ...

    def release(self) -> None: ...


class NoLease:
    """A workstation without a central server is its own gateway."""

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        return None


StatusSink = Callable[[ModemStatus], None]


class SmsGateway:
    def __init__(
        self,
        outbox: OutboxPort,
        modem: GammuModem,
        *,
        lease: GatewayLease | None = None,
        on_status: StatusSink = lambda _status: None,
        idle_s: float = 2.0,
        retry_s: float = 15.0,
        tick: Callable[[], None] = lambda: None,
    ) -> None:
        self.outbox, self.modem, self.lease = outbox, modem, lease or NoLease()
        # Called once a turn (it keeps its own pace): the day's reminders, forwarding.
        self.tick = tick
        self.on_status, self.idle_s, self.retry_s = on_status, idle_s, retry_s
        self._stop = threading.Event()
        self.last_status = ModemStatus(ModemProblem.NO_MODEM, "not started")

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        """Until stop(): the loop of the gateway thread or `sms gateway`."""
        recovered = self.outbox.recover()
        if recovered:
            log.warning("%d message(s) were being sent when the gateway stopped", recovered)
        try:
            while not self._stop.is_set():
                worked = self.step()
                if not worked:
                    troubled = self.last_status.problem is not ModemProblem.NONE
                    self._stop.wait(self.retry_s if troubled else self.idle_s)
        finally:
            self.modem.close()
            self.lease.release()

    def step(self) -> bool:
        """One turn: make sure of the modem, take in what arrived, send one message.
        True when a message was sent (go on at once), False when there was nothing."""
        self.tick()
        if not self.lease.hold():
            self._report(ModemStatus(ModemProblem.NONE, "another workstation is the gateway"))
            return False
        if not self._ensure_open():
            return False
        try:
            for message in self.modem.receive():
                self.outbox.received(message)
                self.modem.delete(message)
        except ModemError as exc:
            self._fail(exc)
            return False
        item = self.outbox.claim_next()
        if item is None:
            self._report(self.modem.status())
            return False
        try:
            parts = self.modem.send(
                item.number,
                item.text,
                lambda part_no, ref: self.outbox.part_sent(item.message_id, part_no, ref),
            )
        except ModemError as exc:
            exc = self._explained(exc)
            self.outbox.not_sent(item.message_id, exc)
            self._fail(exc)
            return False
        self.outbox.sent(item.message_id, parts)
        return True

    def _ensure_open(self) -> bool:
        if self.modem.is_open:
            return True
        try:
            self.modem.open()
        except ModemError as exc:
            self._report(ModemStatus(exc.problem, exc.reason))
            return False
        self._report(self.modem.status())
        return True

    def _explained(self, exc: ModemError) -> ModemError:
        """A refusal Gammu cannot name (a bare +CMS ERROR) is often the modem's state: no
        network, a full SIM. Ask the modem, and name that when it has a problem."""
        if exc.problem is not ModemProblem.OTHER or not self.modem.is_open:
            return exc
        try:
            status = self.modem.status()
        except ModemError:
            return exc
        if status.problem is ModemProblem.NONE:
            return exc
        return ModemError(status.problem, f"{exc.reason}; {status.reason}", uncertain=exc.uncertain)

    def _fail(self, exc: ModemError) -> None:
        log.warning("modem: %s", exc.reason)
        if exc.problem is ModemProblem.NO_MODEM:
            self.modem.close()  # reopened on the next turn, when the device is back
        self._report(ModemStatus(exc.problem, exc.reason))

    def _report(self, status: ModemStatus) -> None:
        self.last_status = status
        self.on_status(status)
