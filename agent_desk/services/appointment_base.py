"""What the appointment services share: the rules, and where a change is decided.

With a central server, places and schedules are decided there (so that two workstations
never both take a slot's last place); without one, in this workstation's database, whose
write lock makes the same check-and-take atomic. AppointmentService and ScheduleService
both run their changes through ServerDecided.decide().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.appointments import AppointmentsOffline
from agent_desk.domain.permissions import Principal
from agent_desk.sync.errors import first_line
from agent_desk.sync.queue_errors import is_unreachable

T = TypeVar("T")
PUBLISH_DAYS = 60  # appointments.publish_days
REMINDER_DAYS_AHEAD = 10  # appointments.reminder_days_ahead: S4's rule


@dataclass(frozen=True, slots=True)
class AppointmentRules:
    publish_days: int = PUBLISH_DAYS
    # Booked more than this many days ahead: an SMS the day before (S4's rule).
    reminder_days_ahead: int = REMINDER_DAYS_AHEAD

    @classmethod
    def from_settings(cls, get: Callable[[str], Any]) -> AppointmentRules:
        return cls(get("appointments.publish_days"), get("appointments.reminder_days_ahead"))


class ServerDecided:
    """A service for one signed-in user whose changes are decided on *central*, the
    central server, when there is one (see the module's note)."""

    def __init__(
        self,
        db: Database,
        principal: Principal,
        *,
        central: Database | None = None,
        rules: AppointmentRules | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.principal = principal
        self.central = central
        self.rules = rules or AppointmentRules()
        self.clock = clock

    def decide(self, work: Callable[[Session], T], *, one_statement: bool = False) -> T:
        """*work* as one unit of work where it is decided; a server that cannot be reached
        refuses it with AppointmentsOffline (viewing goes on from the last sync).

        The central engine lends connections without pinging them first (open_central): a
        connection the server dropped in the pool costs one more try (Database.run).
        *one_statement*: the work is a single statement, sent without BEGIN and
        COMMIT (Database.statement())."""
        if self.central is None:
            with self.db.write() as session:
                return work(session)
        try:
            return self.central.run(work, one_statement=one_statement)
        except DBAPIError as exc:
            if is_unreachable(exc):
                raise AppointmentsOffline(first_line(exc.orig or exc)) from exc
            raise


def open_central(get: Callable[[str], Any]) -> Database | None:
    """The central server where bookings are decided, as the settings name it; None
    without one. No connection is made until a booking needs it; none is pinged before
    use (ServerDecided.decide runs the work again on a dropped one)."""
    if not get("central.url"):
        return None
    from agent_desk.sync.central import central_database, config_from_settings

    config = config_from_settings(get)
    return central_database(config, pool_size=2, max_overflow=2, pool_pre_ping=False)
