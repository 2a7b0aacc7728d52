"""What a source hands to a sink: plain, parsed, validated values; never raw text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from agent_desk.domain.enums import ContactRelation, DischargeDisposition, EncounterKind, Sex


@dataclass(frozen=True, slots=True)
class ContactInput:
    raw_number: str
    relation: ContactRelation
    name: str | None = None


@dataclass(frozen=True, slots=True)
class DiagnosisInput:
    icd10: str
    name: str


@dataclass(frozen=True, slots=True)
class PatientInput:
    """None means "the HIS did not say": the stored value is kept, never blanked."""

    record_no: str
    name: str | None
    sex: Sex | None = None
    birth_date: date | None = None
    id_number: str | None = None
    address: str | None = None
    insurance_no: str | None = None
    contacts: tuple[ContactInput, ...] = ()


@dataclass(frozen=True, slots=True)
class EncounterInput:
    visit_no: str
    department_code: str
    department_name: str | None
    discharged_at: datetime  # aware
    kind: EncounterKind = EncounterKind.INPATIENT
    ward_code: str | None = None
    ward_name: str | None = None
    attending_doctor: str | None = None
    admitted_at: datetime | None = None
    discharge_orders: str | None = None
    disposition: DischargeDisposition | None = None
    diagnoses: tuple[DiagnosisInput, ...] = ()  # the principal diagnosis first


@dataclass(frozen=True, slots=True)
class Discharge:
    """A patient left hospital (CSV row, HL7 A03): patient, visit and follow-up tasks."""

    patient: PatientInput
    encounter: EncounterInput


@dataclass(frozen=True, slots=True)
class CancelDischarge:
    """HL7 A13: the discharge did not happen; its open tasks are withdrawn."""

    record_no: str
    visit_no: str


@dataclass(frozen=True, slots=True)
class UpdateDemographics:
    """HL7 A08: new name, phone or address for a patient we already know."""

    patient: PatientInput


IntakeEvent = Discharge | CancelDischarge | UpdateDemographics


@dataclass(frozen=True, slots=True)
class MessageId:
    """Who sent an HL7 message and its control id (MSH-10): the key for duplicates."""

    sender: str
    control_id: str
    event: str


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One row or message: its event, or why it could not be read."""

    position: str  # "line 7", "message 3", "a03.hl7 message 2": what the report names
    event: IntakeEvent | None = None
    error: str | None = None
    message: MessageId | None = None
    key: str | None = None  # rows with the same key in one file are duplicates
    fingerprint: str | None = None  # equal keys with different fingerprints conflict
    notes: tuple[str, ...] = ()  # read, with a remark for the report (e.g. a charset guess)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # already imported exactly so: skipped
    IGNORED = "ignored"  # nothing to do (a duplicate message, an event we do not use)


@dataclass(frozen=True, slots=True)
class Applied:
    outcome: Outcome
    notes: tuple[str, ...] = ()
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_cancelled: int = 0
    departments_created: tuple[str, ...] = ()


class IntakeSource(Protocol):
    """Yields every row or message of one input, in order, good or bad."""

    def items(self) -> Iterator[SourceItem]: ...


class IntakeSink(Protocol):
    """Applies one item as one unit of work: wholly, or not at all (then it raises)."""

    def apply(self, item: SourceItem) -> Applied: ...


class ItemRejected(ValueError):
    """An item that can be read but not applied; str() says why, for the report."""


def describe(exc: BaseException) -> str:
    """A library's exception as one line for a report: its kind and the first line it says."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
