"""Department scope in SQL: which patients, tasks and records a principal's departments hold.

A patient belongs to the departments that treated them (their visits) or follow them up
(their tasks): a nurse of cardiology sees a patient discharged from cardiology, and one
whose follow-up cardiology took over. None as the scope is the whole hospital.
"""

from __future__ import annotations

import uuid
from collections.abc import Set
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from agent_desk.db.models import Encounter, FollowupTask, Patient

Scope = Set[uuid.UUID] | None


def patient_in_scope(patient_id: Any, scope: Scope) -> ColumnElement[bool]:
    """True for a patient (an id column or value) that *scope*'s departments treated or
    follow up; always true for the whole hospital."""
    if scope is None:
        return true()
    departments = list(scope)
    return or_(
        exists(
            select(Encounter.id).where(
                Encounter.patient_id == patient_id, Encounter.department_id.in_(departments)
            )
        ),
        exists(
            select(FollowupTask.id).where(
                FollowupTask.patient_id == patient_id,
                FollowupTask.department_id.in_(departments),
            )
        ),
    )


def patients_in_scope(scope: Scope) -> ColumnElement[bool]:
    return patient_in_scope(Patient.id, scope)


def patient_visible(session: Session, patient_id: uuid.UUID, scope: Scope) -> bool:
    """Whether *scope*'s departments treated or follow up this patient (the whole
    hospital: always)."""
    if scope is None:
        return True
    found = session.scalar(select(patient_in_scope(patient_id, scope)))
    return bool(found)
