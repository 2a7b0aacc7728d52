"""Translated names for the domain's enums and dates, shared by every widget."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate

from agent_desk.domain.enums import (
    AlertSeverity,
    AppointmentStatus,
    AttemptOutcome,
    AuditAction,
    AuditSubject,
    CallbackSatisfaction,
    CallDirection,
    Channel,
    ConflictResolution,
    ContactRelation,
    EncounterKind,
    KnowledgeKind,
    LostReason,
    ModemProblem,
    RecordingLocation,
    Role,
    RoutedBy,
    SatisfactionDimension,
    Sex,
    SlotState,
    SmsDelivery,
    SmsKind,
    SmsReplyKind,
    SmsState,
    SyncIssueKind,
    TaskStatus,
    TicketEventKind,
    TicketKind,
    TicketSeverity,
    TicketSource,
    TicketState,
    TodoKind,
    UnmaskReason,
)
from agent_desk.domain.statistics import Grouping, PeriodKind, TaskFigure
from agent_desk.domain.views import TimelineKind

_CONTEXT = "Labels"

# QT_TRANSLATE_NOOP is typed as returning object; its value is the source text.
_LABELS: dict[Enum, Any] = {
    AlertSeverity.WARNING: QT_TRANSLATE_NOOP("Labels", "Warning"),
    AlertSeverity.CRITICAL: QT_TRANSLATE_NOOP("Labels", "Critical"),
    Sex.MALE: QT_TRANSLATE_NOOP("Labels", "Male"),
    Sex.FEMALE: QT_TRANSLATE_NOOP("Labels", "Female"),
    Sex.UNKNOWN: QT_TRANSLATE_NOOP("Labels", "Unknown"),
    Role.AGENT: QT_TRANSLATE_NOOP("Labels", "Service agent"),
    Role.NURSE: QT_TRANSLATE_NOOP("Labels", "Nurse"),
    Role.DOCTOR: QT_TRANSLATE_NOOP("Labels", "Doctor"),
    Role.SUPERVISOR: QT_TRANSLATE_NOOP("Labels", "Supervisor"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Labels", "Administrator"),
    Role.INTEGRATION: QT_TRANSLATE_NOOP("Labels", "HIS integration"),
    ContactRelation.SELF: QT_TRANSLATE_NOOP("Labels", "Self"),
    ContactRelation.SPOUSE: QT_TRANSLATE_NOOP("Labels", "Spouse"),
    ContactRelation.CHILD: QT_TRANSLATE_NOOP("Labels", "Child"),
    ContactRelation.PARENT: QT_TRANSLATE_NOOP("Labels", "Parent"),
    ContactRelation.SIBLING: QT_TRANSLATE_NOOP("Labels", "Sibling"),
    ContactRelation.OTHER: QT_TRANSLATE_NOOP("Labels", "Other"),
    EncounterKind.OUTPATIENT: QT_TRANSLATE_NOOP("Labels", "Outpatient"),
    EncounterKind.INPATIENT: QT_TRANSLATE_NOOP("Labels", "Inpatient"),
    TaskStatus.PENDING: QT_TRANSLATE_NOOP("Labels", "Pending"),
    TaskStatus.DONE: QT_TRANSLATE_NOOP("Labels", "Done"),
    TaskStatus.LOST: QT_TRANSLATE_NOOP("Labels", "Lost to follow-up"),
    TaskStatus.CANCELLED: QT_TRANSLATE_NOOP("Labels", "Cancelled"),
    Channel.PHONE: QT_TRANSLATE_NOOP("Labels", "Phone"),
    Channel.SMS: QT_TRANSLATE_NOOP("Labels", "SMS"),
    Channel.WECHAT: QT_TRANSLATE_NOOP("Labels", "WeChat"),
    Channel.QQ: QT_TRANSLATE_NOOP("Labels", "QQ"),
    Channel.HOME_VISIT: QT_TRANSLATE_NOOP("Labels", "Home visit"),
    Channel.WEB: QT_TRANSLATE_NOOP("Labels", "Web"),
    Channel.APP: QT_TRANSLATE_NOOP("Labels", "App"),
    AttemptOutcome.REACHED: QT_TRANSLATE_NOOP("Labels", "Reached"),
    AttemptOutcome.NO_ANSWER: QT_TRANSLATE_NOOP("Labels", "No answer"),
    AttemptOutcome.BUSY: QT_TRANSLATE_NOOP("Labels", "Busy"),
    AttemptOutcome.SWITCHED_OFF: QT_TRANSLATE_NOOP("Labels", "Switched off"),
    AttemptOutcome.WRONG_NUMBER: QT_TRANSLATE_NOOP("Labels", "Wrong number"),
    AttemptOutcome.REFUSED: QT_TRANSLATE_NOOP("Labels", "Refused"),
    AttemptOutcome.DECEASED: QT_TRANSLATE_NOOP("Labels", "Deceased"),
    AttemptOutcome.READMITTED: QT_TRANSLATE_NOOP("Labels", "Readmitted"),
    AttemptOutcome.NUMBER_INVALID: QT_TRANSLATE_NOOP("Labels", "Number invalid"),
    CallDirection.INBOUND: QT_TRANSLATE_NOOP("Labels", "Incoming call"),
    CallDirection.OUTBOUND: QT_TRANSLATE_NOOP("Labels", "Outgoing call"),
    TimelineKind.ENCOUNTER: QT_TRANSLATE_NOOP("Labels", "Visit"),
    TimelineKind.ATTEMPT: QT_TRANSLATE_NOOP("Labels", "Follow-up attempt"),
    TimelineKind.RECORD: QT_TRANSLATE_NOOP("Labels", "Follow-up record"),
    TimelineKind.CALL: QT_TRANSLATE_NOOP("Labels", "Call"),
    TimelineKind.SMS_OUT: QT_TRANSLATE_NOOP("Labels", "SMS sent"),
    TimelineKind.SMS_IN: QT_TRANSLATE_NOOP("Labels", "SMS reply"),
    SyncIssueKind.CONFLICT: QT_TRANSLATE_NOOP("Labels", "Conflict"),
    SyncIssueKind.REJECTED: QT_TRANSLATE_NOOP("Labels", "Rejected"),
    SyncIssueKind.PULL_FAILED: QT_TRANSLATE_NOOP("Labels", "Could not download"),
    ConflictResolution.KEEP_SERVER: QT_TRANSLATE_NOOP("Labels", "Keep the server's version"),
    ConflictResolution.REAPPLY_LOCAL: QT_TRANSLATE_NOOP("Labels", "Send mine again"),
    UnmaskReason.VERIFY_IDENTITY: QT_TRANSLATE_NOOP("Labels", "Verify identity on a callback"),
    UnmaskReason.PATIENT_REQUEST: QT_TRANSLATE_NOOP("Labels", "The patient asked"),
    UnmaskReason.REFERRAL_OR_APPOINTMENT: QT_TRANSLATE_NOOP("Labels", "Referral or appointment"),
    UnmaskReason.OTHER: QT_TRANSLATE_NOOP("Labels", "Other"),
    AuditAction.LOGIN: QT_TRANSLATE_NOOP("Labels", "Login"),
    AuditAction.LOGIN_FAILED: QT_TRANSLATE_NOOP("Labels", "Failed login"),
    AuditAction.LOGIN_LOCKED: QT_TRANSLATE_NOOP("Labels", "Login refused: account locked"),
    AuditAction.LOGOUT: QT_TRANSLATE_NOOP("Labels", "Logout"),
    AuditAction.VIEW_PATIENT: QT_TRANSLATE_NOOP("Labels", "Patient card viewed"),
    AuditAction.SEARCH: QT_TRANSLATE_NOOP("Labels", "Search"),
    AuditAction.EXPORT: QT_TRANSLATE_NOOP("Labels", "Export"),
    AuditAction.USER_ADDED: QT_TRANSLATE_NOOP("Labels", "Account added"),
    AuditAction.USER_CHANGED: QT_TRANSLATE_NOOP("Labels", "Account changed"),
    AuditAction.PASSWORD_CHANGED: QT_TRANSLATE_NOOP("Labels", "Password changed"),
    AuditAction.CONFIG_CHANGED: QT_TRANSLATE_NOOP("Labels", "Setting changed"),
    AuditAction.PLAY_RECORDING: QT_TRANSLATE_NOOP("Labels", "Recording played"),
    AuditAction.PATIENT_CREATED: QT_TRANSLATE_NOOP("Labels", "Patient registered"),
    AuditAction.CONTACT_ADDED: QT_TRANSLATE_NOOP("Labels", "Phone number added"),
    AuditAction.IMPORT: QT_TRANSLATE_NOOP("Labels", "Discharge data imported"),
    AuditAction.UNMASK: QT_TRANSLATE_NOOP("Labels", "Identifier shown in full"),
    AuditAction.BACKUP: QT_TRANSLATE_NOOP("Labels", "Backup"),
    AuditAction.RESTORE: QT_TRANSLATE_NOOP("Labels", "Restore"),
    AuditAction.CHAIN_STARTED: QT_TRANSLATE_NOOP("Labels", "Audit chain started"),
    AuditAction.REVIEW_DECIDED: QT_TRANSLATE_NOOP("Labels", "Sync review decided"),
    AuditAction.RECORDING_EXPORTED: QT_TRANSLATE_NOOP("Labels", "Recording exported"),
    AuditAction.ALERT_ESCALATED: QT_TRANSLATE_NOOP("Labels", "Alert escalated"),
    AuditAction.ALERT_ACKNOWLEDGED: QT_TRANSLATE_NOOP("Labels", "Alert acknowledged"),
    # What an audit event is about; most share their words with the tables below.
    AuditSubject.PATIENT: QT_TRANSLATE_NOOP("Labels", "Patient"),
    AuditSubject.CALL: QT_TRANSLATE_NOOP("Labels", "Call"),
    AuditSubject.RECORD: QT_TRANSLATE_NOOP("Labels", "Follow-up record"),
    AuditSubject.TASK: QT_TRANSLATE_NOOP("Labels", "Follow-up task"),
    AuditSubject.ALERT: QT_TRANSLATE_NOOP("Labels", "Follow-up alert"),
    AuditSubject.FEEDBACK: QT_TRANSLATE_NOOP("Labels", "Praise, complaint or suggestion"),
    AuditSubject.STAFF: QT_TRANSLATE_NOOP("Labels", "Staff account"),
    AuditSubject.IMPORT: QT_TRANSLATE_NOOP("Labels", "Imported file"),
    AuditSubject.BACKUP: QT_TRANSLATE_NOOP("Labels", "Backup"),
    AuditSubject.SETTING: QT_TRANSLATE_NOOP("Labels", "Setting"),
    AuditSubject.SMS: QT_TRANSLATE_NOOP("Labels", "Text message"),
    AuditAction.RECORDING_DELETED: QT_TRANSLATE_NOOP("Labels", "Recording deleted (retention)"),
    AuditAction.TICKET_REROUTED: QT_TRANSLATE_NOOP("Labels", "Ticket rerouted"),
    AuditAction.VIEW_DISPUTE_CASE: QT_TRANSLATE_NOOP("Labels", "Dispute case record viewed"),
    AuditAction.DISPUTE_CASE_CHANGED: QT_TRANSLATE_NOOP("Labels", "Dispute case record changed"),
    AuditAction.TICKET_RULES_CHANGED: QT_TRANSLATE_NOOP(
        "Labels", "Ticket routing or deadlines changed"
    ),
    AuditAction.CALENDAR_IMPORTED: QT_TRANSLATE_NOOP("Labels", "Working calendar imported"),
    AuditSubject.TICKET: QT_TRANSLATE_NOOP("Labels", "Ticket"),
    AuditAction.KNOWLEDGE_SAVED: QT_TRANSLATE_NOOP("Labels", "Knowledge article saved"),
    AuditAction.KNOWLEDGE_IMPORTED: QT_TRANSLATE_NOOP("Labels", "Knowledge articles imported"),
    AuditAction.APPOINTMENT_BOOKED: QT_TRANSLATE_NOOP("Labels", "Appointment booked"),
    AuditAction.APPOINTMENT_CANCELLED: QT_TRANSLATE_NOOP("Labels", "Appointment cancelled"),
    AuditAction.APPOINTMENT_RESCHEDULED: QT_TRANSLATE_NOOP("Labels", "Appointment moved"),
    AuditAction.APPOINTMENT_NO_SHOW: QT_TRANSLATE_NOOP("Labels", "Appointment missed (no-show)"),
    AuditAction.SCHEDULE_CHANGED: QT_TRANSLATE_NOOP("Labels", "Clinic schedule changed"),
    AuditSubject.APPOINTMENT: QT_TRANSLATE_NOOP("Labels", "Revisit appointment"),
    AuditSubject.SCHEDULE: QT_TRANSLATE_NOOP("Labels", "Clinic schedule"),
    AuditAction.SMS_SENT: QT_TRANSLATE_NOOP("Labels", "SMS sent"),
    AuditAction.SMS_CAMPAIGN: QT_TRANSLATE_NOOP("Labels", "SMS campaign sent"),
    RecordingLocation.LOCAL: QT_TRANSLATE_NOOP("Labels", "On this workstation"),
    RecordingLocation.UPLOADED: QT_TRANSLATE_NOOP("Labels", "Here and on the server"),
    RecordingLocation.FETCHED: QT_TRANSLATE_NOOP("Labels", "Fetched from the server"),
    RecordingLocation.MISSING: QT_TRANSLATE_NOOP("Labels", "Missing"),
    RecordingLocation.CORRUPT: QT_TRANSLATE_NOOP("Labels", "Damaged"),
}

# Enums whose values repeat another's (LostReason.REFUSED and AttemptOutcome.REFUSED are
# both "refused", and a StrEnum member is equal to its string, so one dict would keep one
# of them): looked up by their type first. The 统计 screen's pickers and figures.
_LABELS_OF: dict[type[Enum], dict[Enum, Any]] = {
    TicketKind: {
        TicketKind.PRAISE: QT_TRANSLATE_NOOP("Labels", "Praise"),
        TicketKind.CRITICISM: QT_TRANSLATE_NOOP("Labels", "Criticism"),
        TicketKind.SUGGESTION: QT_TRANSLATE_NOOP("Labels", "Suggestion"),
        TicketKind.COMPLAINT: QT_TRANSLATE_NOOP("Labels", "Complaint"),
        TicketKind.DISPUTE: QT_TRANSLATE_NOOP("Labels", "Dispute"),
        TicketKind.RED_FLAG: QT_TRANSLATE_NOOP("Labels", "Red flag"),
    },
    TicketState: {
        TicketState.NEW: QT_TRANSLATE_NOOP("Labels", "New"),
        TicketState.DISPATCHED: QT_TRANSLATE_NOOP("Labels", "Dispatched"),
        TicketState.REPLIED: QT_TRANSLATE_NOOP("Labels", "Replied"),
        TicketState.CALLED_BACK: QT_TRANSLATE_NOOP("Labels", "Called back"),
        TicketState.CLOSED: QT_TRANSLATE_NOOP("Labels", "Closed"),
        TicketState.ESCALATED: QT_TRANSLATE_NOOP("Labels", "Escalated"),
    },
    TicketSeverity: {
        TicketSeverity.NORMAL: QT_TRANSLATE_NOOP("Labels", "Normal"),
        TicketSeverity.HIGH: QT_TRANSLATE_NOOP("Labels", "High"),
        TicketSeverity.CRITICAL: QT_TRANSLATE_NOOP("Labels", "Critical"),
    },
    TicketSource: {
        TicketSource.FORM: QT_TRANSLATE_NOOP("Labels", "Follow-up form"),
        TicketSource.RED_FLAG: QT_TRANSLATE_NOOP("Labels", "Red-flag answer"),
        TicketSource.CALL: QT_TRANSLATE_NOOP("Labels", "Inbound call"),
        TicketSource.MIGRATED: QT_TRANSLATE_NOOP("Labels", "Earlier feedback"),
    },
    RoutedBy: {
        RoutedBy.FORM: QT_TRANSLATE_NOOP("Labels", "named in the form or call"),
        RoutedBy.ENCOUNTER: QT_TRANSLATE_NOOP("Labels", "the patient's visit"),
        RoutedBy.RULE: QT_TRANSLATE_NOOP("Labels", "a keyword rule"),
        RoutedBy.SUPERVISOR: QT_TRANSLATE_NOOP("Labels", "a supervisor"),
    },
    TicketEventKind: {
        TicketEventKind.CREATED: QT_TRANSLATE_NOOP("Labels", "Opened"),
        TicketEventKind.ROUTED: QT_TRANSLATE_NOOP("Labels", "Routed"),
        TicketEventKind.REROUTED: QT_TRANSLATE_NOOP("Labels", "Rerouted"),
        TicketEventKind.REPLIED: QT_TRANSLATE_NOOP("Labels", "Replied"),
        TicketEventKind.CALLED_BACK: QT_TRANSLATE_NOOP("Labels", "Called back"),
        TicketEventKind.CLOSED: QT_TRANSLATE_NOOP("Labels", "Closed"),
        TicketEventKind.ESCALATED: QT_TRANSLATE_NOOP(
            "Labels", "Escalated to the head and supervisors"
        ),
        TicketEventKind.ESCALATED_OFFICE: QT_TRANSLATE_NOOP("Labels", "Escalated to the office"),
    },
    CallbackSatisfaction: {
        CallbackSatisfaction.SATISFIED: QT_TRANSLATE_NOOP("Labels", "Satisfied"),
        CallbackSatisfaction.PARTLY: QT_TRANSLATE_NOOP("Labels", "Partly satisfied"),
        CallbackSatisfaction.DISSATISFIED: QT_TRANSLATE_NOOP("Labels", "Dissatisfied"),
    },
    KnowledgeKind: {
        KnowledgeKind.FAQ: QT_TRANSLATE_NOOP("Labels", "Common question"),
        KnowledgeKind.SCRIPT: QT_TRANSLATE_NOOP("Labels", "Standard script"),
        KnowledgeKind.EDUCATION: QT_TRANSLATE_NOOP("Labels", "Health education"),
    },
    TodoKind: {  # "alert", "task": AuditSubject's values too
        TodoKind.ALERT: QT_TRANSLATE_NOOP("Labels", "Alert"),
        TodoKind.TASK: QT_TRANSLATE_NOOP("Labels", "Due today"),
        TodoKind.CALLBACK: QT_TRANSLATE_NOOP("Labels", "Booked callback"),
        TodoKind.TICKET: QT_TRANSLATE_NOOP("Labels", "Ticket"),
        TodoKind.SMS_REPLY: QT_TRANSLATE_NOOP("Labels", "SMS reply"),
    },
    SmsKind: {
        SmsKind.REMINDER: QT_TRANSLATE_NOOP("Labels", "Reminder"),
        SmsKind.CARE: QT_TRANSLATE_NOOP("Labels", "Care message"),
        SmsKind.GREETING: QT_TRANSLATE_NOOP("Labels", "Greeting"),
        SmsKind.CAMPAIGN: QT_TRANSLATE_NOOP("Labels", "Campaign"),
        SmsKind.SATISFACTION: QT_TRANSLATE_NOOP("Labels", "Satisfaction survey"),
        SmsKind.DIRECT: QT_TRANSLATE_NOOP("Labels", "Message"),
        SmsKind.CONFIRMATION: QT_TRANSLATE_NOOP("Labels", "Unsubscribe confirmation"),
    },
    SmsState: {
        SmsState.QUEUED: QT_TRANSLATE_NOOP("Labels", "Queued"),
        SmsState.FORWARDED: QT_TRANSLATE_NOOP("Labels", "Handed to the gateway"),
        SmsState.SENDING: QT_TRANSLATE_NOOP("Labels", "Sending"),
        SmsState.SENT: QT_TRANSLATE_NOOP("Labels", "Sent"),
        SmsState.FAILED: QT_TRANSLATE_NOOP("Labels", "Failed"),
        SmsState.UNCERTAIN: QT_TRANSLATE_NOOP("Labels", "May have been sent (not resent)"),
        SmsState.WITHDRAWN: QT_TRANSLATE_NOOP("Labels", "Withdrawn"),
        SmsState.BLOCKED: QT_TRANSLATE_NOOP("Labels", "Blocked by the contact rules"),
    },
    SmsDelivery: {
        SmsDelivery.UNKNOWN: QT_TRANSLATE_NOOP("Labels", "No report yet"),
        SmsDelivery.DELIVERED: QT_TRANSLATE_NOOP("Labels", "Delivered"),
        SmsDelivery.FAILED: QT_TRANSLATE_NOOP("Labels", "Not delivered"),
    },
    SmsReplyKind: {
        SmsReplyKind.OPT_OUT: QT_TRANSLATE_NOOP("Labels", "Unsubscribed"),
        SmsReplyKind.SATISFACTION: QT_TRANSLATE_NOOP("Labels", "Satisfaction answer"),
        SmsReplyKind.REVISIT_CONFIRMED: QT_TRANSLATE_NOOP("Labels", "Revisit confirmed"),
        SmsReplyKind.REVISIT_RESCHEDULE: QT_TRANSLATE_NOOP("Labels", "Revisit: wants another day"),
        SmsReplyKind.NEEDS_AGENT: QT_TRANSLATE_NOOP("Labels", "Needs an agent"),
        SmsReplyKind.UNKNOWN_SENDER: QT_TRANSLATE_NOOP("Labels", "Unknown sender"),
    },
    ModemProblem: {
        ModemProblem.NONE: QT_TRANSLATE_NOOP("Labels", "Modem ready"),
        ModemProblem.NO_MODEM: QT_TRANSLATE_NOOP(
            "Labels", "No SMS modem: check the cable and sms.port"
        ),
        ModemProblem.PIN_NEEDED: QT_TRANSLATE_NOOP(
            "Labels", "The SIM needs its PIN: agent-desk secret set sms.pin"
        ),
        ModemProblem.NO_NETWORK: QT_TRANSLATE_NOOP("Labels", "SMS modem: no mobile network"),
        ModemProblem.SIM_FULL: QT_TRANSLATE_NOOP("Labels", "SMS modem: the SIM card is full"),
        ModemProblem.OTHER: QT_TRANSLATE_NOOP("Labels", "SMS modem error"),
    },
    PeriodKind: {
        PeriodKind.DAY: QT_TRANSLATE_NOOP("Labels", "Day"),
        PeriodKind.WEEK: QT_TRANSLATE_NOOP("Labels", "Week"),
        PeriodKind.MONTH: QT_TRANSLATE_NOOP("Labels", "Month"),
        PeriodKind.QUARTER: QT_TRANSLATE_NOOP("Labels", "Quarter"),
        PeriodKind.YEAR: QT_TRANSLATE_NOOP("Labels", "Year"),
        PeriodKind.RANGE: QT_TRANSLATE_NOOP("Labels", "From – to"),
    },
    Grouping: {
        Grouping.HOSPITAL: QT_TRANSLATE_NOOP("Labels", "Whole hospital"),
        Grouping.DEPARTMENT: QT_TRANSLATE_NOOP("Labels", "Department"),
        Grouping.WARD: QT_TRANSLATE_NOOP("Labels", "Ward"),
        Grouping.STAFF: QT_TRANSLATE_NOOP("Labels", "Staff member"),
        Grouping.PLAN: QT_TRANSLATE_NOOP("Labels", "Follow-up plan"),
        Grouping.DISEASE: QT_TRANSLATE_NOOP("Labels", "Disease (ICD-10 category)"),
        Grouping.CHAPTER: QT_TRANSLATE_NOOP("Labels", "Disease (ICD-10 chapter)"),
    },
    TaskFigure: {
        TaskFigure.DUE: QT_TRANSLATE_NOOP("Labels", "Due"),
        TaskFigure.ATTEMPTED: QT_TRANSLATE_NOOP("Labels", "Attempted"),
        TaskFigure.REACHED: QT_TRANSLATE_NOOP("Labels", "Reached"),
        TaskFigure.COMPLETED: QT_TRANSLATE_NOOP("Labels", "Completed"),
        TaskFigure.LOST: QT_TRANSLATE_NOOP("Labels", "Lost to follow-up"),
        TaskFigure.PRAISED: QT_TRANSLATE_NOOP("Labels", "Praised"),
        TaskFigure.CRITICISED: QT_TRANSLATE_NOOP("Labels", "Criticised"),
    },
    LostReason: {
        LostReason.UNREACHABLE: QT_TRANSLATE_NOOP("Labels", "Unreachable"),
        LostReason.NUMBER_INVALID: QT_TRANSLATE_NOOP("Labels", "Number not in service"),
        LostReason.WRONG_NUMBER: QT_TRANSLATE_NOOP("Labels", "Wrong number"),
        LostReason.REFUSED: QT_TRANSLATE_NOOP("Labels", "Refused follow-up"),
        LostReason.DECEASED: QT_TRANSLATE_NOOP("Labels", "Deceased"),
    },
    AppointmentStatus: {
        AppointmentStatus.BOOKED: QT_TRANSLATE_NOOP("Labels", "Booked"),
        AppointmentStatus.CONFIRMED: QT_TRANSLATE_NOOP("Labels", "Confirmed"),
        AppointmentStatus.RESCHEDULED: QT_TRANSLATE_NOOP("Labels", "Moved"),
        AppointmentStatus.CANCELLED: QT_TRANSLATE_NOOP("Labels", "Cancelled"),
        AppointmentStatus.NO_SHOW: QT_TRANSLATE_NOOP("Labels", "No-show"),
    },
    SlotState: {
        SlotState.FREE: QT_TRANSLATE_NOOP("Labels", "Free"),
        SlotState.BOOKED: QT_TRANSLATE_NOOP("Labels", "Partly booked"),
        SlotState.FULL: QT_TRANSLATE_NOOP("Labels", "Full"),
    },
    SatisfactionDimension: {
        SatisfactionDimension.DOCTORS: QT_TRANSLATE_NOOP("Labels", "Doctors"),
        SatisfactionDimension.NURSES: QT_TRANSLATE_NOOP("Labels", "Nurses"),
        SatisfactionDimension.ENVIRONMENT: QT_TRANSLATE_NOOP("Labels", "Environment"),
        SatisfactionDimension.COST: QT_TRANSLATE_NOOP("Labels", "Cost"),
        SatisfactionDimension.OVERALL: QT_TRANSLATE_NOOP("Labels", "Overall"),
    },
}


# Plan codes the built-in plans use; a plan without an entry shows its code.
_PLANS: dict[str, Any] = {
    "discharge_7d": QT_TRANSLATE_NOOP("Labels", "Discharge follow-up (day 7)"),
    "callback": QT_TRANSLATE_NOOP("Labels", "Callback at a set time"),
    "appointment_reschedule": QT_TRANSLATE_NOOP("Labels", "Move a revisit (patient asked)"),
}


def plan_label(code: str) -> str:
    source = _PLANS.get(code)
    return QCoreApplication.translate(_CONTEXT, str(source)) if source else code


# What a synced table holds, as the sync review names it; a table without an entry shows
# its name (a newer server may sync tables this workstation does not know yet).
_TABLES: dict[str, Any] = {
    "departments": QT_TRANSLATE_NOOP("Labels", "Department"),
    "wards": QT_TRANSLATE_NOOP("Labels", "Ward"),
    "staff_users": QT_TRANSLATE_NOOP("Labels", "Staff account"),
    "patients": QT_TRANSLATE_NOOP("Labels", "Patient"),
    "patient_contacts": QT_TRANSLATE_NOOP("Labels", "Patient phone number"),
    "encounters": QT_TRANSLATE_NOOP("Labels", "Visit"),
    "encounter_diagnoses": QT_TRANSLATE_NOOP("Labels", "Diagnosis"),
    "followup_tasks": QT_TRANSLATE_NOOP("Labels", "Follow-up task"),
    "calls": QT_TRANSLATE_NOOP("Labels", "Call"),
    "followup_attempts": QT_TRANSLATE_NOOP("Labels", "Follow-up attempt"),
    "followup_records": QT_TRANSLATE_NOOP("Labels", "Follow-up record"),
    "audit_events": QT_TRANSLATE_NOOP("Labels", "Audit log entry"),
    "feedback_items": QT_TRANSLATE_NOOP("Labels", "Praise, complaint or suggestion"),
    "followup_alerts": QT_TRANSLATE_NOOP("Labels", "Follow-up alert"),
    "tickets": QT_TRANSLATE_NOOP("Labels", "Ticket"),
    "ticket_events": QT_TRANSLATE_NOOP("Labels", "Ticket history"),
    "ticket_routing_rules": QT_TRANSLATE_NOOP("Labels", "Ticket routing rule"),
    "ticket_deadlines": QT_TRANSLATE_NOOP("Labels", "Ticket deadline"),
    "calendar_days": QT_TRANSLATE_NOOP("Labels", "Working calendar day"),
    "dispute_cases": QT_TRANSLATE_NOOP("Labels", "Dispute case record"),
    "kb_articles": QT_TRANSLATE_NOOP("Labels", "Knowledge article"),
    "kb_article_versions": QT_TRANSLATE_NOOP("Labels", "Knowledge article version"),
    "sms_replies": QT_TRANSLATE_NOOP("Labels", "SMS reply"),
    "sms_do_not_contact": QT_TRANSLATE_NOOP("Labels", "Do-not-contact number"),
}


def table_label(name: str) -> str:
    source = _TABLES.get(name)
    return QCoreApplication.translate(_CONTEXT, str(source)) if source else name


def label(value: Enum) -> str:
    """The enum's name in the interface language; unknown values show as stored."""
    source = _LABELS_OF.get(type(value), _LABELS).get(value)
    if source is None:
        return str(value.value)
    return QCoreApplication.translate(_CONTEXT, str(source))


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def format_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def format_datetime(value: datetime | None) -> str:
    """In the workstation's own time zone, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""
