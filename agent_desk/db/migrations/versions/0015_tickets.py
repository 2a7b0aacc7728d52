"""tickets: feedback routed to departments with deadlines, escalation and dispute records

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:30:00.000000

tickets and ticket_events (the history), ticket_routing_rules (keyword → department),
ticket_deadlines (per kind), calendar_days (holidays and 调休 working days beyond the
built-in years) and dispute_cases. All of them sync, so on PostgreSQL each gets the feed
triggers of 0005.

Every feedback item already stored becomes a ticket here, with an id made from the item's
(so that every database converts its own items into the same rows, and the conversion is
not fed to the workstations, which make theirs themselves): dispatched when the item named
a department, new otherwise, closed when the item was. Their deadlines are counted in
calendar days from the item (7, and 2 more for the office): the working calendar is code
that may change, and a migration is a snapshot.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# agent_desk.db.natural_keys' namespace, frozen here.
_NAMESPACE = uuid.UUID("5f0c2a4e-8d1b-4c7e-9a36-2b7d1e0f4c91")
_VERSIONED = (
    "tickets",
    "ticket_routing_rules",
    "ticket_deadlines",
    "calendar_days",
    "dispute_cases",
)
_FACTS = ("ticket_events",)
_KIND = {"praise": "praise", "complaint": "complaint", "suggestion": "suggestion"}


def _natural_id(table: str, *key: object) -> uuid.UUID:
    name = json.dumps([table, *(str(part) for part in key)], ensure_ascii=False)
    return uuid.uuid5(_NAMESPACE, name)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=32)


_TICKET_KIND = ("praise", "criticism", "suggestion", "complaint", "dispute", "red_flag")


def _versioned() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
    ]


def _fk(column: str, table: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _create_tables() -> None:
    op.create_table(
        "tickets",
        sa.Column("kind", _enum("ticketkind", *_TICKET_KIND), nullable=False),
        sa.Column(
            "state",
            _enum(
                "ticketstate",
                "new",
                "dispatched",
                "replied",
                "called_back",
                "closed",
                "escalated",
            ),
            nullable=False,
        ),
        sa.Column(
            "severity", _enum("ticketseverity", "normal", "high", "critical"), nullable=False
        ),
        sa.Column(
            "source", _enum("ticketsource", "form", "red_flag", "call", "migrated"), nullable=False
        ),
        sa.Column("patient_id", sa.Uuid(), nullable=True),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("feedback_id", sa.Uuid(), nullable=True),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column(
            "routed_by",
            _enum("routedby", "form", "encounter", "rule", "supervisor"),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("office_due_at", sa.DateTime(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_to_id", sa.Uuid(), nullable=True),
        sa.Column("assignees", sa.JSON(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_by", sa.String(length=64), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column(
            "callback_satisfaction",
            _enum("callbacksatisfaction", "satisfied", "partly", "dissatisfied"),
            nullable=True,
        ),
        sa.Column("callback_note", sa.Text(), nullable=True),
        sa.Column("called_back_by", sa.String(length=64), nullable=True),
        sa.Column("called_back_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        *_versioned(),
        _fk("call_id", "tickets", "calls"),
        _fk("department_id", "tickets", "departments"),
        _fk("escalated_to_id", "tickets", "departments"),
        _fk("feedback_id", "tickets", "feedback_items"),
        _fk("patient_id", "tickets", "patients"),
        _fk("record_id", "tickets", "followup_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    op.create_index("ix_tickets_list", "tickets", ["opened_at", "id"])
    op.create_index("ix_tickets_department_list", "tickets", ["department_id", "opened_at", "id"])
    op.create_index("ix_tickets_state_due", "tickets", ["state", "due_at"])
    op.create_index("ix_tickets_due", "tickets", ["due_at", "id"])
    op.create_index("uq_tickets_feedback", "tickets", ["feedback_id"], unique=True)
    op.create_index(op.f("ix_tickets_patient_id"), "tickets", ["patient_id"])
    op.create_table(
        "ticket_events",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "ticketeventkind",
                "created",
                "routed",
                "rerouted",
                "replied",
                "called_back",
                "closed",
                "escalated",
                "escalated_office",
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("department_id", "ticket_events", "departments"),
        _fk("ticket_id", "ticket_events", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index("ix_ticket_events_ticket_at", "ticket_events", ["ticket_id", "at"])
    op.create_table(
        "ticket_routing_rules",
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_versioned(),
        _fk("department_id", "ticket_routing_rules", "departments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_routing_rules")),
        sa.UniqueConstraint("keyword", name=op.f("uq_ticket_routing_rules_keyword")),
    )
    op.create_table(
        "ticket_deadlines",
        sa.Column("kind", _enum("ticketkind", *_TICKET_KIND), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("office_days", sa.Integer(), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_deadlines")),
        sa.UniqueConstraint("kind", name=op.f("uq_ticket_deadlines_kind")),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_days")),
        sa.UniqueConstraint("day", name=op.f("uq_calendar_days_day")),
    )
    op.create_table(
        "dispute_cases",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("people_involved", sa.Text(), nullable=False),
        sa.Column("steps_taken", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("compensation", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        *_versioned(),
        _fk("ticket_id", "dispute_cases", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_cases")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_dispute_cases_ticket_id")),
    )


def _convert_feedback() -> None:
    bind = op.get_bind()
    items = sa.table(
        "feedback_items",
        *(sa.column(name, sa.Uuid()) for name in ("id", "record_id", "patient_id")),
        sa.column("department_id", sa.Uuid()),
        *(sa.column(name, sa.String()) for name in ("kind", "text", "status")),
        sa.column("created_at", sa.DateTime()),
    )
    tickets = sa.table("tickets", *(sa.column(name, kind) for name, kind in _TICKET_COLUMNS))
    events = sa.table("ticket_events", *(sa.column(name, kind) for name, kind in _EVENT_COLUMNS))
    for item in bind.execute(sa.select(items)).mappings().all():
        ticket_id = _natural_id("tickets", "feedback", item["id"])
        department_id = item["department_id"]
        status, created_at = item["status"], item["created_at"]
        state = "closed" if status == "closed" else "dispatched" if department_id else "new"
        bind.execute(
            tickets.insert().values(
                id=ticket_id,
                version=1,
                created_at=created_at,
                updated_at=created_at,
                kind=_KIND.get(item["kind"], "criticism"),
                state=state,
                severity="normal",
                source="migrated",
                patient_id=item["patient_id"],
                record_id=item["record_id"],
                feedback_id=item["id"],
                department_id=department_id,
                routed_by="form" if department_id else None,
                text=item["text"],
                opened_at=created_at,
                opened_by="migration",
                due_at=created_at + timedelta(days=7),
                office_due_at=created_at + timedelta(days=9),
                escalation_level=0,
                assignees=[],
                closed_at=created_at if state == "closed" else None,
            )
        )
        bind.execute(
            events.insert().values(
                id=_natural_id("ticket_events", ticket_id, "created"),
                ticket_id=ticket_id,
                at=created_at,
                actor="migration",
                kind="created",
                department_id=department_id,
                detail={"feedback_id": str(item["id"])},
            )
        )


_S: Any = sa.String()
_U: Any = sa.Uuid()
_D: Any = sa.DateTime()
_I: Any = sa.Integer()
_TEXT: Any = sa.Text()
_JSON: Any = sa.JSON()
_TICKET_COLUMNS = (
    *((name, _U) for name in ("id", "patient_id", "record_id", "feedback_id", "department_id")),
    *((name, _D) for name in ("created_at", "updated_at", "opened_at", "due_at", "closed_at")),
    ("office_due_at", _D),
    ("version", _I),
    ("escalation_level", _I),
    *((name, _S) for name in ("kind", "state", "severity", "source", "routed_by", "opened_by")),
    ("text", _TEXT),
    ("assignees", _JSON),
)
_EVENT_COLUMNS = (
    *((name, _U) for name in ("id", "ticket_id", "department_id")),
    ("at", _D),
    ("actor", _S),
    ("kind", _S),
    ("detail", _JSON),
)


def _log_function(table: str, versioned: bool) -> str:
    # As 0005 made them: statement-level triggers writing the central change feed.
    old_version = "o.version" if versioned else "NULL"
    new_version = "n.version" if versioned else "NULL"
    return f"""
CREATE FUNCTION sync_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', o.id, 'delete', {old_version},
               NULL, now() AT TIME ZONE 'UTC'
        FROM old_rows o;
    ELSE
        INSERT INTO sync_change_log (txid, table_name, row_id, op, version, payload, changed_at)
        SELECT pg_current_xact_id()::text::bigint, '{table}', n.id, lower(TG_OP),
               {new_version}, to_json(n), now() AT TIME ZONE 'UTC'
        FROM new_rows n;
    END IF;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        PERFORM pg_notify('agent_desk_sync', '');
    END IF;
    RETURN NULL;
END $$"""


def _create_feed() -> None:
    for table in (*_VERSIONED, *_FACTS):
        op.execute(_log_function(table, table in _VERSIONED))
        for event, transition in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER sync_log_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION sync_log_{table}()"
            )


def upgrade() -> None:
    _create_tables()
    _convert_feedback()  # before the feed triggers: each database converts its own items
    if op.get_bind().dialect.name == "postgresql":
        _create_feed()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*_VERSIONED, *_FACTS):
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER sync_log_{event} ON {table}")
            op.execute(f"DROP FUNCTION sync_log_{table}()")
    op.drop_table("dispute_cases")
    op.drop_table("calendar_days")
    op.drop_table("ticket_deadlines")
    op.drop_table("ticket_routing_rules")
    op.drop_index("ix_ticket_events_ticket_at", table_name="ticket_events")
    op.drop_table("ticket_events")
    for index in (
        "ix_tickets_patient_id",
        "uq_tickets_feedback",
        "ix_tickets_due",
        "ix_tickets_state_due",
        "ix_tickets_department_list",
        "ix_tickets_list",
    ):
        op.drop_index(index, table_name="tickets")
    op.drop_table("tickets")
