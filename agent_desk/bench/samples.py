"""Random samples of stored rows, for the benchmarks (SQLite: picks rowids, never sorts)."""

from __future__ import annotations

import random
import uuid
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from agent_desk.db.models import Patient, PatientContact


def _rowid(table: Any) -> Any:
    return literal_column(f"{table.__tablename__}.rowid")


def _rowids(session: Session, table: Any, n: int, rng: random.Random) -> list[int]:
    highest = session.scalar(select(func.max(_rowid(table))).select_from(table)) or 0
    return [rng.randint(1, highest) for _ in range(n)] if highest else []


def contact_numbers(session: Session, n: int, seed: int = 1) -> list[str]:
    """Raw numbers as people typed them, in their own formats."""
    rowids = _rowids(session, PatientContact, n, random.Random(seed))
    rows = session.execute(
        select(PatientContact.raw_number).where(
            _rowid(PatientContact).in_(rowids), PatientContact.e164.is_not(None)
        )
    )
    return [raw for (raw,) in rows]


def contact_e164s(session: Session, n: int, seed: int = 3) -> list[str]:
    rowids = _rowids(session, PatientContact, n, random.Random(seed))
    rows = session.execute(
        select(PatientContact.e164).where(
            _rowid(PatientContact).in_(rowids), PatientContact.e164.is_not(None)
        )
    )
    return [e164 for (e164,) in rows if e164]


def patient_ids(session: Session, n: int, seed: int = 2) -> list[uuid.UUID]:
    rowids = _rowids(session, Patient, n, random.Random(seed))
    return list(session.scalars(select(Patient.id).where(_rowid(Patient).in_(rowids))))
