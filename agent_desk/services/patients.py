"""Finding patients and opening their card, with every look at a record audit-logged.

Who may do what (domain/permissions.py): anyone who takes calls finds any patient, with
identifiers masked (FIND_PATIENT), and registers or links an unknown caller (TAKE_CALLS);
a card opened outside a call needs VIEW_RECORDS and the patient in the user's departments;
showing an identifier in full needs UNMASK and the patient in scope. The caller's card on
a call is shown to whoever takes it: that path is services/calls.py, which checks no scope.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from agent_desk.db import audit
from agent_desk.db import patients as patient_queries
from agent_desk.db.engine import Database
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.db.scope import patient_visible
from agent_desk.domain.disclosure import unmask_detail
from agent_desk.domain.enums import AuditAction, ContactRelation, Sex, UnmaskReason
from agent_desk.domain.masking import Identifier, mask_name, mask_phone
from agent_desk.domain.permissions import Permission, PermissionDenied, Principal
from agent_desk.domain.phones import (
    InvalidPhoneNumber,
    PhonePlan,
    looks_like_phone,
    normalise,
    try_normalise,
)
from agent_desk.domain.phones import warm_up as warm_up_numbers
from agent_desk.domain.views import PatientCard, PatientHit


class PatientInputError(ValueError):
    """What the user typed cannot make a patient; the message says why."""


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
    def __init__(self, db: Database, plan: PhonePlan, index: PhoneIndex) -> None:
        self._db = db
        self._plan = plan
        self.index = index

    def warm_up(self) -> None:
        """The screen-pop's reads once, so that the first call of the morning pops as fast as
        the hundredth: the phone lookup's index, and the card's statements for no patient.
        Meant for a background thread after start-up."""
        warm_up_numbers()
        self.index.warm_up()
        with self._db.read() as session:
            patient_queries.warm_up_card(session)

    def lookup_number(self, raw: str, principal: Principal) -> list[PatientHit]:
        """The screen-pop path: every patient on this number (raises InvalidPhoneNumber)."""
        principal.require(Permission.FIND_PATIENT)
        return self.index.find(normalise(raw, self._plan))

    def search(self, text: str, principal: Principal) -> SearchResult:
        """One box for everything: a phone number in any format, a name, or a record number.
        The whole hospital's patients, whatever the user's departments: whoever answers
        the phone must find the caller (hits carry no identifier in full)."""
        principal.require(Permission.FIND_PATIENT)
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
        if e164 is not None:
            hits = self.index.find(e164)
        kind = "phone" if e164 is not None else "name_or_record"
        with self._db.write() as session:
            if not hits:
                hits = patient_queries.find_by_name_or_record(session, query)
            # Who looked for whom is accountable; what was typed stays masked in the log.
            shown = mask_phone(e164) if e164 is not None else mask_name(query)
            audit.record(
                session, principal.username, AuditAction.SEARCH, None, None,
                query_kind=kind, query=shown, found=len(hits),
            )  # fmt: skip
        if hits:
            return SearchResult(tuple(hits), None, e164)
        problem = SearchProblem.INVALID_PHONE if phone_problem else SearchProblem.NO_MATCH
        return SearchResult((), problem, e164)

    def register_caller(
        self,
        raw_number: str,
        *,
        name: str,
        record_no: str,
        sex: Sex,
        birth_date: date | None,
        principal: Principal,
    ) -> uuid.UUID:
        """A new patient from an unknown caller, with the caller's number as a contact."""
        principal.require(Permission.TAKE_CALLS)
        name, record_no = name.strip(), record_no.strip().upper()
        if not name or not record_no:
            raise PatientInputError("name and record number are both needed")
        with self._db.write() as session:
            if patient_queries.record_no_exists(session, record_no):
                raise PatientInputError(f"record number {record_no} is already used")
            patient_id = patient_queries.create_patient(
                session, record_no=record_no, name=name, sex=sex, birth_date=birth_date
            )
            patient_queries.add_contact(
                session,
                patient_id,
                raw_number,
                try_normalise(raw_number, self._plan),
                ContactRelation.SELF,
            )
            audit.record(
                session, principal.username, AuditAction.PATIENT_CREATED, "patient", patient_id
            )
        return patient_id

    def link_number(
        self,
        patient_id: uuid.UUID,
        raw_number: str,
        relation: ContactRelation,
        principal: Principal,
        contact_name: str | None = None,
    ) -> None:
        """Remember an unknown caller's number on an existing patient, for the next call
        (found by search: any patient, whatever the department)."""
        principal.require(Permission.TAKE_CALLS)
        with self._db.write() as session:
            patient_queries.add_contact(
                session,
                patient_id,
                raw_number,
                try_normalise(raw_number, self._plan),
                relation,
                contact_name,
            )
            audit.record(
                session, principal.username, AuditAction.CONTACT_ADDED, "patient", patient_id
            )

    def open_card(self, patient_id: uuid.UUID, principal: Principal) -> PatientCard | None:
        """Load the card and log who looked at it, in one transaction; None when the
        patient is gone. Raises PermissionDenied for a patient outside the user's
        departments (a call's card comes through CallService instead)."""
        principal.require(Permission.VIEW_RECORDS)
        with self._db.write() as session:
            card = patient_queries.load_card(session, patient_id)
            if card is None:
                return None
            _require_scope(session, principal, patient_id, Permission.VIEW_RECORDS)
            audit.record(
                session, principal.username, AuditAction.VIEW_PATIENT, "patient", patient_id
            )
            return card

    def record_unmask(
        self,
        patient_id: uuid.UUID,
        identifier: Identifier,
        principal: Principal,
        reason: UnmaskReason | None,
        note: str | None = None,
    ) -> None:
        """Log that *principal* asked to see one of the patient's identifiers in full, and
        why; the caller shows it only once this returns. Raises ReasonRequired, writing
        nothing, without a reason (or with 'other' and no words), and PermissionDenied
        without UNMASK or for a patient outside the user's departments."""
        principal.require(Permission.UNMASK)
        detail = unmask_detail(reason, note)
        with self._db.write() as session:
            _require_scope(session, principal, patient_id, Permission.UNMASK)
            audit.record(
                session,
                principal.username,
                AuditAction.UNMASK,
                "patient",
                patient_id,
                field=identifier.value,
                **detail,
            )


def _require_scope(
    session: Session, principal: Principal, patient_id: uuid.UUID, permission: Permission
) -> None:
    if not patient_visible(session, patient_id, principal.department_filter()):
        raise PermissionDenied(principal.username, permission)
