"""Ids made from natural keys: rows the HIS names get the same id on every workstation.

A department or ward (by code), a staff account (by user name), a patient (by record
number), a visit (by the HIS feed and its visit number), and what intake makes from them
(a contact by its number, a diagnosis by its position, a plan task by its visit and step)
get a UUIDv5 of the table and that key. Two workstations that create the same row offline
then create one row, which the central server takes once, instead of two that clash on
the natural key's unique index there (see agent_desk.db.sync_tables for what the server
does with the second insert).

Only new rows get one: a row found by its natural key keeps the id it has, UUIDv7 for
rows made before. Ids are referred to by every child row, on every workstation and on
the server, and were uploaded long ago: rewriting them would be a migration of every
database at once. Nothing edits a natural key afterwards, so an id never disagrees with
its row's key.
"""

from __future__ import annotations

import json
import uuid

# Fixed for good: another namespace would give the same department or visit a second id.
_NAMESPACE = uuid.UUID("5f0c2a4e-8d1b-4c7e-9a36-2b7d1e0f4c91")


def _natural_id(table: str, *key: object) -> uuid.UUID:
    # JSON keeps the parts apart: ("A1", "2") and ("A", "12") never meet.
    name = json.dumps([table, *(str(part) for part in key)], ensure_ascii=False)
    return uuid.uuid5(_NAMESPACE, name)


def department_id(code: str) -> uuid.UUID:
    return _natural_id("departments", code)


def ward_id(code: str) -> uuid.UUID:
    return _natural_id("wards", code)


def staff_id(username: str) -> uuid.UUID:
    """An account by its user name: accounts are hospital-wide, and a workstation that made
    its own first administrator before its first sync makes the row the server may already
    have (the server's then stands: see sync_tables), not a second one that clashes on the
    name and holds the first sync up."""
    return _natural_id("staff_users", username)


def patient_id(record_no: str) -> uuid.UUID:
    return _natural_id("patients", record_no)


def encounter_id(source: str, visit_no: str) -> uuid.UUID:
    return _natural_id("encounters", source, visit_no)


def contact_id(patient: uuid.UUID, e164: str | None, raw_number: str) -> uuid.UUID:
    """A patient's number: the normalised one, or the number as written when it has none
    (the key a patient's numbers are told apart by)."""
    if e164:
        return _natural_id("patient_contacts", patient, "e164", e164)
    return _natural_id("patient_contacts", patient, "raw", raw_number)


def diagnosis_id(encounter: uuid.UUID, seq: int) -> uuid.UUID:
    return _natural_id("encounter_diagnoses", encounter, seq)


def plan_task_id(encounter: uuid.UUID, plan_code: str, step: str) -> uuid.UUID:
    return _natural_id("followup_tasks", encounter, plan_code, step)


def ticket_event_id(ticket: uuid.UUID, step: str) -> uuid.UUID:
    """A ticket's escalation step ("escalated-1"): the passes of two workstations that
    escalate the same overdue ticket make one event, not two."""
    return _natural_id("ticket_events", ticket, step)


def routing_rule_id(keyword: str) -> uuid.UUID:
    return _natural_id("ticket_routing_rules", keyword)


def ticket_deadline_id(kind: str) -> uuid.UUID:
    return _natural_id("ticket_deadlines", kind)


def calendar_day_id(day: object) -> uuid.UUID:
    return _natural_id("calendar_days", day)


def dispute_case_id(ticket: uuid.UUID) -> uuid.UUID:
    return _natural_id("dispute_cases", ticket)


def knowledge_article_id(key: str) -> uuid.UUID:
    """A knowledge-base article by its key (an imported file's name)."""
    return _natural_id("kb_articles", key)


def do_not_contact_id(number: str) -> uuid.UUID:
    """A number on the SMS do-not-contact list (E.164): an unsubscribe at the gateway and
    staff listing the same number elsewhere make one row."""
    return _natural_id("sms_do_not_contact", number)
