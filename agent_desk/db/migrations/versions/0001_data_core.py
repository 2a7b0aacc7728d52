"""data core

Revision ID: 0001
Revises:
Create Date: 2026-11-23 17:26:59.883234
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "login",
                "login_failed",
                "logout",
                "view_patient",
                "search",
                "export",
                "user_added",
                "password_changed",
                "config_changed",
                "play_recording",
                name="auditaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("entity_type", sa.String(length=64), nullable=True),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "departments",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("code", name=op.f("uq_departments_code")),
    )
    op.create_table(
        "patients",
        sa.Column("record_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "sex", sa.Enum("M", "F", "U", name="sex", native_enum=False, length=32), nullable=False
        ),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("id_number", sa.String(length=32), nullable=True),
        sa.Column("occupation", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("insurance_no", sa.String(length=64), nullable=True),
        sa.Column("allergies", sa.Text(), nullable=True),
        sa.Column("family_history", sa.Text(), nullable=True),
        sa.Column("cardiac_history", sa.Text(), nullable=True),
        sa.Column("chronic_conditions", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("consent_call", sa.Boolean(), nullable=False),
        sa.Column("consent_sms", sa.Boolean(), nullable=False),
        sa.Column("consent_recording", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("record_no", name=op.f("uq_patients_record_no")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index("ix_patients_name_record", ["name", "record_no"], unique=False)

    op.create_table(
        "patient_contacts",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column(
            "relation",
            sa.Enum(
                "self",
                "spouse",
                "child",
                "parent",
                "sibling",
                "other",
                name="contactrelation",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("contact_name", sa.String(length=64), nullable=True),
        sa.Column("raw_number", sa.String(length=64), nullable=False),
        sa.Column("e164", sa.String(length=20), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_patient_contacts_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_contacts")),
    )
    with op.batch_alter_table("patient_contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patient_contacts_lookup", ["e164", "patient_id", "relation"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patient_contacts_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "staff_users",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "agent",
                "nurse",
                "doctor",
                "supervisor",
                "admin",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_staff_users_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_table(
        "wards",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_wards_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wards")),
        sa.UniqueConstraint("code", name=op.f("uq_wards_code")),
    )
    with op.batch_alter_table("wards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wards_department_id"), ["department_id"], unique=False)

    op.create_table(
        "encounters",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("outpatient", "inpatient", name="encounterkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("attending_doctor", sa.String(length=64), nullable=True),
        sa.Column("admitted_at", sa.DateTime(), nullable=True),
        sa.Column("discharged_at", sa.DateTime(), nullable=True),
        sa.Column("discharge_orders", sa.Text(), nullable=True),
        sa.Column(
            "disposition",
            sa.Enum(
                "home",
                "transfer",
                "against_advice",
                "deceased",
                "other",
                name="dischargedisposition",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_encounters_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_encounters_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_encounters_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_encounters_discharged_at"), ["discharged_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_encounters_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "encounter_diagnoses",
        sa.Column("encounter_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("icd10", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_encounter_diagnoses_encounter_id_encounters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounter_diagnoses")),
    )
    with op.batch_alter_table("encounter_diagnoses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_encounter_diagnoses_encounter_id"), ["encounter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_encounter_diagnoses_icd10"), ["icd10"], unique=False)

    op.create_table(
        "followup_tasks",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("encounter_id", sa.Uuid(), nullable=True),
        sa.Column("plan_code", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "done",
                "lost",
                "cancelled",
                name="taskstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lost_reason", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["staff_users.id"],
            name=op.f("fk_followup_tasks_assignee_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_followup_tasks_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_followup_tasks_encounter_id_encounters"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_followup_tasks_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_tasks")),
    )
    with op.batch_alter_table("followup_tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_followup_tasks_dept_worklist",
            ["department_id", "status", "due_date", "priority", "id", "window_end"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_followup_tasks_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            "ix_followup_tasks_worklist",
            ["status", "due_date", "priority", "id", "window_end"],
            unique=False,
        )

    op.create_table(
        "calls",
        sa.Column(
            "direction",
            sa.Enum("inbound", "outbound", name="calldirection", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("local_number", sa.String(length=64), nullable=True),
        sa.Column("remote_number", sa.String(length=64), nullable=False),
        sa.Column("remote_e164", sa.String(length=20), nullable=True),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("recording_path", sa.String(length=512), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_calls_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_calls_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["followup_tasks.id"], name=op.f("fk_calls_task_id_followup_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_remote_e164"), ["remote_e164"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_started_at"), ["started_at"], unique=False)

    op.create_table(
        "followup_attempts",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "sms",
                "wechat",
                "qq",
                "home_visit",
                "web",
                "app",
                name="channel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "reached",
                "no_answer",
                "busy",
                "switched_off",
                "wrong_number",
                "refused",
                "deceased",
                "readmitted",
                "number_invalid",
                name="attemptoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_followup_attempts_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_followup_attempts_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_followup_attempts_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["followup_tasks.id"],
            name=op.f("fk_followup_attempts_task_id_followup_tasks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_attempts")),
    )
    with op.batch_alter_table("followup_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_followup_attempts_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_followup_attempts_task_id"), ["task_id"], unique=False)

    op.create_table(
        "followup_records",
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("attempt_id", sa.Uuid(), nullable=True),
        sa.Column("template_code", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("recovery_score", sa.Double(), nullable=True),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["followup_attempts.id"],
            name=op.f("fk_followup_records_attempt_id_followup_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_followup_records_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_followup_records_staff_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["followup_tasks.id"],
            name=op.f("fk_followup_records_task_id_followup_tasks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_records")),
    )
    with op.batch_alter_table("followup_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_followup_records_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_followup_records_task_id"), ["task_id"], unique=False)
    _forbid_audit_changes()


_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]

_POSTGRES_TRIGGER = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
    ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]


def _forbid_audit_changes() -> None:
    # The audit trail must survive a careless admin with a SQL console (MLPS level 3).
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGER if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def _allow_audit_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")


def downgrade() -> None:
    _allow_audit_changes()
    with op.batch_alter_table("followup_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_records_task_id"))
        batch_op.drop_index(batch_op.f("ix_followup_records_patient_id"))

    op.drop_table("followup_records")
    with op.batch_alter_table("followup_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_attempts_task_id"))
        batch_op.drop_index(batch_op.f("ix_followup_attempts_patient_id"))

    op.drop_table("followup_attempts")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_started_at"))
        batch_op.drop_index(batch_op.f("ix_calls_remote_e164"))
        batch_op.drop_index(batch_op.f("ix_calls_patient_id"))

    op.drop_table("calls")
    with op.batch_alter_table("followup_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_tasks_worklist")
        batch_op.drop_index(batch_op.f("ix_followup_tasks_patient_id"))
        batch_op.drop_index("ix_followup_tasks_dept_worklist")

    op.drop_table("followup_tasks")
    with op.batch_alter_table("encounter_diagnoses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounter_diagnoses_icd10"))
        batch_op.drop_index(batch_op.f("ix_encounter_diagnoses_encounter_id"))

    op.drop_table("encounter_diagnoses")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounters_patient_id"))
        batch_op.drop_index(batch_op.f("ix_encounters_discharged_at"))

    op.drop_table("encounters")
    with op.batch_alter_table("wards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wards_department_id"))

    op.drop_table("wards")
    op.drop_table("staff_users")
    with op.batch_alter_table("patient_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_contacts_patient_id"))
        batch_op.drop_index("ix_patient_contacts_lookup")

    op.drop_table("patient_contacts")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index("ix_patients_name_record")

    op.drop_table("patients")
    op.drop_table("departments")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
