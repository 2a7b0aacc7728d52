"""satisfaction scores beside each follow-up record; indexes for the month's statistics

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:00:00.000000

followup_records.satisfaction_<dimension>: the score (the answer's itemWeight, 5 very
satisfied … 1 very dissatisfied; NULL when not answered or "no opinion") the form gives
each satisfaction dimension, written at submit (FollowupService.submit), so that the
statistics read five numbers instead of parsing every record's answers JSON. Existing
records are filled here from their answers, with the questions the built-in templates had
when this migration was written (only general_discharge 1 rates satisfaction); a migration
is a snapshot and must not follow later template edits.

followup_task_facts (agent_desk/db/task_facts.py): per task, whether it was attempted,
whether contact was made, whether its records hold praise or a complaint, and its latest
record's satisfaction scores; kept by triggers on followup_attempts, followup_records and
feedback_items (the same statements on SQLite and PostgreSQL), filled here for every task
with an attempt or a record. Not synced: each database derives it from the facts it holds.

Indexes for the statistics (agent_desk/db/statistics.py):
- ix_followup_tasks_planned: the period filter, on the day a task is counted on
  (coalesce(planned_due_date, due_date), the same expression the queries use), with the
  status, department, reason lost, id, stay and patient: a month by department, and the
  effect comparison's tasks, are read from it alone;
- ix_followup_records_task_latest: a task's latest record found in the index;
- ix_followup_attempts_task_outcome: "attempted" and "reached" answered in the index;
- ix_feedback_items_record_kind: praise and criticism per record answered in the index;
- ix_followup_task_facts_day: the facts of a month's tasks side by side, read in the order
  of ix_followup_tasks_planned (found by day and task: no random look-ups);
- ix_feedback_items_kind_created: the complaints opened in a period.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("doctors", "nurses", "environment", "cost", "overall")
# general_discharge 1: the one built-in template with satisfaction questions at 0014.
_TEMPLATE = ("general_discharge", "1")
_LINK_IDS = {dimension: f"gd_sat_{dimension}" for dimension in DIMENSIONS}
_SCORES = {
    "very_satisfied": 5.0,
    "satisfied": 4.0,
    "neutral": 3.0,
    "dissatisfied": 2.0,
    "very_dissatisfied": 1.0,
}


def _backfill() -> None:
    records = sa.table(
        "followup_records",
        sa.column("template_code", sa.String()),
        sa.column("template_version", sa.String()),
        sa.column("answers", sa.JSON()),
        *(sa.column(f"satisfaction_{d}", sa.Double()) for d in DIMENSIONS),
    )
    values = {
        f"satisfaction_{d}": sa.case(
            _SCORES, value=records.c.answers[_LINK_IDS[d]].as_string(), else_=None
        )
        for d in DIMENSIONS
    }
    code, version = _TEMPLATE
    op.execute(
        records.update()
        .where(records.c.template_code == code, records.c.template_version == version)
        .values(values)
    )


# As the code had them at 0014 (plans.retry.CONTACT_MADE; FeedbackKind).
_CONTACT = "('reached', 'readmitted')"
_FACTS = "followup_task_facts"
_SATISFACTION = [f"satisfaction_{d}" for d in DIMENSIONS]
_FLAGS = ["task_id", "day", "attempted", "reached", "praised", "criticised"]
_ALL = ", ".join([*_FLAGS, "latest_record_at", "latest_record_id", *_SATISFACTION])
_DAY = "coalesce(planned_due_date, due_date)"  # statistics_sql.planned_due()


def _day_of(task: str) -> str:
    return f"(SELECT {_DAY} FROM followup_tasks WHERE id = {task})"


def _has_feedback(kind: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM followup_records r JOIN feedback_items f ON f.record_id = r.id "
        f"WHERE r.task_id = t.id AND f.kind = '{kind}')"
    )


def _recompute(where: str) -> str:
    """The facts of the tasks *where* selects (t is followup_tasks), from scratch."""
    latest = (
        "SELECT r.id FROM followup_records r WHERE r.task_id = t.id "
        "ORDER BY r.completed_at DESC, r.id DESC LIMIT 1"
    )
    scores = ", ".join(f"l.{column}" for column in _SATISFACTION)
    return (
        f"INSERT INTO {_FACTS} ({_ALL}) SELECT t.id, coalesce(t.planned_due_date, t.due_date), "
        "EXISTS (SELECT 1 FROM followup_attempts a WHERE a.task_id = t.id), "
        "EXISTS (SELECT 1 FROM followup_attempts a WHERE a.task_id = t.id "
        f"AND a.outcome IN {_CONTACT}), "
        f"{_has_feedback('praise')}, {_has_feedback('complaint')}, "
        f"l.completed_at, l.id, {scores} "
        f"FROM followup_tasks t LEFT JOIN followup_records l ON l.id = ({latest}) "
        f"WHERE ({where}) AND (EXISTS (SELECT 1 FROM followup_attempts a WHERE a.task_id = t.id) "
        "OR EXISTS (SELECT 1 FROM followup_records r WHERE r.task_id = t.id))"
    )


def _redo(task: str) -> list[str]:
    """Statements that recompute the facts of one task (an expression of OLD or NEW)."""
    return [f"DELETE FROM {_FACTS} WHERE task_id = {task}", _recompute(f"t.id = {task}")]


_ON_ATTEMPT = (
    f"INSERT INTO {_FACTS} ({', '.join(_FLAGS)}) VALUES (NEW.task_id, {_day_of('NEW.task_id')}, "
    f"TRUE, NEW.outcome IN {_CONTACT}, FALSE, FALSE) "
    f"ON CONFLICT (task_id) DO UPDATE SET attempted = TRUE, "
    f"reached = {_FACTS}.reached OR excluded.reached"
)
_NEWER = (
    f"{_FACTS}.latest_record_at IS NULL OR excluded.latest_record_at > {_FACTS}.latest_record_at "
    f"OR (excluded.latest_record_at = {_FACTS}.latest_record_at "
    f"AND excluded.latest_record_id > {_FACTS}.latest_record_id)"
)
_ON_RECORD = (
    f"INSERT INTO {_FACTS} ({_ALL}) VALUES (NEW.task_id, {_day_of('NEW.task_id')}, "
    "FALSE, FALSE, FALSE, FALSE, "
    f"NEW.completed_at, NEW.id, {', '.join(f'NEW.{c}' for c in _SATISFACTION)}) "
    "ON CONFLICT (task_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = excluded.{c}" for c in ["latest_record_at", "latest_record_id", *_SATISFACTION]
    )
    + f" WHERE {_NEWER}"
)
_ON_FEEDBACK = (
    f"INSERT INTO {_FACTS} ({', '.join(_FLAGS)}) SELECT r.task_id, {_day_of('r.task_id')}, "
    "FALSE, FALSE, NEW.kind = 'praise', NEW.kind = 'complaint' "
    "FROM followup_records r WHERE r.id = NEW.record_id AND r.task_id IS NOT NULL "
    f"ON CONFLICT (task_id) DO UPDATE SET praised = {_FACTS}.praised OR excluded.praised, "
    f"criticised = {_FACTS}.criticised OR excluded.criticised"
)
_RECORD_TASK = "(SELECT task_id FROM followup_records WHERE id = {}.record_id)"
# (name, event, table, condition, statements); an update or a delete recomputes the task.
_TRIGGERS = [
    ("attempt_insert", "INSERT", "followup_attempts", None, [_ON_ATTEMPT]),
    ("attempt_update", "UPDATE OF task_id, outcome", "followup_attempts", None,
     _redo("OLD.task_id") + _redo("NEW.task_id")),
    ("attempt_delete", "DELETE", "followup_attempts", None, _redo("OLD.task_id")),
    ("record_insert", "INSERT", "followup_records", "NEW.task_id IS NOT NULL", [_ON_RECORD]),
    ("record_update", "UPDATE OF task_id, completed_at, " + ", ".join(_SATISFACTION),
     "followup_records", None, _redo("OLD.task_id") + _redo("NEW.task_id")),
    ("record_delete", "DELETE", "followup_records", None, _redo("OLD.task_id")),
    ("feedback_insert", "INSERT", "feedback_items", None, [_ON_FEEDBACK]),
    ("feedback_update", "UPDATE OF record_id, kind", "feedback_items", None,
     _redo(_RECORD_TASK.format("OLD")) + _redo(_RECORD_TASK.format("NEW"))),
    ("feedback_delete", "DELETE", "feedback_items", None, _redo(_RECORD_TASK.format("OLD"))),
    # A task made by hand has no plan's day: retries move the day it is counted on.
    ("task_day", "UPDATE OF planned_due_date, due_date", "followup_tasks", None,
     [f"UPDATE {_FACTS} SET day = coalesce(NEW.planned_due_date, NEW.due_date) "
      "WHERE task_id = NEW.id"]),
]  # fmt: skip


def _create_triggers(postgresql: bool) -> None:
    for name, event, table, condition, statements in _TRIGGERS:
        when = f" WHEN ({condition})" if condition else ""
        body = "".join(f"{statement};\n" for statement in statements)
        if postgresql:
            op.execute(
                f"CREATE FUNCTION task_facts_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND $$"
            )
            op.execute(
                f"CREATE TRIGGER task_facts_{name} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"EXECUTE FUNCTION task_facts_{name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER task_facts_{name} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"BEGIN\n{body}END"
            )


def _drop_triggers(postgresql: bool) -> None:
    for name, _event, table, _condition, _statements in _TRIGGERS:
        if postgresql:
            op.execute(f"DROP TRIGGER task_facts_{name} ON {table}")
            op.execute(f"DROP FUNCTION task_facts_{name}()")
        else:
            op.execute(f"DROP TRIGGER task_facts_{name}")


def upgrade() -> None:
    with op.batch_alter_table("followup_records", schema=None) as batch_op:
        for dimension in DIMENSIONS:
            batch_op.add_column(sa.Column(f"satisfaction_{dimension}", sa.Double(), nullable=True))
        batch_op.create_index(
            "ix_followup_records_task_latest", ["task_id", "completed_at", "id"], unique=False
        )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Every database fills its own copy from the same answers: the central server's
        # fill is not a change to feed to the workstations (one million rows each).
        op.execute("ALTER TABLE followup_records DISABLE TRIGGER sync_log_update")
    _backfill()
    if postgresql:
        op.execute("ALTER TABLE followup_records ENABLE TRIGGER sync_log_update")
    op.create_index(
        "ix_followup_tasks_planned",
        "followup_tasks",
        [sa.text(_DAY), "status", "department_id", "lost_code", "id", "encounter_id", "patient_id"],
        unique=False,
    )
    op.create_table(
        _FACTS,
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(
            sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
            for flag in ("attempted", "reached", "praised", "criticised")
        ),
        sa.Column("latest_record_at", sa.DateTime(), nullable=True),
        sa.Column("latest_record_id", sa.Uuid(), nullable=True),
        *(sa.Column(column, sa.Double(), nullable=True) for column in _SATISFACTION),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_followup_task_facts")),
        sqlite_with_rowid=False,  # one look-up per task, not the key's index and then the row
    )
    op.execute(_recompute("TRUE"))
    op.create_index(
        "ix_followup_task_facts_day",
        _FACTS,
        ["day", "task_id", *_FLAGS[2:], *_SATISFACTION],
        unique=False,
    )
    op.create_index(
        "ix_feedback_items_kind_created", "feedback_items", ["kind", "created_at"], unique=False
    )
    _create_triggers(postgresql)
    op.create_index(
        "ix_followup_attempts_task_outcome",
        "followup_attempts",
        ["task_id", "outcome"],
        unique=False,
    )
    op.create_index(
        "ix_feedback_items_record_kind", "feedback_items", ["record_id", "kind"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_items_kind_created", table_name="feedback_items")
    _drop_triggers(op.get_bind().dialect.name == "postgresql")
    op.drop_table(_FACTS)
    op.drop_index("ix_feedback_items_record_kind", table_name="feedback_items")
    op.drop_index("ix_followup_attempts_task_outcome", table_name="followup_attempts")
    op.drop_index("ix_followup_tasks_planned", table_name="followup_tasks")
    with op.batch_alter_table("followup_records", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_records_task_latest")
        for dimension in reversed(DIMENSIONS):
            batch_op.drop_column(f"satisfaction_{dimension}")
