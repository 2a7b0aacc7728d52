"""Two workstations, one central server: one gateway at a time, nothing claimed twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from agent_desk.db import sms_lease, sms_outbox, sms_views
from agent_desk.db.engine import Database
from agent_desk.domain.enums import SmsKind, SmsState
from agent_desk.domain.sms_rules import ContactRules
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.sms_gateway import forward_queued

pytestmark = pytest.mark.postgres
TTL = timedelta(seconds=60)
RULES = ContactRules(quiet_start=datetime.min.time(), quiet_end=datetime.min.time())


def _claim(central: Database, holder: str, fence: int | None) -> sms_outbox.Claimed | None:
    lease = None if fence is None else sms_outbox.GatewayFence(sms_lease.GATEWAY, fence)
    with central.write() as session:
        return sms_outbox.claim_next(session, datetime.now(UTC), holder, RULES, HOSPITAL_TZ, lease)


def test_one_gateway_holds_the_lease_and_a_lapsed_one_claims_nothing(
    db: Database, server: Engine
) -> None:
    central = Database(server)
    with db.write() as session:
        sms_outbox.queue(
            session,
            [
                sms_outbox.NewMessage(
                    kind=SmsKind.CAMPAIGN,
                    number=f"+8613900000{n:03d}",
                    text="【医院】通知",
                    created_by="nurse1",
                    dedupe_key=f"k{n}",
                )
                for n in range(3)
            ],
            datetime.now(UTC),
        )
    assert forward_queued(db, central) == 3
    assert forward_queued(db, central) == 0  # handed over once
    with central.write() as session:
        first = sms_lease.hold(session, "ws-a", TTL)
    with central.write() as session:
        assert sms_lease.hold(session, "ws-b", TTL) is None  # A is the gateway
    assert first is not None
    assert _claim(central, "ws-a", first) is not None
    with server.begin() as connection:  # A's lease lapses
        connection.execute(
            text("UPDATE sms_gateway_lease SET expires_at = now() - interval '1 hour'")
        )
    with central.write() as session:
        second = sms_lease.hold(session, "ws-b", TTL)
    assert second is not None and second != first
    assert _claim(central, "ws-a", first) is None  # A woke up late: its fence is stale
    assert _claim(central, "ws-b", second) is not None
    with central.read() as session:
        assert sms_views.counts(session) == {SmsState.SENDING: 2, SmsState.QUEUED: 1}
