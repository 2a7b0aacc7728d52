"""compact storage: ids as 16 bytes in SQLite, no index that a longer one leads with

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-07 03:00:00.000000

Each of these indexes is the first column of another index on the same table, which
serves every lookup it served (SQLite and PostgreSQL use an index's leading columns
alone): together some 4 % of a workstation's database.

- ix_encounter_diagnoses_encounter_id: ix_encounter_diagnoses_principal (encounter_id, …);
- ix_followup_attempts_task_id: ix_followup_attempts_task_outcome (task_id, outcome);
- ix_followup_records_task_id: ix_followup_records_task_latest (task_id, …);
- ix_feedback_items_record_id: ix_feedback_items_record_kind (record_id, kind);
- ix_calls_started_at: ix_calls_workload (started_at, …).

On SQLite, every UUID (each id and each reference to one: every CHAR(32) column, which is
how SQLAlchemy's Uuid is declared there) goes from 32 hex digits to its 16 bytes, as the
application's id type (agent_desk.db.base.Id) now writes them: a quarter of the
database. The bytes order as the hex did, so every index keeps its order. All of a
table's columns are converted in one UPDATE, all tables in the migration's transaction,
with the foreign keys checked after (a reference that no longer joined fails the
migration), and the triggers dropped meanwhile (the task facts' triggers would recompute
on each row, the audit log's refuse the update) and then made again as they were.
The file does not shrink by itself: the freed pages are reused by the rows to come, and
`VACUUM` gives them back to the disk at once. PostgreSQL keeps its native uuid.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column) of the indexes a longer one on the same table leads with.
_LED_BY_ANOTHER = (
    ("ix_encounter_diagnoses_encounter_id", "encounter_diagnoses", "encounter_id"),
    ("ix_followup_attempts_task_id", "followup_attempts", "task_id"),
    ("ix_followup_records_task_id", "followup_records", "task_id"),
    ("ix_feedback_items_record_id", "feedback_items", "record_id"),
    ("ix_calls_started_at", "calls", "started_at"),
)


# How SQLAlchemy's Uuid declares a column in SQLite (TEXT affinity: a BLOB is kept as given).
_UUID_DECLARED = "CHAR(32)"


def upgrade() -> None:
    for name, table, _column in _LED_BY_ANOTHER:
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "sqlite":
        _convert_ids(to_bytes=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _convert_ids(to_bytes=False)
    for name, table, column in reversed(_LED_BY_ANOTHER):
        op.create_index(name, table, [column], unique=False)


def _uuid_columns() -> dict[str, list[str]]:
    bind = op.get_bind()
    tables = bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    found: dict[str, list[str]] = {}
    for (table,) in tables:
        columns = bind.exec_driver_sql(f'PRAGMA table_info("{table}")').fetchall()
        names = [name for _cid, name, kind, *_rest in columns if kind.upper() == _UUID_DECLARED]
        if names:
            found[table] = names
    return found


def _convert_ids(*, to_bytes: bool) -> None:
    bind = op.get_bind()
    triggers = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in triggers:
        bind.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for table, columns in _uuid_columns().items():
        if to_bytes:
            sets = ", ".join(
                # Text that is not hex (none is written so) is left as it was, not nulled.
                f'"{c}" = iif(typeof("{c}") = \'text\', coalesce(unhex("{c}"), "{c}"), "{c}")'
                for c in columns
            )
        else:
            sets = ", ".join(
                f'"{c}" = iif(typeof("{c}") = \'blob\', lower(hex("{c}")), "{c}")' for c in columns
            )
        bind.exec_driver_sql(f'UPDATE "{table}" SET {sets}')
    for _name, sql in triggers:
        bind.exec_driver_sql(sql)
    # Migrations run with SQLite's foreign keys off (agent_desk.db.migrate): a reference
    # that no longer finds its row after the conversion stops the migration here.
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        raise RuntimeError(f"ids converted, but references no longer join: {broken}")
