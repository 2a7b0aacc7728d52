"""Bulk loading of generated rows into an embedded SQLite file (the demo hospital).

Rows go in through the raw SQLCipher connection with executemany, one transaction per
batch, because the ORM's unit of work would take hours for a million patients. Values
are therefore given in exactly the storage format that SQLAlchemy uses on SQLite, so
that the ORM reads them back as if it had written them: UUIDs as 32 hex digits (which
the INSERT turns into the 16 bytes db.base.Id stores, with SQLite's unhex()),
datetimes as naive UTC text with microseconds, dates as ISO text, booleans as 0/1, JSON
as text and enums as their values. Each row is a tuple in the order of its table's
COLUMNS. Raw SQL bypasses the outbox (see sync/capture.py), so this is for demo data.
"""

from __future__ import annotations

from datetime import UTC, datetime

from agent_desk.db.engine import Database
from agent_desk.db.tuned_connection import TunedConnection

Row = tuple[object, ...]
Rows = dict[str, list[Row]]  # by table name

# In the order the tables are written, so that every reference points at a row already there.
COLUMNS = {
    "departments": "id, code, name",
    "wards": "id, code, name, department_id",
    "staff_users": "id, username, display_name, role, department_id, active",
    "patients": "id, record_no, name, sex, birth_date, id_number, occupation, address, "
    "insurance_no, allergies, family_history, cardiac_history, chronic_conditions, tags, "
    "consent_call, consent_sms, consent_recording",
    "patient_contacts": "id, patient_id, relation, contact_name, raw_number, e164, is_primary",
    "encounters": "id, patient_id, kind, department_id, ward_id, attending_doctor, admitted_at, "
    "discharged_at, discharge_orders, disposition",
    "encounter_diagnoses": "id, encounter_id, seq, icd10, name",
    "followup_tasks": "id, patient_id, encounter_id, plan_code, due_date, window_start, "
    "window_end, priority, assignee_id, department_id, status, lost_reason, lost_code",
    "calls": "id, direction, local_number, remote_number, remote_e164, display_name, started_at, "
    "answered_at, ended_at, staff_id, patient_id, task_id, recording_path",
    "followup_attempts": "id, task_id, patient_id, attempted_at, channel, staff_id, outcome, "
    "note, call_id",
    "followup_records": "id, task_id, patient_id, attempt_id, template_code, template_version, "
    "answers, scores, recovery_score, staff_id, completed_at, satisfaction_doctors, "
    "satisfaction_nurses, satisfaction_environment, satisfaction_cost, satisfaction_overall",
    # Versioned, but stamped by the caller: a complaint is opened when its record was made.
    "feedback_items": "id, record_id, patient_id, department_id, kind, text, status, version, "
    "created_at, updated_at",
}
_VERSIONED = frozenset(
    {"patients", "patient_contacts", "encounters", "followup_tasks", "departments", "wards"}
    | {"staff_users"}
)
# The column each reference table is found by, as intake and the staff commands find it.
_NATURAL_KEYS = {"departments": "code", "wards": "code", "staff_users": "username"}
# Settings for the load's own connection, restored afterwards. Without an fsync per
# commit and checkpoint a million patients load about a quarter faster; a power cut
# during the load may damage the file (it is demo data), and the final checkpoint,
# back under the engine's FULL setting, makes the finished load durable. The 256 MiB
# page cache keeps the randomly filled indexes (phone numbers, names) in memory, and
# the analysis limit makes the closing ANALYZE sample rather than read every index.
_BULK_PRAGMAS = {"synchronous": 0, "cache_size": -262_144, "analysis_limit": 1000}


class BulkLoad(TunedConnection):
    """One raw connection of an SQLite database, set up for a bulk load and put back after.

    Use it as a context manager. A transaction left open on exit is rolled back.
    """

    PRAGMAS = _BULK_PRAGMAS

    def __init__(self, db: Database) -> None:
        if not db.is_sqlite:
            raise ValueError(
                f"rows can only be bulk-loaded into an embedded SQLite database, "
                f"not {db.engine.dialect.name}; use a local SQLite file instead"
            )
        super().__init__(db)

    def ids_by_key(self, table: str) -> dict[str, str]:
        """The ids of a reference table's rows by their natural key (code or username)."""
        key = _NATURAL_KEYS[table]
        return dict(self._conn.execute(f"SELECT {key}, lower(hex(id)) FROM {table}").fetchall())

    def highest_record_no(self, prefix: str, digits: int) -> str | None:
        """The highest record number made of *prefix* and then *digits* digits, if any."""
        pattern = prefix + "[0-9]" * digits
        found = self._conn.execute(
            "SELECT max(record_no) FROM patients WHERE record_no GLOB ?", (pattern,)
        )
        highest: str | None = found.fetchone()[0]
        return highest

    def insert(self, rows: Rows) -> None:
        """Begin a transaction and insert *rows*; the caller ends it with commit().

        Left open so that the caller can prepare its next batch while COMMIT writes.
        """
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for table, columns in COLUMNS.items():
                if rows.get(table):
                    self._conn.executemany(_insert_sql(table, columns, stamp), rows[table])
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        self._conn.execute("COMMIT")

    def analyze(self) -> None:
        """Refresh the planner's statistics (sampled: see _BULK_PRAGMAS).

        Without statistics the planner answers "this patient's open tasks" from the
        worklist index, because it matches the ORDER BY, and reads every open task:
        400 ms instead of 0.1 ms at a million patients. Sampled, this takes ~20 ms.
        """
        self._conn.execute("ANALYZE")


def _is_id(column: str) -> bool:
    return column == "id" or column.endswith("_id")


def _insert_sql(table: str, columns: str, stamp: str) -> str:
    placeholders = ", ".join(
        "unhex(?)" if _is_id(column.strip()) else "?" for column in columns.split(",")
    )
    if table not in _VERSIONED:
        return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    # The stamp is our own formatted clock reading, inlined so that no row binds it.
    return (
        f"INSERT INTO {table} ({columns}, version, created_at, updated_at) "
        f"VALUES ({placeholders}, 1, '{stamp}', '{stamp}')"
    )
