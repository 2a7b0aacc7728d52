"""Putting the SMS gateway together from the settings: the modem, the outbox, the lease.

Without a central server this workstation's own outbox is sent from. With one, queued
messages are handed to the central outbox (forward_queued, on every workstation), and the
workstation holding the central lease sends them; a second gateway waits its turn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError

from agent_desk import secrets
from agent_desk.db import sms_lease, sms_outbox, sync_local
from agent_desk.db.engine import Database
from agent_desk.errors import UserError
from agent_desk.paths import DataDir
from agent_desk.plans.loader import load_plans
from agent_desk.services.appointments import AppointmentService
from agent_desk.services.intake import plans_dir
from agent_desk.services.sms import save_gateway_state, signature
from agent_desk.services.sms_inbox import Inbox
from agent_desk.services.sms_outbox import Clock, DatabaseOutbox, rules_from, utc_now
from agent_desk.services.sms_reminders import (
    ReminderSource,
    default_sources,
    load_greetings,
    queue_due_messages,
)
from agent_desk.services.sms_revisits import GATEWAY_PRINCIPAL, RevisitAnswers
from agent_desk.settings import Settings
from agent_desk.sms.gateway import SmsGateway
from agent_desk.sms.modem import GammuModem, ModemConfig, ModemStatus

log = logging.getLogger(__name__)

# The keyring entry the SIM's PIN is kept under (its name, not the PIN), as central.password is.
PIN_KEYRING_ENTRY = "sms.pin"
LEASE_TTL = timedelta(seconds=60)
_FORWARD_BATCH = 1000


def modem_config(settings: Settings) -> ModemConfig:
    try:
        pin = secrets.get_secret(PIN_KEYRING_ENTRY)
    except secrets.SecretStoreUnavailable:
        pin = None  # said as "PIN needed" if the SIM asks for one
    return ModemConfig(
        port=str(settings.get("sms.port")),
        connection=str(settings.get("sms.connection")),
        model=str(settings.get("sms.model")),
        pin=pin,
        smsc=str(settings.get("sms.smsc")),
    )


def workstation_id(db: Database) -> str:
    with db.write() as session:
        return str(sync_local.ensure_state(session).client_id)


@dataclass
class CentralLease:
    """The gateway's lease on the central server (agent_desk.db.sms_lease)."""

    central: Database
    holder: str
    ttl: timedelta = LEASE_TTL
    fence: int | None = field(default=None, init=False)

    def hold(self) -> bool:
        try:
            with self.central.write() as session:
                self.fence = sms_lease.hold(session, self.holder, self.ttl)
        except OperationalError as exc:
            log.warning("SMS gateway lease: the central server does not answer (%s)", exc)
            self.fence = None
        return self.fence is not None

    def current(self) -> sms_outbox.GatewayFence | None:
        return (
            None if self.fence is None else sms_outbox.GatewayFence(sms_lease.GATEWAY, self.fence)
        )

    def release(self) -> None:
        if self.fence is None:
            return
        try:
            with self.central.write() as session:
                sms_lease.release(session, self.holder, self.fence)
        except OperationalError:
            pass  # it lapses by itself on the server's clock
        self.fence = None


def forward_queued(local: Database, central: Database) -> int:
    """Hand this workstation's queued messages to the central outbox; a message already
    there (a retry after a crash between the two commits) is not copied twice."""
    with local.read() as session:
        rows = sms_outbox.queued_rows(session, _FORWARD_BATCH)
    if not rows:
        return 0
    with central.write() as session:
        sms_outbox.copy_rows(session, rows)
    with local.write() as session:
        sms_outbox.mark_forwarded(session, [row["id"] for row in rows])
    return len(rows)


@dataclass
class Calendar:
    """The day's calendar messages, queued at most every *every* (dedupe keys make a second
    run of the same day a no-op), and, with a central server, forwarding to its outbox."""

    local: Database
    sources: list[ReminderSource]
    central: Database | None = None
    clock: Clock = utc_now
    every: timedelta = timedelta(minutes=10)
    _last: datetime | None = field(default=None, init=False)

    def __call__(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            return
        self._last = now
        try:
            queue_due_messages(self.local, self.sources, now)
            if self.central is not None:
                forward_queued(self.local, self.central)
        except (OperationalError, UserError) as exc:
            log.warning("SMS calendar: %s", exc)  # tried again at the next turn's pace


def calendar_sources(data_dir: DataDir, settings: Settings) -> list[ReminderSource]:
    plans = load_plans(plans_dir(data_dir.root))
    greetings = load_greetings(data_dir.root / "sms" / "greetings.json")
    days_ahead = int(settings.get("appointments.reminder_days_ahead"))
    return default_sources(plans, signature(settings), greetings, days_ahead)


def build_gateway(
    data_dir: DataDir,
    settings: Settings,
    local: Database,
    central: Database | None = None,
    *,
    clock: Clock = utc_now,
    on_status: Callable[[ModemStatus], None] = lambda _s: None,
    idle_s: float = 2.0,
    retry_s: float = 15.0,
    tick: Callable[[], None] = lambda: None,
) -> SmsGateway:
    holder = workstation_id(local)
    send_db = central or local
    lease = CentralLease(central, holder) if central is not None else None
    # Bookings are decided where the window books them: centrally when there is a server.
    revisits = RevisitAnswers(
        AppointmentService(local, GATEWAY_PRINCIPAL, central=central, clock=clock)
    )
    inbox = Inbox(send_db, local, signature(settings), settings.phone_plan, clock, revisits)
    outbox = DatabaseOutbox(
        send_db,
        local,
        holder,
        rules_from(settings),
        inbox,
        fence=lease.current if lease is not None else lambda: None,
        clock=clock,
        on_revisit_reminded=revisits.reminded,
    )

    def status(state: ModemStatus) -> None:
        save_gateway_state(data_dir.sms_gateway_status, state)
        on_status(state)

    return SmsGateway(
        outbox,
        GammuModem(modem_config(settings)),
        lease=lease,
        on_status=status,
        idle_s=idle_s,
        retry_s=retry_s,
        tick=tick,
    )
