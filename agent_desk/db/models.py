"""The data core: typed SQLAlchemy models for the whole hospital's follow-up work."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.db.base import Base, IdMixin, VersionedMixin, utcnow
from agent_desk.db.knowledge_models import KnowledgeArticle as KnowledgeArticle  # metadata
from agent_desk.db.task_facts import TaskFacts as TaskFacts  # in Base.metadata with the rest
from agent_desk.domain.enums import (
    AlertSeverity,
    AttemptOutcome,
    AuditAction,
    CallDirection,
    CancelReason,
    Channel,
    ConflictResolution,
    ContactRelation,
    DischargeDisposition,
    EncounterKind,
    FeedbackKind,
    FeedbackStatus,
    ImportKind,
    LostReason,
    MutationOutcome,
    OutboxStatus,
    RecordingStatus,
    Role,
    Sex,
    SyncIssueKind,
    SyncOp,
    TaskStatus,
)


def _enum(cls: type[Any]) -> Enum:
    # Stored as the value string with no CHECK constraint, so that adding a member
    # later is a code change rather than a table rebuild on every workstation.
    return Enum(
        cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=False,
        length=32,
    )


class Department(IdMixin, VersionedMixin, Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class Ward(IdMixin, VersionedMixin, Base):
    __tablename__ = "wards"

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class StaffUser(IdMixin, VersionedMixin, Base):
    __tablename__ = "staff_users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(_enum(Role))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Beyond the primary role and department above: an admin who is also a supervisor, a
    # supervisor of three wards. Lists on the account's own row, so that a change of roles
    # is one version-checked update that syncs with the account (role values; department
    # ids, which are made from the department's code and so alike on every workstation).
    extra_roles: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    extra_departments: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")


class LoginFailures(Base):
    """Consecutive failed logins per account name on this workstation, and its lock.

    Local to the workstation, never synced (sync_tables.LOCAL_ONLY_TABLES): a lock stops
    guessing at this keyboard, while a hospital-wide lock would let anyone lock a nurse out
    of every ward from one PC, and an offline workstation could not honour it anyway. The
    failures themselves are audit events, which do reach the central server. Kept per name
    typed, known account or not, so that a lock does not tell which names exist.
    """

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


class Patient(IdMixin, VersionedMixin, Base):
    __tablename__ = "patients"
    # Name search returns names in order, record number breaking ties: one index walk.
    __table_args__ = (Index("ix_patients_name_record", "name", "record_no"),)

    record_no: Mapped[str] = mapped_column(String(32), unique=True)  # 病案号
    name: Mapped[str] = mapped_column(String(64))
    sex: Mapped[Sex] = mapped_column(_enum(Sex), default=Sex.UNKNOWN)
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(32))
    occupation: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(255))
    insurance_no: Mapped[str | None] = mapped_column(String(64))
    allergies: Mapped[str | None] = mapped_column(Text)
    family_history: Mapped[str | None] = mapped_column(Text)
    cardiac_history: Mapped[str | None] = mapped_column(Text)
    chronic_conditions: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_call: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_sms: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_recording: Mapped[bool] = mapped_column(Boolean, default=True)


class PatientContact(IdMixin, VersionedMixin, Base):
    """One phone number: the patient's own or a family member's."""

    __tablename__ = "patient_contacts"
    # Covers the screen-pop lookup: number → patient and relation without a table read.
    __table_args__ = (Index("ix_patient_contacts_lookup", "e164", "patient_id", "relation"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    relation: Mapped[ContactRelation] = mapped_column(_enum(ContactRelation))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    raw_number: Mapped[str] = mapped_column(String(64))
    # None when the raw number could not be normalised; kept so nothing typed is lost.
    e164: Mapped[str | None] = mapped_column(String(20))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class Encounter(IdMixin, VersionedMixin, Base):
    __tablename__ = "encounters"
    # The HIS's own key for the visit: a second import of the same discharge finds this
    # row instead of adding another. Rows entered by hand have neither (NULLs never clash).
    __table_args__ = (Index("uq_encounters_source_visit", "source", "visit_no", unique=True),)

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[EncounterKind] = mapped_column(_enum(EncounterKind))
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    ward_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("wards.id"))
    attending_doctor: Mapped[str | None] = mapped_column(String(64))
    admitted_at: Mapped[datetime | None]
    discharged_at: Mapped[datetime | None] = mapped_column(index=True)
    discharge_orders: Mapped[str | None] = mapped_column(Text)
    disposition: Mapped[DischargeDisposition | None] = mapped_column(_enum(DischargeDisposition))
    source: Mapped[str | None] = mapped_column(String(32))  # which HIS feed, e.g. "HIS"
    visit_no: Mapped[str | None] = mapped_column(String(64))  # 住院号 / PV1-19


class EncounterDiagnosis(IdMixin, Base):
    """An ICD-10 code on an encounter; own rows so that plans can match by code prefix."""

    __tablename__ = "encounter_diagnoses"

    encounter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("encounters.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 0 is the principal diagnosis
    icd10: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(128))


PLANNED_DAY = "coalesce(planned_due_date, due_date)"
_PLANNED_COVERS = ("status", "department_id", "lost_code", "id", "encounter_id", "patient_id")


_WORKLIST_ORDER = ("status", "due_date", "priority", "id", "window_end")
_CALLBACK_ONLY: dict[str, Any] = {
    f"{dialect}_where": text("callback_after IS NOT NULL") for dialect in ("sqlite", "postgresql")
}


class FollowupTask(IdMixin, VersionedMixin, Base):
    __tablename__ = "followup_tasks"
    __table_args__ = (
        # The worklist's keyset order, with and without a department filter. window_end
        # rides along so that "due" and "overdue" are decided in the index, without
        # reading the tasks that fail the test.
        Index("ix_followup_tasks_dept_worklist", "department_id", *_WORKLIST_ORDER),
        Index("ix_followup_tasks_worklist", *_WORKLIST_ORDER),
        # One task per step of a plan per visit: re-importing a discharge never doubles them.
        Index("uq_followup_tasks_plan_step", "encounter_id", "plan_code", "plan_step", unique=True),
        # The statistics' period (statistics_sql.planned_due(), matched exactly), covering.
        Index("ix_followup_tasks_planned", text(PLANNED_DAY), *_PLANNED_COVERS),
        # Callbacks booked for a time (db/callbacks.callbacks_due): a few rows among a
        # million open tasks, which the query read one by one without it (0026).
        Index("ix_followup_tasks_callback_due", "callback_after", **_CALLBACK_ONLY),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    encounter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("encounters.id"))
    plan_code: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[date] = mapped_column(Date)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 is most urgent
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus), default=TaskStatus.PENDING)
    lost_reason: Mapped[str | None] = mapped_column(String(255))  # the words shown, e.g. 三次未接通
    # Added by 0002; NULL on tasks made by hand or before plans were data.
    plan_version: Mapped[int | None] = mapped_column(Integer)
    plan_step: Mapped[str | None] = mapped_column(String(32))
    # The plan's due date; due_date moves with retries, this one stays, so that rates
    # count a task in the month it was meant for.
    planned_due_date: Mapped[date | None] = mapped_column(Date)
    assignee_role: Mapped[Role | None] = mapped_column(_enum(Role))
    callback_after: Mapped[datetime | None]  # the retry policy's earliest next attempt
    lost_code: Mapped[LostReason | None] = mapped_column(_enum(LostReason))
    cancel_reason: Mapped[CancelReason | None] = mapped_column(_enum(CancelReason))


class FollowupAttempt(IdMixin, Base):
    """An insert-only fact: one try at reaching the patient."""

    __tablename__ = "followup_attempts"
    __table_args__ = (Index("ix_followup_attempts_task_outcome", "task_id", "outcome"),)  # 0014

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("followup_tasks.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    outcome: Mapped[AttemptOutcome] = mapped_column(_enum(AttemptOutcome))
    note: Mapped[str | None] = mapped_column(Text)
    # Indexed for the recordings library, which shows each recorded call's outcome.
    call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calls.id"))  # indexed: 0021
    # The E.164 number tried: a wrong number is only final once every number was tried.
    number: Mapped[str | None] = mapped_column(String(20))


class FollowupRecord(IdMixin, Base):
    """An insert-only fact: a completed form with its answers and scores."""

    __tablename__ = "followup_records"
    __table_args__ = (Index("ix_followup_records_task_latest", "task_id", "completed_at", "id"),)

    task_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_tasks.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    attempt_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_attempts.id"))
    template_code: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recovery_score: Mapped[float | None]
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Each dimension's score (answer's itemWeight 5…1, else NULL) at submit, for statistics.
    satisfaction_doctors: Mapped[float | None]
    satisfaction_nurses: Mapped[float | None]
    satisfaction_environment: Mapped[float | None]
    satisfaction_cost: Mapped[float | None]
    satisfaction_overall: Mapped[float | None]


class Call(IdMixin, Base):
    __tablename__ = "calls"
    # The recordings library's keyset order: recorded calls, newest first (migration 0012).
    __table_args__ = (Index("ix_calls_recorded", "recording_status", "started_at", "id"),)

    direction: Mapped[CallDirection] = mapped_column(_enum(CallDirection))
    local_number: Mapped[str | None] = mapped_column(String(64))
    remote_number: Mapped[str] = mapped_column(String(64))
    remote_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"), index=True)
    task_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("followup_tasks.id"))
    recording_path: Mapped[str | None] = mapped_column(String(512))
    # NULL while the call lasts; then RECORDED, or why not (a patient's refusal, a fault).
    recording_status: Mapped[RecordingStatus | None] = mapped_column(_enum(RecordingStatus))


class AuditEvent(IdMixin, Base):
    """Who saw, heard or changed what. Triggers in the migration forbid UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("uq_audit_events_workstation_chain_seq", "workstation", "chain_seq", unique=True),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction))
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The hash chain (agent_desk.db.audit_chain); NULL on events written before it began.
    workstation: Mapped[uuid.UUID | None]
    chain_seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The last event of this workstation's audit chain: one read per append, and a tail
    cut off the chain no longer matches it. Local only."""

    __tablename__ = "audit_chain_heads"

    workstation: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    chain_seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    # The segment a restore started in this chain's place (agent_desk.db.audit_restore):
    # this head then stays where the backup left the chain. Added by 0013.
    superseded_by: Mapped[uuid.UUID | None]


class Hl7Message(IdMixin, Base):
    """An HL7 message already applied; written in the same unit of work as its effects,
    so a message is applied exactly once however often the HIS resends it."""

    __tablename__ = "hl7_messages"
    __table_args__ = (Index("uq_hl7_messages_sender_control", "sender", "control_id", unique=True),)

    sender: Mapped[str] = mapped_column(String(128))  # MSH-3^MSH-4
    control_id: Mapped[str] = mapped_column(String(64))  # MSH-10
    event: Mapped[str] = mapped_column(String(8))  # A03, A08, A13
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportRun(IdMixin, Base):
    """The report of one import, kept for hospital IT and the supervisors."""

    __tablename__ = "import_runs"

    kind: Mapped[ImportKind] = mapped_column(_enum(ImportKind))
    source_name: Mapped[str] = mapped_column(String(512))
    encoding: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime]
    read: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FeedbackEntry(IdMixin, VersionedMixin, Base):
    """Praise, a complaint or a suggestion heard on a follow-up, for the department concerned.

    Stored with the record that captured it, ready for routing with a deadline."""

    __tablename__ = "feedback_items"
    __table_args__ = (  # for the statistics (migration 0014): per record, per period
        Index("ix_feedback_items_record_kind", "record_id", "kind"),
        Index("ix_feedback_items_kind_created", "kind", "created_at"),
    )

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("followup_records.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("departments.id"), index=True
    )
    kind: Mapped[FeedbackKind] = mapped_column(_enum(FeedbackKind))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[FeedbackStatus] = mapped_column(
        _enum(FeedbackStatus), default=FeedbackStatus.OPEN
    )


class FollowupAlert(IdMixin, Base):
    """An answer that needs someone now (PHQ-9 item 9, BP ≥ 180/110): shown to the role named.

    Escalated from an open form (上报主管), it exists before its record, which the submit
    attaches. The first to acknowledge it stays its handler; every note, theirs and later
    ones, is appended to handling_notes as "name time: text" lines."""

    __tablename__ = "followup_alerts"

    record_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("followup_records.id"), index=True
    )
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # The department it concerns (a complaint's, or the task's); added by 0013.
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("departments.id"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[AlertSeverity] = mapped_column(_enum(AlertSeverity))
    notify_role: Mapped[Role] = mapped_column(_enum(Role))
    text: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    escalated_by: Mapped[str | None] = mapped_column(String(64))
    escalated_at: Mapped[datetime | None]
    handling_notes: Mapped[str | None] = mapped_column(Text)


class TaskLease(Base):
    """Who is calling a task right now: claimed on the central server, judged by its clock.

    The fence grows with every claim (a PostgreSQL sequence), so a workstation whose lease
    lapsed and was taken over can no longer renew it or complete the task."""

    __tablename__ = "task_leases"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("followup_tasks.id"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))  # the workstation's client id
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_users.id"))
    fence: Mapped[int] = mapped_column(BigInteger)
    claimed_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


# --- central sync (migration 0005) -------------------------------------------------------
# Every sync table exists on both kinds of database, so that one set of migrations builds
# both; the workstation uses the first three, the central server the others.


class SyncOutbox(Base):
    """A local change waiting for the central server, written in the change's transaction."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_status_seq", "status", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # upload order
    mutation_id: Mapped[uuid.UUID] = mapped_column(unique=True)  # the server dedups on it
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(index=True)
    op: Mapped[SyncOp] = mapped_column(_enum(SyncOp))
    # The version the change was made on (versioned rows only): the server applies an
    # update only while its row still has this version.
    base_version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the row after the change
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


class SyncConflict(IdMixin, Base):
    """A change the server refused, or a server row this database could not take: for review."""

    __tablename__ = "sync_conflicts"

    kind: Mapped[SyncIssueKind] = mapped_column(_enum(SyncIssueKind))
    mutation_id: Mapped[uuid.UUID | None]
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(index=True)
    op: Mapped[SyncOp | None] = mapped_column(_enum(SyncOp))
    base_version: Mapped[int | None] = mapped_column(Integer)
    server_version: Mapped[int | None] = mapped_column(Integer)
    local_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    server_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # The row exists here only (the server refused its insert): later changes to it wait.
    local_only: Mapped[bool] = mapped_column(Boolean, default=False)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[ConflictResolution | None] = mapped_column(_enum(ConflictResolution))


class SyncState(Base):
    """The workstation's one row of sync bookkeeping: who it is and how far it has read."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    client_id: Mapped[uuid.UUID]
    # The central database the cursor belongs to; another one means a fresh start.
    server_id: Mapped[uuid.UUID | None]
    cursor_txid: Mapped[int | None] = mapped_column(BigInteger)
    cursor_seq: Mapped[int | None] = mapped_column(BigInteger)
    last_push_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]


class SyncChangeLog(Base):
    """The central change feed, written by triggers; read in (txid, seq) order."""

    __tablename__ = "sync_change_log"
    __table_args__ = (Index("ix_sync_change_log_feed", "txid", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    txid: Mapped[int] = mapped_column(BigInteger)  # pg_current_xact_id() of the writer
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    op: Mapped[SyncOp] = mapped_column(_enum(SyncOp))
    version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # NULL for a tombstone
    changed_at: Mapped[datetime]


class SyncAppliedMutation(Base):
    """Every upload the server has judged, so that a resend after a crash changes nothing."""

    __tablename__ = "sync_applied_mutations"

    mutation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID]
    outcome: Mapped[MutationOutcome] = mapped_column(_enum(MutationOutcome))
    applied_at: Mapped[datetime]


class SyncServer(Base):
    """The central database's identity and the oldest point its change feed still holds."""

    __tablename__ = "sync_server"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    server_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime]
    # Feed rows at or below (horizon_txid, horizon_seq) were pruned: a client whose
    # cursor is older reads everything afresh.
    horizon_txid: Mapped[int] = mapped_column(BigInteger)
    horizon_seq: Mapped[int] = mapped_column(BigInteger)


class SyncClient(Base):
    """A workstation the central server has seen."""

    __tablename__ = "sync_clients"

    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


# Tables (and the statistics' indexes) kept in modules of their own (models.py would outgrow
# its size), imported here so that all are on Base.metadata wherever the models are.
from agent_desk.db import appointment_models, recording_models, sms_models  # noqa: E402, F401, I001
from agent_desk.db import statistics_indexes, ticket_models  # noqa: E402, F401
