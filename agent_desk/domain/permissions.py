"""Who may do what: the one table of roles and permissions, checked in the services.

The window hides what a role may not do, but the rule lives here and is enforced below the
UI, so that the window, the command line and the HL7 listener obey the same table. README's
roles table is written from ROLE_PERMISSIONS (a test keeps the two in step).

Department scope is the other half: nurses and doctors see their departments' patients,
tasks and records; a supervisor sees the departments they supervise, or the whole hospital
when they have none; agents find any patient for an inbound call, with identifiers masked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from agent_desk.domain.enums import Role
from agent_desk.errors import UserError


class Permission(StrEnum):
    FIND_PATIENT = "find_patient"  # search and the screen-pop, identifiers masked
    VIEW_RECORDS = "view_records"  # cards, tasks and follow-up records in scope
    TAKE_CALLS = "take_calls"
    FILL_FORMS = "fill_forms"
    UNMASK = "unmask"  # show one identifier in full, with a reason, audited
    EXPORT_DATA = "export_data"  # masked exports of the records in scope
    EXPORT_UNMASKED = "export_unmasked"
    PLAY_RECORDINGS = "play_recordings"
    EXPORT_RECORDINGS = "export_recordings"
    VIEW_STATISTICS = "view_statistics"
    HANDLE_ALERTS = "handle_alerts"  # the alerts addressed to one's role, in scope
    REVIEW_SYNC = "review_sync"  # decide conflicts sent to review
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_SETTINGS = "manage_settings"
    IMPORT_PATIENTS = "import_patients"  # CSV/XLSX files and the HL7 listener
    BACKUP = "backup"
    READ_KNOWLEDGE = "read_knowledge"  # search and read the knowledge base (F1)
    EDIT_KNOWLEDGE = "edit_knowledge"  # write knowledge-base articles; `kb import`
    SYNC = "sync"  # `agent-desk sync`: move this workstation's changes to and from the server
    VIEW_TICKETS = "view_tickets"  # feedback tickets (工单) of the departments in scope
    OPEN_TICKETS = "open_tickets"  # 登记投诉: a ticket from a call
    REPLY_TICKETS = "reply_tickets"  # the department's answer
    CALL_BACK_TICKETS = "call_back_tickets"  # the callback to the patient, and closing
    MANAGE_TICKETS = "manage_tickets"  # reroute, rules, deadlines, calendar, escalation, disputes
    BOOK_APPOINTMENTS = "book_appointments"  # book, move, cancel revisits; callbacks at a time
    EDIT_SCHEDULES = "edit_schedules"  # clinic hours, slots and closed days (出诊排班)
    SEND_SMS = "send_sms"  # one text message to one patient or number, replies dealt with
    SEND_CAMPAIGNS = "send_campaigns"  # 群发: a template to a filtered group, audited
    RUN_SMS_GATEWAY = "run_sms_gateway"  # the modem loop: reminders, care messages, replies


_P = Permission

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(
        {
            _P.FIND_PATIENT,
            _P.VIEW_RECORDS,
            _P.TAKE_CALLS,
            _P.FILL_FORMS,
            _P.READ_KNOWLEDGE,
            _P.BOOK_APPOINTMENTS,
            _P.SYNC,
            _P.VIEW_TICKETS,
            _P.OPEN_TICKETS,
            _P.CALL_BACK_TICKETS,
            _P.SEND_SMS,
        }
    ),
    Role.NURSE: frozenset(
        {
            _P.FIND_PATIENT,
            _P.VIEW_RECORDS,
            _P.TAKE_CALLS,
            _P.FILL_FORMS,
            _P.UNMASK,
            _P.EXPORT_DATA,
            _P.READ_KNOWLEDGE,
            _P.BOOK_APPOINTMENTS,
            _P.SYNC,
            _P.VIEW_TICKETS,
            _P.OPEN_TICKETS,
            _P.REPLY_TICKETS,
            _P.SEND_SMS,
        }
    ),
    Role.DOCTOR: frozenset(
        {
            _P.FIND_PATIENT,
            _P.VIEW_RECORDS,
            _P.TAKE_CALLS,
            _P.FILL_FORMS,
            _P.UNMASK,
            _P.EXPORT_DATA,
            _P.HANDLE_ALERTS,
            _P.READ_KNOWLEDGE,
            _P.SYNC,
            _P.VIEW_TICKETS,
            _P.OPEN_TICKETS,
            _P.REPLY_TICKETS,
            _P.SEND_SMS,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            _P.FIND_PATIENT,
            _P.VIEW_RECORDS,
            _P.TAKE_CALLS,
            _P.FILL_FORMS,
            _P.UNMASK,
            _P.EXPORT_DATA,
            _P.EXPORT_UNMASKED,
            _P.PLAY_RECORDINGS,
            _P.EXPORT_RECORDINGS,
            _P.VIEW_STATISTICS,
            _P.HANDLE_ALERTS,
            _P.REVIEW_SYNC,
            _P.VIEW_AUDIT_LOG,
            _P.READ_KNOWLEDGE,
            _P.EDIT_KNOWLEDGE,
            _P.BOOK_APPOINTMENTS,
            _P.EDIT_SCHEDULES,
            _P.SYNC,
            _P.VIEW_TICKETS,
            _P.OPEN_TICKETS,
            _P.REPLY_TICKETS,
            _P.CALL_BACK_TICKETS,
            _P.MANAGE_TICKETS,
            _P.SEND_SMS,
            _P.SEND_CAMPAIGNS,
            _P.RUN_SMS_GATEWAY,
        }
    ),
    Role.ADMIN: frozenset(
        {
            _P.VIEW_AUDIT_LOG,
            _P.MANAGE_ACCOUNTS,
            _P.MANAGE_SETTINGS,
            _P.IMPORT_PATIENTS,
            _P.BACKUP,
            _P.REVIEW_SYNC,
            _P.SYNC,
            _P.RUN_SMS_GATEWAY,
        }
    ),
    Role.INTEGRATION: frozenset({_P.IMPORT_PATIENTS}),
}

# Roles whose records view is the whole hospital whatever their departments: the follow-up
# centre's agents call back every department's patients (identifiers masked).
HOSPITAL_WIDE_ROLES = frozenset({Role.AGENT})


class PermissionDenied(UserError):
    """The signed-in user's roles do not allow this; str() names the user and the action."""

    def __init__(self, username: str, permission: Permission) -> None:
        super().__init__(f"{username} is not allowed to {permission.value.replace('_', ' ')}")
        self.username = username
        self.permission = permission


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the services see them: roles and department scope."""

    username: str
    roles: frozenset[Role]
    department_ids: frozenset[uuid.UUID] = frozenset()

    @classmethod
    def of(
        cls, username: str, roles: Iterable[Role], departments: Iterable[uuid.UUID] = ()
    ) -> Principal:
        return cls(username, frozenset(roles), frozenset(departments))

    def may(self, permission: Permission) -> bool:
        return any(permission in ROLE_PERMISSIONS[role] for role in self.roles)

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise PermissionDenied(self.username, permission)

    @property
    def hospital_wide(self) -> bool:
        """True when the records in scope are every department's (None filter)."""
        if self.roles & HOSPITAL_WIDE_ROLES:
            return True
        return not self.department_ids and bool(self.roles & {Role.SUPERVISOR, Role.ADMIN})

    def department_filter(self) -> frozenset[uuid.UUID] | None:
        """The departments a query must keep to, or None for the whole hospital. An empty
        set (a nurse with no department yet) matches nothing."""
        return None if self.hospital_wide else self.department_ids

    def sees_department(self, department_id: uuid.UUID | None) -> bool:
        scope = self.department_filter()
        return scope is None or department_id in scope
