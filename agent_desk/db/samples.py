"""Random samples of stored rows, for the benchmarks (SQLite: picks rowids, never sorts)."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_desk.db.models import Patient, PatientContact


def _rowids(
    session: Session, table: type[Patient] | type[PatientContact], n: int, rng: random.Random
) -> list[int]:
    highest = session.scalar(select(func.max(table.__table__.c.rowid))) or 0
    if highest == 0:
        return []
    return [rng.randint(1, highest) for _ in range(n)]


def contact_numbers(session: Session, n: int, seed: int = 1) -> list[str]:
    """Raw numbers as people typed them, in their own formats."""
    rowids = _rowids(session, PatientContact, n, random.Random(seed))
    column = PatientContact.__table__.c.rowid
    rows = session.execute(
        select(PatientContact.raw_number).where(
            column.in_(rowids), PatientContact.e164.is_not(None)
        )
    )
    return [raw for (raw,) in rows]


def contact_e164s(session: Session, n: int, seed: int = 3) -> list[str]:
    rowids = _rowids(session, PatientContact, n, random.Random(seed))
    column = PatientContact.__table__.c.rowid
    rows = session.execute(
        select(PatientContact.e164).where(column.in_(rowids), PatientContact.e164.is_not(None))
    )
    return [e164 for (e164,) in rows if e164]


def patient_ids(session: Session, n: int, seed: int = 2) -> list[uuid.UUID]:
    rowids = _rowids(session, Patient, n, random.Random(seed))
    column = Patient.__table__.c.rowid
    return list(session.scalars(select(Patient.id).where(column.in_(rowids))))
