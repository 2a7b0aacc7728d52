"""How intake items reach the database: each one checked, then applied in one unit of work;
a bad one is reported with its position while the rest goes on.

Unknown department codes are created (named as the HIS names them) and listed in the
report: refusing them would leave discharged patients without a follow-up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from agent_desk.db import intake as intake_db
from agent_desk.db.engine import Database
from agent_desk.db.intake import Change, ResolvedContact
from agent_desk.domain.enums import CancelReason, DischargeDisposition
from agent_desk.domain.masking import Identifier, mask
from agent_desk.domain.phones import PhonePlan, try_normalise
from agent_desk.intake.hl7_header import Hl7Error
from agent_desk.intake.records import (
    Applied,
    CancelDischarge,
    Discharge,
    IntakeEvent,
    IntakeSink,
    ItemRejected,
    Outcome,
    PatientInput,
    SourceItem,
    UpdateDemographics,
)
from agent_desk.intake.report import ImportReport
from agent_desk.plans.calendar import local_date
from agent_desk.plans.model import EncounterFacts
from agent_desk.plans.scheduler import PlanSet

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "HIS"
# Longest values the columns hold: checked up front so SQLite and PostgreSQL agree.
# Shown masked in a report or a log line, as everywhere else.
_IDENTIFIERS = {
    "ID number": Identifier.ID_NUMBER,
    "address": Identifier.ADDRESS,
    "insurance number": Identifier.INSURANCE_NO,
    "phone number": Identifier.PHONE,
}
_LIMITS = {
    "record number": 32,
    "name": 64,
    "ID number": 32,
    "address": 255,
    "insurance number": 64,
    "visit number": 64,
    "department code": 32,
    "department name": 64,
    "ward code": 32,
    "ward name": 64,
    "attending doctor": 64,
    "phone number": 64,
    "contact name": 64,
    "diagnosis name": 128,
}
# What refuses one item (reported, the next goes on); anything else is a bug, logged in full.
REJECTIONS = (ItemRejected, Hl7Error, intake_db.IntakeConflict, SQLAlchemyError, ValueError)


def _check_lengths(event: IntakeEvent) -> None:
    values: list[tuple[str, str | None]] = []
    patient: PatientInput | None = None
    if isinstance(event, Discharge | UpdateDemographics):
        patient = event.patient
    if patient is not None:
        values += [
            ("record number", patient.record_no),
            ("name", patient.name),
            ("ID number", patient.id_number),
            ("address", patient.address),
            ("insurance number", patient.insurance_no),
        ]
        values += [("phone number", c.raw_number) for c in patient.contacts]
        values += [("contact name", c.name) for c in patient.contacts]
    if isinstance(event, Discharge):
        enc = event.encounter
        values += [
            ("visit number", enc.visit_no),
            ("department code", enc.department_code),
            ("department name", enc.department_name),
            ("ward code", enc.ward_code),
            ("ward name", enc.ward_name),
            ("attending doctor", enc.attending_doctor),
        ]
        values += [("diagnosis name", dx.name) for dx in enc.diagnoses]
    for label, value in values:
        if value is not None and len(value) > _LIMITS[label]:
            shown = mask(_IDENTIFIERS[label], value) if label in _IDENTIFIERS else value[:40]
            raise ItemRejected(f"{label} {shown!r}… is longer than {_LIMITS[label]}")


class DatabaseSink(IntakeSink):
    """Applies intake items to the database, one unit of work each."""

    def __init__(
        self, db: Database, plans: PlanSet, phone_plan: PhonePlan, source: str = DEFAULT_SOURCE
    ) -> None:
        self._db = db
        self._plans = plans
        self._phone_plan = phone_plan
        self._source = source

    def apply(self, item: SourceItem) -> Applied:
        event = item.event
        if event is None:
            return Applied(Outcome.IGNORED, item.notes)
        _check_lengths(event)
        with self._db.write() as session:
            if item.message is not None and intake_db.message_seen(session, item.message):
                note = f"duplicate of message {item.message.control_id}, already applied: ignored"
                return Applied(Outcome.IGNORED, (note,))
            match event:
                case Discharge():
                    applied = self._discharge(session, event)
                case CancelDischarge():
                    applied = self._cancel(session, event)
                case UpdateDemographics():
                    applied = self._demographics(session, event)
            if item.message is not None:
                intake_db.remember_message(session, item.message)
        if item.notes:
            applied = Applied(
                applied.outcome,
                item.notes + applied.notes,
                applied.tasks_created,
                applied.tasks_updated,
                applied.tasks_cancelled,
                applied.departments_created,
            )
        return applied

    def _contacts(self, data: PatientInput) -> tuple[list[ResolvedContact], list[str]]:
        resolved, notes = [], []
        for contact in data.contacts:
            e164 = try_normalise(contact.raw_number, self._phone_plan)
            if e164 is None:
                shown = mask(Identifier.PHONE, contact.raw_number)
                notes.append(f"phone {shown!r} is not a valid number; kept as written")
            resolved.append(
                ResolvedContact(contact.raw_number, e164, contact.relation, contact.name)
            )
        return resolved, notes

    def _discharge(self, session: Session, event: Discharge) -> Applied:
        data, enc = event.patient, event.encounter
        if not data.name:
            raise ItemRejected("the patient's name is empty")
        created_departments: list[str] = []
        department_id, new = intake_db.ensure_department(
            session, enc.department_code, enc.department_name
        )
        if new:
            created_departments.append(enc.department_code)
        ward_id = (
            intake_db.ensure_ward(session, department_id, enc.ward_code, enc.ward_name)
            if enc.ward_code
            else None
        )
        patient_id, patient_change = intake_db.upsert_patient(session, data)
        assert patient_id is not None
        contacts, notes = self._contacts(data)
        if not any(c.e164 for c in contacts):
            notes.append("no valid phone number: the task will need one before it can be called")
        added = intake_db.add_contacts(session, patient_id, contacts)
        encounter_id, encounter_change = intake_db.upsert_encounter(
            session, patient_id, data.record_no, self._source, enc, department_id, ward_id
        )
        deceased = enc.disposition is DischargeDisposition.DECEASED
        facts = EncounterFacts(
            enc.department_code,
            enc.department_name,
            tuple(dx.icd10 for dx in enc.diagnoses),
            local_date(enc.discharged_at),
        )
        planned = [] if deceased else self._plans.schedule(facts)
        if deceased:
            notes.append("the patient died in hospital: no follow-up tasks")
        department_ids = {enc.department_code: department_id}
        for task in planned:
            if task.department_code not in department_ids:
                dept_id, new = intake_db.ensure_department(
                    session, task.department_code, task.department_name
                )
                department_ids[task.department_code] = dept_id
                if new:
                    created_departments.append(task.department_code)
        reason = CancelReason.PATIENT_DECEASED if deceased else CancelReason.PLAN_CHANGED
        sync = intake_db.sync_plan_tasks(
            session, encounter_id, patient_id, planned, department_ids, reason
        )
        if encounter_change is Change.CREATED:
            outcome = Outcome.CREATED
        elif encounter_change is Change.UPDATED or patient_change is not Change.UNCHANGED:
            outcome = Outcome.UPDATED
        else:
            outcome = Outcome.UPDATED if added or sync.changed else Outcome.UNCHANGED
        notes += [
            f"department {code} was not known and has been created" for code in created_departments
        ]
        return Applied(
            outcome,
            tuple(notes),
            sync.created,
            sync.updated,
            sync.cancelled,
            tuple(created_departments),
        )

    def _cancel(self, session: Session, event: CancelDischarge) -> Applied:
        key = intake_db.find_encounter(session, self._source, event.visit_no)
        if key is None:
            return Applied(
                Outcome.IGNORED, (f"visit {event.visit_no} is not known: nothing to cancel",)
            )
        if key.record_no != event.record_no:
            raise ItemRejected(
                f"visit {event.visit_no} belongs to patient {key.record_no}, not {event.record_no}"
            )
        cancelled = intake_db.retract_tasks(session, key.id)
        undone = intake_db.set_discharged_at(session, key.id, None)
        outcome = Outcome.UPDATED if cancelled or undone else Outcome.UNCHANGED
        return Applied(outcome, tasks_cancelled=cancelled)

    def _demographics(self, session: Session, event: UpdateDemographics) -> Applied:
        patient_id, change = intake_db.upsert_patient(session, event.patient, create=False)
        if patient_id is None:
            note = f"patient {event.patient.record_no} is not known here: nothing to update"
            return Applied(Outcome.IGNORED, (note,))
        contacts, notes = self._contacts(event.patient)
        added = intake_db.add_contacts(session, patient_id, contacts)
        changed = change is not Change.UNCHANGED or added
        return Applied(Outcome.UPDATED if changed else Outcome.UNCHANGED, tuple(notes))


def run_items(items: Iterable[SourceItem], sink: IntakeSink, report: ImportReport) -> None:
    """Apply each item in turn; a bad one is reported and the next one goes on."""
    seen: dict[str, tuple[str, str | None]] = {}
    for item in items:
        report.read += 1
        if item.error is not None:
            report.error(item.position, item.error)
            continue
        if item.key is not None:
            first = seen.get(item.key)
            if first is not None:
                if first[1] == item.fingerprint:
                    report.skip(item.position, f"duplicate of {first[0]}: skipped")
                else:
                    report.error(
                        item.position,
                        f"visit {item.key} is also on {first[0]} with other values; "
                        f"{first[0]} was kept",
                    )
                continue
            seen[item.key] = (item.position, item.fingerprint)
        try:
            applied = sink.apply(item)
        except REJECTIONS as exc:
            log.info("intake: %s rejected: %s", item.position, exc)
            report.error(item.position, str(exc) or type(exc).__name__)
            continue
        except Exception as exc:
            # A bug must not stop the good rows after it: logged in full, reported, go on.
            log.exception("intake: %s failed unexpectedly", item.position)
            report.error(item.position, f"internal error: {exc!r} (details in the log)")
            continue
        report.count(item.position, applied)
