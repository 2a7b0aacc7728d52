"""Which tables travel to the central server, and how each one may change there.

- **Versioned** rows (patients, tasks, departments, …) are edited on several workstations:
  an update carries the version it was made on and the server refuses a stale one.
- **Facts** (attempts, records, calls, audit events, alerts, diagnoses) have no version.
  Inserts can never conflict (a client-made UUIDv7 id is theirs alone; a diagnosis's id
  comes from its visit, below), and the few updates they get (a call's end time, an
  alert acknowledged) come from the workstation that made them, so the last one sent wins.
- **Natural keys.** Rows the HIS names (departments and wards by code, patients by record
  number, visits by HIS visit number, and what intake makes from them: contacts by
  number, diagnoses by position, plan tasks by visit and step) are given ids made from
  that key (agent_desk.db.natural_keys), so two workstations that import the same
  discharge offline make the same rows. The second insert of such a row is already
  applied: the row on the server stands (the first to arrive, with whatever has been
  done to it since), and the second workstation takes it in place of its own, with
  nothing to review. When the two imports differed (the HIS changed the visit between
  them), the first to reach the server is kept; a later import on any workstation,
  once synced, applies the HIS's newer values as an ordinary update. An insert never
  overwrites the server's row: others may have edited it since (consent, a task called
  and closed). Likewise an update of a department, ward, patient, contact or visit that
  finds the row already as it would make it (both stations imported the same second
  list) is applied, not a conflict.

Staff accounts travel with their password hashes (argon2id, salted), their roles and their
departments: login stays local, and one account then works on every workstation and a
changed password reaches them all. Accounts are keyed by user name (natural_keys.staff_id):
a workstation that made its own "admin" before its first sync takes the server's "admin"
in place of its own, as for a department imported twice; a new workstation's first
`sync --once` needs no login (it has no account yet) and brings every account down.

Knowledge-base articles are versioned rows keyed by their name (natural_keys.
knowledge_article_id: two workstations importing one folder make one article); each saved
version is a fact. The full-text index over them (kb_search_rows and the FTS5 tables) is
derived by triggers in every workstation's database, like followup_task_facts.

SMS: the outbox stays out of row-by-row sync (sms_messages, sms_parts, sms_campaigns and
the gateway's lease: a workstation queues in its own outbox and hands its messages to the
central outbox, which the one gateway holding the lease sends from; see
agent_desk/db/sms_outbox.py). What the other workstations must see does sync:
- sms_replies, versioned. The gateway stores each reply (after acting on it: a consent
  withdrawn, a satisfaction score, a revisit confirmed), and the row carries all its card
  and to-do list need: the patient, the number (masked wherever it is shown), the text,
  the kind, when it came, the record, revisit and message it answers, and who handled it
  when. The message is named by id without a foreign key: it is in the central or the
  gateway's outbox, which other workstations do not have, and a foreign key would refuse
  the pulled reply there. Marking a reply handled is an update on the version seen, like
  closing a task: two agents who dealt with the same reply did the work twice (the patient
  called back twice, perhaps told two things), which the review list must show; last
  writer wins would hide it and keep only one handler.
- sms_do_not_contact, a fact keyed by its number (natural_keys.do_not_contact_id). Every
  sender obeys it: the gateway's claim (every message, reminders included, whichever
  workstation queued it), and each workstation's direct send and campaign, which refuse
  or skip a listed number before anything is queued. An unsubscribe is written on the central
  server by the gateway at once (its next claim must see it) and in its own database,
  whose upload then finds the row there; the feed brings it to every other workstation.
  One listed by staff on any workstation travels up with its sync. Listing a number twice
  (two workstations, or the gateway and staff) is one row; taking it off is a delete.

Local bookkeeping stays local: hl7_messages and import_runs record what this
workstation's intake did; login_failures counts the failed logins typed at this
workstation and locks a name here only (the failures reach the server as audit events);
task_leases live on the central server only (the work queue writes them there directly);
the sync_* tables are the machinery itself. Recordings travel on their own road
(agent_desk.services.recording_upload): the recordings table says where this disk's copy
stands, and recording_blobs/recording_chunks hold the recordings on the central server.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Column, Table

from agent_desk.db import appointment_models, knowledge_models, models, sms_models, ticket_models
from agent_desk.db.base import Base

SYNCED_MODELS: tuple[type[Base], ...] = (
    models.Department,
    models.Ward,
    models.StaffUser,
    models.Patient,
    models.PatientContact,
    models.Encounter,
    models.EncounterDiagnosis,
    models.FollowupTask,
    models.Call,
    models.FollowupAttempt,
    models.FollowupRecord,
    models.AuditEvent,
    models.FeedbackEntry,
    models.FollowupAlert,
    ticket_models.Ticket,
    ticket_models.TicketEvent,
    ticket_models.RoutingRule,
    ticket_models.TicketDeadline,
    ticket_models.CalendarDay,
    ticket_models.DisputeCase,
    knowledge_models.KnowledgeArticle,
    knowledge_models.KnowledgeArticleVersion,
    appointment_models.AppointmentSchedule,
    appointment_models.AppointmentClosure,
    appointment_models.AppointmentSlot,
    appointment_models.Appointment,
    sms_models.SmsDoNotContact,
    sms_models.SmsReply,
)

LOCAL_ONLY_TABLES = frozenset(
    {
        "hl7_messages",
        "import_runs",
        "login_failures",
        "task_leases",
        "sync_outbox",
        "sync_conflicts",
        "sync_state",
        "sync_change_log",
        "sync_applied_mutations",
        "sync_server",
        "sync_clients",
        "audit_chain_heads",
        "recordings",
        "recording_blobs",
        "recording_chunks",
        # SMS travel through their own outbox: queued here, handed to the central outbox,
        # sent by the one gateway holding sms_gateway_lease (agent_desk/db/sms_outbox.py).
        # Replies and the do-not-contact list sync (above).
        "sms_messages",
        "sms_parts",
        "sms_campaigns",
        "sms_gateway_lease",
        # Derived by triggers from the synced facts, in every database (db/task_facts.py).
        "followup_task_facts",
        # The knowledge base's full-text index numbers its articles (db/knowledge_search.py).
        "kb_search_rows",
        # What this workstation told the HIS about appointments, with the HIS's ACKs.
        "appointment_his_messages",
    }
)


# Bookkeeping the server sets (or the version check needs): not what a row says.
BOOKKEEPING_COLUMNS = frozenset({"id", "version", "created_at", "updated_at"})

# Tables whose new rows may carry an id made from their natural key (see above).
NATURAL_KEYED = frozenset(
    {
        "departments",
        "staff_users",
        "wards",
        "patients",
        "patient_contacts",
        "encounters",
        "encounter_diagnoses",
        "followup_tasks",
        # Settings-like rows keyed by what they are for (a keyword, a kind, a day, a
        # dispute's ticket), and the escalation steps of a ticket (one per level): two
        # workstations that make the same one offline make one row.
        "ticket_routing_rules",
        "ticket_deadlines",
        "calendar_days",
        "dispute_cases",
        "ticket_events",
        # A knowledge article by its key (an imported file's name).
        "kb_articles",
        # Made from department, doctor and time: importing the same schedule twice, or on
        # two workstations, makes the same rows (agent_desk.db.appointments).
        "appointment_schedules",
        "appointment_closures",
        "appointment_slots",
        # A number listed twice (an unsubscribe, and staff on another workstation) is one row.
        "sms_do_not_contact",
    }
)

# Rows the HIS's imports make and change: an update that finds such a row already as it
# would make it is the same import, made on another workstation too. Not tasks: two nurses
# closing the same task is work done twice, which the review list must show.
# Tickets too: the escalation pass runs on every supervisor's window, and two that escalate
# the same overdue ticket make the very same change (the step is dated by its deadline,
# not by the clock that noticed it). Two people making different changes still conflict.
IMPORTED = (
    NATURAL_KEYED
    - {
        "encounter_diagnoses",
        "followup_tasks",
        "staff_users",
        "ticket_routing_rules",
        "ticket_deadlines",
        "calendar_days",
        "dispute_cases",
        "ticket_events",
        "appointment_slots",  # a slot's booked count is the server's to change
        "sms_do_not_contact",  # never updated: listed, or taken off
    }
) | {"tickets"}

# The audit trail: triggers forbid UPDATE, so a row that is already here is left alone.
APPEND_ONLY = frozenset({"audit_events"})


@dataclass(frozen=True)
class SyncedTable:
    name: str
    table: Table
    versioned: bool
    model: type[Base]

    @property
    def columns(self) -> tuple[Column[object], ...]:
        return tuple(self.table.columns)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.table.columns)

    @property
    def natural_keyed(self) -> bool:
        """Another workstation may insert the very same row: a second insert is no conflict."""
        return self.name in NATURAL_KEYED

    @property
    def imported(self) -> bool:
        """Changed by imports: an update already made on the server is no conflict."""
        return self.name in IMPORTED

    @property
    def append_only(self) -> bool:
        """Rows never change once written (triggers refuse UPDATE): a copy is kept, not merged."""
        return self.name in APPEND_ONLY


@cache
def synced_tables() -> dict[str, SyncedTable]:
    """Every synced table by name, parents before children (the order inserts must take)."""
    wanted = {model.__table__.name: model for model in SYNCED_MODELS}  # type: ignore[attr-defined]
    ordered: dict[str, SyncedTable] = {}
    for table in Base.metadata.sorted_tables:
        model = wanted.get(table.name)
        if model is not None:
            versioned = model.__mapper__.version_id_col is not None
            ordered[table.name] = SyncedTable(table.name, table, versioned, model)
    return ordered


def synced_table(name: str) -> SyncedTable:
    try:
        return synced_tables()[name]
    except KeyError:
        raise LookupError(f"{name!r} is not a synced table") from None


def is_synced(name: str) -> bool:
    return name in synced_tables()
