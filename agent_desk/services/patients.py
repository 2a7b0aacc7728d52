"""Finding patients and opening their card, with every look at a record audit-logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from agent_desk.db import audit
from agent_desk.db import patients as patient_queries
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.phones import InvalidPhoneNumber, PhonePlan, looks_like_phone, normalise
from agent_desk.domain.views import PatientCard, PatientHit


class SearchProblem(StrEnum):
    """Why a search found nothing useful, so the UI can say it in the user's language."""

    EMPTY = "empty"
    INVALID_PHONE = "invalid_phone"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[PatientHit, ...]
    problem: SearchProblem | None = None
    normalised_number: str | None = None


class PatientService:
    def __init__(self, db: Database, plan: PhonePlan) -> None:
        self._db = db
        self._plan = plan

    def lookup_number(self, raw: str) -> list[PatientHit]:
        """The screen-pop path: every patient on this number (raises InvalidPhoneNumber)."""
        e164 = normalise(raw, self._plan)
        with self._db.read() as session:
            return patient_queries.find_by_phone(session, e164)

    def search(self, text: str) -> SearchResult:
        """One box for everything: a phone number in any format, a name, or a record number."""
        query = text.strip()
        if not query:
            return SearchResult((), SearchProblem.EMPTY)
        hits: list[PatientHit] = []
        e164: str | None = None
        phone_problem = False
        if looks_like_phone(query):
            try:
                e164 = normalise(query, self._plan)
            except InvalidPhoneNumber:
                phone_problem = True
        with self._db.read() as session:
            if e164 is not None:
                hits = patient_queries.find_by_phone(session, e164)
            if not hits:
                hits = patient_queries.find_by_name_or_record(session, query)
        if hits:
            return SearchResult(tuple(hits), None, e164)
        problem = SearchProblem.INVALID_PHONE if phone_problem else SearchProblem.NO_MATCH
        return SearchResult((), problem, e164)

    def open_card(self, patient_id: uuid.UUID, actor: str) -> PatientCard | None:
        """Load the card and log who looked at it, in one transaction."""
        with self._db.write() as session:
            card = patient_queries.load_card(session, patient_id)
            if card is not None:
                audit.record(session, actor, AuditAction.VIEW_PATIENT, "patient", patient_id)
            return card
