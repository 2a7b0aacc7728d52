"""The contact rules every sender obeys, as pure functions of the clock and the counts.

Consent and the do-not-contact list are facts in the database (checked in the same
transaction that claims a message); quiet hours and the caps are decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from agent_desk.domain.enums import SmsKind

# Kinds the caps and quiet hours never hold back: the answer to an unsubscribe is owed at
# once, and a message typed by a person for one patient is that person's decision.
UNCAPPED_KINDS = frozenset({SmsKind.CONFIRMATION, SmsKind.DIRECT})


@dataclass(frozen=True, slots=True)
class ContactRules:
    per_day: int = 1
    per_month: int = 4
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)

    def is_quiet(self, local: datetime) -> bool:
        now = local.time()
        if self.quiet_start == self.quiet_end:
            return False  # no quiet hours
        if self.quiet_start > self.quiet_end:  # across midnight, 21:00–08:00
            return now >= self.quiet_start or now < self.quiet_end
        return self.quiet_start <= now < self.quiet_end

    def quiet_ends(self, local: datetime) -> datetime:
        """The first moment at or after *local* outside quiet hours (same time zone)."""
        if not self.is_quiet(local):
            return local
        end = datetime.combine(local.date(), self.quiet_end, local.tzinfo)
        return end if end > local else end + timedelta(days=1)

    def cap_reached(self, today: int, this_month: int) -> bool:
        return today >= self.per_day or this_month >= self.per_month


def parse_hhmm(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), zone)
    return start, start + timedelta(days=1)


def month_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day.replace(day=1), time(0), zone)


def next_morning(local: datetime, rules: ContactRules) -> datetime:
    """When a message held back by today's cap may try again: tomorrow, after quiet hours."""
    tomorrow = datetime.combine(local.date() + timedelta(days=1), rules.quiet_end, local.tzinfo)
    return rules.quiet_ends(tomorrow)
