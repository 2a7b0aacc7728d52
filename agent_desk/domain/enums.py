"""Every state the workstation stores is one of these enums, never a free string."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    NURSE = "nurse"
    DOCTOR = "doctor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    INTEGRATION = "integration"  # the HIS import account: imports, nothing else


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "U"


class ContactRelation(StrEnum):
    SELF = "self"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class EncounterKind(StrEnum):
    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"


class DischargeDisposition(StrEnum):
    HOME = "home"
    TRANSFER = "transfer"
    AGAINST_ADVICE = "against_advice"
    DECEASED = "deceased"
    OTHER = "other"


class TaskStatus(StrEnum):
    PENDING = "pending"  # open; who is calling it right now is a lease, not a status
    DONE = "done"
    LOST = "lost"  # 失访: retries ran out
    CANCELLED = "cancelled"


class Channel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WECHAT = "wechat"
    QQ = "qq"
    HOME_VISIT = "home_visit"
    WEB = "web"
    APP = "app"


class AttemptOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    SWITCHED_OFF = "switched_off"
    WRONG_NUMBER = "wrong_number"
    REFUSED = "refused"
    DECEASED = "deceased"
    READMITTED = "readmitted"
    NUMBER_INVALID = "number_invalid"


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class RecordingStatus(StrEnum):
    """Whether a call was recorded, and if not, why: the call log keeps it for audit."""

    RECORDED = "recorded"
    PATIENT_REFUSED = "patient_refused"  # 不同意录音
    # A number shared by several patients, one of whom refuses, and nobody who consents
    # was chosen while the call lasted.
    CONSENT_UNCONFIRMED = "consent_unconfirmed"
    SWITCHED_OFF = "switched_off"  # the call.record setting is off
    LINE_CANNOT_RECORD = "line_cannot_record"  # a caller-ID modem: the audio is on the desk phone
    NOT_CONNECTED = "not_connected"  # never answered: nothing to record
    FAILED = "failed"  # the recorder could not be opened (disk, permissions)
    ENDED_DURING_ANNOUNCEMENT = "ended_during_announcement"  # hung up before it finished
    EXPIRED = "expired"  # recorded, then deleted everywhere by recordings.keep_days


class RecordingLocation(StrEnum):
    """Where this workstation stands with one call's recording (the recordings table)."""

    LOCAL = "local"  # made here, on this disk only: the uploader has yet to send it
    UPLOADED = "uploaded"  # made here and also on the central server
    FETCHED = "fetched"  # made elsewhere, copied down from the central server on first play
    MISSING = "missing"  # the file is gone from this disk
    CORRUPT = "corrupt"  # the file is here but fails its checksum or its decryption


class RecordingCodec(StrEnum):
    FLAC = "flac"  # lossless: the recording is kept as the recorder heard it


class WorklistView(StrEnum):
    """Which slice of tasks the worklist shows."""

    DUE = "due"  # due today or inside its window, not yet done
    OVERDUE = "overdue"
    DONE = "done"
    ALL_OPEN = "all_open"
    TOMORROW = "tomorrow"  # the day-before reminder: due tomorrow, not yet done


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"  # a wrong password; the detail counts failures in a row
    LOGIN_LOCKED = "login_locked"  # refused unchecked: too many failures locked the account
    LOGOUT = "logout"
    VIEW_PATIENT = "view_patient"
    SEARCH = "search"
    EXPORT = "export"
    USER_ADDED = "user_added"
    PASSWORD_CHANGED = "password_changed"
    USER_CHANGED = "user_changed"  # roles, departments, or the account turned off or on
    CONFIG_CHANGED = "config_changed"
    PLAY_RECORDING = "play_recording"
    PATIENT_CREATED = "patient_created"
    CONTACT_ADDED = "contact_added"
    IMPORT = "import"  # a discharge file or HL7 batch from the HIS
    UNMASK = "unmask"  # an identifier shown in full on screen; the detail names which
    BACKUP = "backup"  # a copy of the whole database written; the detail names the file
    RESTORE = "restore"  # the database replaced by a backup; the detail names both files
    CHAIN_STARTED = "chain_started"  # the first event of a workstation's hash chain
    REVIEW_DECIDED = "review_decided"  # a sync conflict or refusal resolved by a person
    RECORDING_EXPORTED = "recording_exported"
    ALERT_ESCALATED = "alert_escalated"  # 上报主管 from an open form
    ALERT_ACKNOWLEDGED = "alert_acknowledged"  # the detail holds the note
    RECORDING_DELETED = "recording_deleted"  # removed by retention (recordings.keep_days)
    TICKET_REROUTED = "ticket_rerouted"  # a supervisor sent a ticket to another department
    VIEW_DISPUTE_CASE = "view_dispute_case"  # a dispute's case record opened (every view)
    DISPUTE_CASE_CHANGED = "dispute_case_changed"
    TICKET_RULES_CHANGED = "ticket_rules_changed"  # routing keywords or deadlines edited
    CALENDAR_IMPORTED = "calendar_imported"  # a year of holidays and 调休 working days
    KNOWLEDGE_SAVED = "knowledge_saved"  # a knowledge-base article's new version
    KNOWLEDGE_IMPORTED = "knowledge_imported"  # `kb import`: the detail counts the files
    APPOINTMENT_BOOKED = "appointment_booked"  # 复诊预约: the detail names the slot
    APPOINTMENT_CANCELLED = "appointment_cancelled"  # the detail holds the reason
    APPOINTMENT_RESCHEDULED = "appointment_rescheduled"  # the detail names both slots
    APPOINTMENT_NO_SHOW = "appointment_no_show"  # 爽约, marked afterwards
    SCHEDULE_CHANGED = "schedule_changed"  # 出诊排班 imported or edited
    SMS_SENT = "sms_sent"  # one message typed by a person (`sms send`); the detail holds it
    SMS_CAMPAIGN = "sms_campaign"  # a campaign confirmed: template, filter and count


class AuditSubject(StrEnum):
    """What an audit event is about, as the audit log names it for a supervisor."""

    PATIENT = "patient"
    CALL = "call"
    RECORD = "record"  # a completed follow-up form
    TASK = "task"
    ALERT = "alert"
    FEEDBACK = "feedback"  # praise, a complaint or a suggestion
    STAFF = "staff"
    IMPORT = "import"  # a discharge file or HL7 batch
    BACKUP = "backup"
    SETTING = "setting"
    TICKET = "ticket"  # a feedback ticket (工单) and its dispute case record
    APPOINTMENT = "appointment"  # a revisit booking (复诊预约)
    SCHEDULE = "schedule"  # a department's or doctor's clinic hours
    SMS = "sms"  # a text message or a campaign of them


class UnmaskReason(StrEnum):
    """Why someone asked to see an identifier in full; stored in the unmask audit event."""

    VERIFY_IDENTITY = "verify_identity"  # 回拨核实身份: confirming who is on a callback
    PATIENT_REQUEST = "patient_request"  # 患者本人要求
    REFERRAL_OR_APPOINTMENT = "referral_or_appointment"  # 转介/预约需要
    OTHER = "other"  # 其他: the free text says what


class ImportKind(StrEnum):
    """Where a batch of discharge data came from."""

    CSV = "csv"
    XLSX = "xlsx"
    HL7_FILE = "hl7_file"
    MLLP = "mllp"


class LostReason(StrEnum):
    """Why a task ended as lost to follow-up (失访); supervisors group by these."""

    UNREACHABLE = "unreachable"  # 多次未接通: the retry policy ran out
    NUMBER_INVALID = "number_invalid"  # 空号, and no other number left to try
    WRONG_NUMBER = "wrong_number"  # 号码错误, and no other number left to try
    REFUSED = "refused"  # 拒绝回访
    DECEASED = "deceased"  # 患者已故


class CancelReason(StrEnum):
    """Why the system (never a person) cancelled a task; completed work is never cancelled."""

    DISCHARGE_CANCELLED = "discharge_cancelled"  # HL7 A13: the patient was not discharged
    PLAN_CHANGED = "plan_changed"  # a re-import no longer asks for this step
    PATIENT_DECEASED = "patient_deceased"  # another task learnt the patient has died


class FeedbackKind(StrEnum):
    PRAISE = "praise"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"


class TicketKind(StrEnum):
    """What a ticket (工单) is about; each kind has its own deadline."""

    PRAISE = "praise"  # 表扬: passed on to the department
    CRITICISM = "criticism"  # 批评
    SUGGESTION = "suggestion"  # 建议
    COMPLAINT = (
        "complaint"  # 投诉: the health authority's rules ask for an answer in 5 working days
    )
    DISPUTE = "dispute"  # 纠纷: a complaint with a case record (restricted)
    RED_FLAG = "red_flag"  # 随访异常: an answer or a recovery score that needs the department


class TicketState(StrEnum):
    """新建 → 已派发 → 已回复 → 已回访 → 已关闭; 已升级 when the deadline passed unanswered."""

    NEW = "new"  # no department found yet: a supervisor routes it
    DISPATCHED = "dispatched"
    REPLIED = "replied"  # the department answered
    CALLED_BACK = "called_back"  # the patient was called back about the answer
    CLOSED = "closed"
    ESCALATED = "escalated"


class TicketSource(StrEnum):
    """Where a ticket came from."""

    FORM = "form"  # a feedback item of a follow-up form
    RED_FLAG = "red_flag"  # an alert or a low recovery score on a form
    CALL = "call"  # 登记投诉 on an inbound call
    MIGRATED = "migrated"  # a feedback item stored before tickets existed


class TicketSeverity(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class RoutedBy(StrEnum):
    """How a ticket found its department (shown in the history; trains the suggestion)."""

    FORM = "form"  # the department named in the form or the call
    ENCOUNTER = "encounter"  # the patient's visit (or the follow-up task)
    RULE = "rule"  # a supervisor's keyword rule
    SUPERVISOR = "supervisor"  # rerouted by hand


class TicketEventKind(StrEnum):
    CREATED = "created"
    ROUTED = "routed"
    REROUTED = "rerouted"
    REPLIED = "replied"
    CALLED_BACK = "called_back"
    CLOSED = "closed"
    ESCALATED = "escalated"  # to the department head and the supervisors
    ESCALATED_OFFICE = "escalated_office"  # after the second deadline: 医务处/护理部


class CallbackSatisfaction(StrEnum):
    """The patient's word, on the callback, on how the ticket was handled."""

    SATISFIED = "satisfied"  # 满意
    PARTLY = "partly"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class SatisfactionDimension(StrEnum):
    """What a satisfaction question rates (a template's satisfactionDimension marker)."""

    DOCTORS = "doctors"
    NURSES = "nurses"
    ENVIRONMENT = "environment"
    COST = "cost"
    OVERALL = "overall"


class KnowledgeKind(StrEnum):
    """What a knowledge-base article is (知识库)."""

    FAQ = "faq"  # 常见问题解答: the answer to a question patients often ask
    SCRIPT = "script"  # 规范用语: what to say, word for word
    EDUCATION = "education"  # 健康宣教: guidance for a disease, read to the patient


class TodoKind(StrEnum):
    """What an item of a person's to-do list (待办) is."""

    ALERT = "alert"  # a supervisor alert to acknowledge
    TASK = "task"  # a follow-up task due today
    CALLBACK = "callback"  # a callback booked for a time today (the retry policy's slot)
    TICKET = "ticket"  # a feedback ticket assigned to the person or overdue
    SMS_REPLY = "sms_reply"  # a patient's text message that only a person can answer


class AlertSeverity(StrEnum):
    WARNING = "warning"  # look at it today
    CRITICAL = "critical"  # act now, whatever else the form says


class FeedbackStatus(StrEnum):
    """Where a praise, complaint or suggestion stands; the ticket workflow moves it on."""

    OPEN = "open"
    ROUTED = "routed"
    CLOSED = "closed"


class SyncOp(StrEnum):
    """What a captured change did to its row (the central change log uses the same words)."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class OutboxStatus(StrEnum):
    """Where a local change stands on its way to the central server."""

    PENDING = "pending"  # not yet acknowledged by the server
    SENT = "sent"  # applied centrally (or found applied there, after a resend)
    REJECTED = "rejected"  # refused for good: a stale version or a broken constraint
    BLOCKED = "blocked"  # queued after a rejected change to the same row; never sent


class MutationOutcome(StrEnum):
    """The server's verdict on one uploaded change, kept so that a resend gets the same one."""

    APPLIED = "applied"
    CONFLICT = "conflict"  # the row's version moved on: someone else changed it first
    REJECTED = "rejected"  # a constraint refused it (duplicate key, missing parent, …)
    BLOCKED = "blocked"  # an earlier change to the same row in the same upload failed


class SyncIssueKind(StrEnum):
    """Why a change needs a person: listed for review, never resolved silently."""

    CONFLICT = "conflict"
    REJECTED = "rejected"
    PULL_FAILED = "pull_failed"  # a server row the local database could not take


class ConflictResolution(StrEnum):
    KEEP_SERVER = "keep_server"  # the local change is dropped (it stays in the record)
    REAPPLY_LOCAL = "reapply_local"  # the local values are applied again on the server's row


class SyncProblem(StrEnum):
    """Why the last sync failed, so the window can say it in the user's language."""

    UNREACHABLE = "unreachable"  # transient: the network or the server is away
    REFUSED = "refused"  # wrong password or user, no such database, TLS refused
    CONFIG = "config"  # the central URL or TLS settings are wrong
    SCHEMA = "schema"  # the central schema is newer or older than this build
    DISK_FULL = "disk_full"  # the local database cannot grow
    FIRST_SYNC = "first_sync"  # local rows that never went through the outbox
    OTHER = "other"


class SyncConnection(StrEnum):
    """The workstation's link to the central server, as the status bar shows it."""

    DISABLED = "disabled"  # no central server configured
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"


class AppointmentStatus(StrEnum):
    """Where a revisit booking (复诊预约) stands; only BOOKED and CONFIRMED hold a place."""

    BOOKED = "booked"
    CONFIRMED = "confirmed"  # the patient answered 确认 to the reminder
    RESCHEDULED = "rescheduled"  # moved to another slot: the new booking names this one
    CANCELLED = "cancelled"  # with a reason
    NO_SHOW = "no_show"  # 爽约: marked after the slot passed


class SlotState(StrEnum):
    """How full a published slot is, as the 预约 screen colours it."""

    FREE = "free"  # nobody booked yet
    BOOKED = "booked"  # some places taken, some left
    FULL = "full"


class SmsKind(StrEnum):
    """Why a text message is sent; the contact rules treat some kinds differently."""

    REMINDER = "reminder"  # the day before a follow-up call or a revisit (appointment_id)
    CARE = "care"  # after discharge, per plan: guidance for the disease
    GREETING = "greeting"  # on a chosen date (a festival, a birthday)
    CAMPAIGN = "campaign"  # 群发: a template to a filtered group
    SATISFACTION = "satisfaction"  # asks "1 满意 2 一般 3 不满意" about one follow-up record
    DIRECT = "direct"  # typed by a person for one number
    CONFIRMATION = "confirmation"  # the answer to an unsubscribe: always sent, at once


class SmsState(StrEnum):
    """Where an outgoing message stands in the outbox."""

    QUEUED = "queued"  # waiting: for the modem, the end of quiet hours, or the cap's next day
    FORWARDED = "forwarded"  # handed to the central server's queue, which the gateway sends
    SENDING = "sending"  # claimed by the gateway, being handed to the modem
    SENT = "sent"  # every part accepted by the modem
    FAILED = "failed"  # the modem refused it; Gammu's reason is kept
    # The gateway stopped (crash, pulled modem) while sending: it may or may not have gone
    # out, so it is never sent again by itself; a person decides.
    UNCERTAIN = "uncertain"
    WITHDRAWN = "withdrawn"  # no longer wanted: the task was done or cancelled
    BLOCKED = "blocked"  # a contact rule forbids it: no consent, do-not-contact, opted out


class SmsDelivery(StrEnum):
    """What the network's delivery reports say about a sent message."""

    UNKNOWN = "unknown"  # no report yet
    DELIVERED = "delivered"
    FAILED = "failed"  # the network gave up on it


class SmsReplyKind(StrEnum):
    """What an incoming message was taken to mean."""

    OPT_OUT = "opt_out"  # TD, 退订, N: unsubscribed at once, and told so
    SATISFACTION = "satisfaction"  # 1, 2 or 3 to a satisfaction message
    REVISIT_CONFIRMED = "revisit_confirmed"  # 确认 to a revisit reminder: the booking confirmed
    REVISIT_RESCHEDULE = "revisit_reschedule"  # 改期 to a revisit reminder: a callback task
    NEEDS_AGENT = "needs_agent"  # anything else: a person reads it and acts
    UNKNOWN_SENDER = "unknown_sender"  # from a number no patient has


class ModemProblem(StrEnum):
    """Why the gateway cannot send now, as the window says it to a person."""

    NONE = "none"
    NO_MODEM = "no_modem"  # no port set, or no device on it
    PIN_NEEDED = "pin_needed"  # the SIM asks for its PIN, and the keyring has none or a wrong one
    NO_NETWORK = "no_network"  # not registered with the operator
    SIM_FULL = "sim_full"  # the SIM's message store is full
    OTHER = "other"  # anything else Gammu says; its text is kept
