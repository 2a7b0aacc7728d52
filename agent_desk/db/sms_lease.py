"""Central only: the SMS gateway's lease, the work queue's lease pattern for one workstation.

Exactly one workstation sends the hospital's text messages: the one holding the row of
sms_gateway_lease, judged by the server's clock, with a fence drawn from the work queue's
sequence. Every message it claims names that fence in the same statement
(agent_desk.db.sms_outbox.claim_next), so a gateway whose lease lapsed and was taken over
claims nothing more, however late it wakes up.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from agent_desk.db.leases import FENCE_SEQUENCE, _server_expiry, _server_now
from agent_desk.db.sms_models import SmsGatewayLease

GATEWAY = "sms"


def hold(session: Session, holder: str, ttl: timedelta, name: str = GATEWAY) -> int | None:
    """Take the lease (free or lapsed) or renew ours: its fence; None while another holds it."""
    if ttl <= timedelta(0):
        raise ValueError("a lease needs a positive time to live")
    lease = SmsGatewayLease
    statement = pg_insert(lease).values(
        name=name,
        holder=holder,
        fence=func.nextval(FENCE_SEQUENCE),
        claimed_at=_server_now(),
        expires_at=_server_expiry(ttl),
    )
    ours = lease.holder == statement.excluded.holder
    upsert = statement.on_conflict_do_update(
        index_elements=[lease.name],
        set_={
            "holder": statement.excluded.holder,
            # Renewed, the fence stays: nobody can have claimed in between.
            "fence": case((ours, lease.fence), else_=statement.excluded.fence),
            "claimed_at": case((ours, lease.claimed_at), else_=statement.excluded.claimed_at),
            "expires_at": statement.excluded.expires_at,
        },
        # ON CONFLICT sees the newest committed lease: a rival's live lease is never taken.
        where=ours | (lease.expires_at < _server_now()),
    ).returning(lease.fence)
    fence = session.execute(upsert).scalar_one_or_none()
    return None if fence is None else int(fence)


def release(session: Session, holder: str, fence: int, name: str = GATEWAY) -> bool:
    deleted = session.execute(
        delete(SmsGatewayLease)
        .where(
            SmsGatewayLease.name == name,
            SmsGatewayLease.holder == holder,
            SmsGatewayLease.fence == fence,
        )
        .returning(SmsGatewayLease.name)
    ).first()
    return deleted is not None


def holder_of(session: Session, name: str = GATEWAY) -> str | None:
    """Who is the gateway now (live lease), for the status line of the other workstations."""
    return session.scalar(
        select(SmsGatewayLease.holder).where(
            SmsGatewayLease.name == name, SmsGatewayLease.expires_at >= _server_now()
        )
    )
