"""A hand-built month of follow-up work (November 2026) whose statistics are computed by hand
in tests/test_statistics*.py. Every row here is counted (or deliberately left out) there.

Tasks planned in November (t7 in October, t8 cancelled, t10 in December are left out):

| task | dept | ward | plan       | diagnosis | staff | status   | attempts                 |
|------|------|------|------------|-----------|-------|----------|--------------------------|
| t1   | CARD | W1   | discharge  | I21.9     | A     | done     | reached                  |
| t2   | CARD | W1   | discharge  | I10       | A     | done     | no answer, reached       |
| t3   | CARD |      | discharge  | I10       | A     | lost (unreachable) | 3 × no answer  |
| t4   | CARD |      | discharge  |           | A (assignee) | pending | none              |
| t9   | CARD |      | discharge  |           | B     | pending  | no answer (due moved to Dec) |
| t5   | ORTH |      | surgery    | S72.0     | B     | done     | reached                  |
| t6   | ORTH |      | surgery    |           | B     | lost (refused) | refused            |

Satisfaction (general_discharge 1, scores 5…1) on the records of t1 and t2:
t1 doctors 5, nurses 5, environment 5, cost 3, overall 5; praise.
t2 doctors 4, nurses 2, environment 不评价, cost 4, overall 2; a complaint (open, 10 Nov).
t5's record is an NRS form (no satisfaction) with a complaint, closed, 28 Nov.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from agent_desk.db.engine import Database
from agent_desk.db.models import (
    Call,
    Department,
    Encounter,
    EncounterDiagnosis,
    FeedbackEntry,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
    Patient,
    StaffUser,
    Ward,
)
from agent_desk.domain.enums import (
    AttemptOutcome,
    CallDirection,
    Channel,
    EncounterKind,
    FeedbackKind,
    FeedbackStatus,
    LostReason,
    Role,
    TaskStatus,
)
from agent_desk.domain.enums import SatisfactionDimension as Dim
from agent_desk.services.statistics_source import CentralFigures
from tests.test_sync_support import central_database, settle, workstation

AS_OF = date(2026, 12, 10)


def at(month: int, day: int, hour: int = 2, minute: int = 0, second: int = 0) -> datetime:
    """UTC; 02:00 UTC is 10:00 in the hospital, well inside the local day."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


@dataclass
class Month:
    ids: dict[str, uuid.UUID] = field(default_factory=dict)

    def __getitem__(self, key: str) -> uuid.UUID:
        return self.ids[key]


SATISFACTION = {
    "t1": ("very_satisfied", "very_satisfied", "very_satisfied", "neutral", "very_satisfied"),
    "t2": ("satisfied", "dissatisfied", "no_opinion", "satisfied", "dissatisfied"),
}
_LINKS = ("gd_sat_doctors", "gd_sat_nurses", "gd_sat_environment", "gd_sat_cost", "gd_sat_overall")
# What a submit stores beside those answers (their itemWeight; "no opinion" has none).
_WEIGHTS = {"very_satisfied": 5.0, "satisfied": 4.0, "neutral": 3.0, "dissatisfied": 2.0}
_COLUMNS = tuple(f"satisfaction_{dimension}" for dimension in Dim)


def build_month(db: Database) -> Month:
    m = Month()
    with db.write() as s:

        def add(key: str, row: object) -> None:
            s.add(row)
            s.flush()
            m.ids[key] = row.id  # type: ignore[attr-defined]

        add("CARD", Department(code="CARD", name="心血管内科"))
        add("ORTH", Department(code="ORTH", name="骨科"))
        add("W1", Ward(department_id=m["CARD"], code="W1", name="心内一病区"))
        add(
            "A",
            StaffUser(
                username="a", display_name="护士甲", role=Role.NURSE, department_id=m["CARD"]
            ),
        )
        add(
            "B",
            StaffUser(
                username="b", display_name="护士乙", role=Role.NURSE, department_id=m["ORTH"]
            ),
        )
        for key in ("P1", "P2", "P3", "P4", "P5", "P6", "P9"):
            add(key, Patient(record_no=key, name=f"患者{key}"))

        def stay(key: str, patient: str, dept: str, discharged: int, icd: str | None, ward=None):
            add(
                key,
                Encounter(
                    patient_id=m[patient],
                    kind=EncounterKind.INPATIENT,
                    department_id=m[dept],
                    ward_id=m[ward] if ward else None,
                    admitted_at=at(10, 25),
                    discharged_at=at(11, discharged),
                ),
            )
            if icd:
                s.add(EncounterDiagnosis(encounter_id=m[key], seq=0, icd10=icd, name=icd))

        stay("E1", "P1", "CARD", 1, "I21.9", "W1")
        stay("E2", "P2", "CARD", 3, "I10", "W1")
        stay("E3", "P3", "CARD", 2, "I10")
        stay("E5", "P5", "ORTH", 4, "S72.0")
        # Came back: P1 readmitted 19 days after discharge, P3 13 days after; P2 revisits.
        s.add(
            Encounter(
                patient_id=m["P1"],
                kind=EncounterKind.INPATIENT,
                department_id=m["CARD"],
                admitted_at=at(11, 20),
                discharged_at=at(11, 25),
            )
        )
        s.add(
            Encounter(
                patient_id=m["P3"],
                kind=EncounterKind.INPATIENT,
                department_id=m["CARD"],
                admitted_at=at(11, 15),
                discharged_at=at(11, 18),
            )
        )
        s.add(
            Encounter(
                patient_id=m["P2"],
                kind=EncounterKind.OUTPATIENT,
                department_id=m["CARD"],
                admitted_at=at(11, 20),
            )
        )

        def task(
            key,
            patient,
            dept,
            planned,
            status,
            plan="discharge_7d",
            encounter=None,
            assignee=None,
            lost=None,
            due=None,
        ):
            add(
                key,
                FollowupTask(
                    patient_id=m[patient],
                    encounter_id=m[encounter] if encounter else None,
                    plan_code=plan,
                    due_date=due or planned,
                    planned_due_date=planned,
                    window_start=planned,
                    window_end=planned + timedelta(days=7),
                    department_id=m[dept],
                    status=status,
                    assignee_id=m[assignee] if assignee else None,
                    lost_code=lost,
                ),
            )

        nov = lambda day: date(2026, 11, day)  # noqa: E731
        task("t1", "P1", "CARD", nov(8), TaskStatus.DONE, encounter="E1")
        task("t2", "P2", "CARD", nov(10), TaskStatus.DONE, encounter="E2")
        task(
            "t3", "P3", "CARD", nov(9), TaskStatus.LOST, encounter="E3", lost=LostReason.UNREACHABLE
        )
        task("t4", "P4", "CARD", nov(20), TaskStatus.PENDING, assignee="A")
        task("t9", "P9", "CARD", nov(20), TaskStatus.PENDING, due=date(2026, 12, 2))
        task("t5", "P5", "ORTH", nov(11), TaskStatus.DONE, plan="surgery", encounter="E5")
        task("t6", "P6", "ORTH", nov(12), TaskStatus.LOST, plan="surgery", lost=LostReason.REFUSED)
        task("t7", "P4", "CARD", date(2026, 10, 31), TaskStatus.DONE)
        task("t8", "P4", "CARD", nov(15), TaskStatus.CANCELLED)
        task(
            "t10", "P1", "CARD", date(2026, 12, 3), TaskStatus.DONE, plan="chronic", encounter="E1"
        )

        def attempt(key, task_key, staff, outcome, when, call=None):
            row = FollowupAttempt(
                task_id=m[task_key],
                patient_id=s.get(FollowupTask, m[task_key]).patient_id,
                channel=Channel.PHONE,
                staff_id=m[staff],
                outcome=outcome,
                attempted_at=when,
                call_id=m[call] if call else None,
            )
            add(key, row)

        # Calls: A talks 300 s on t1's call (answered 10:00:00, ended 10:05:00) and submits
        # its record 120 s after hanging up; A's second call rings out; B talks 600 s.
        add(
            "c1",
            Call(
                direction=CallDirection.OUTBOUND,
                remote_number="1",
                staff_id=m["A"],
                started_at=at(11, 5, 1, 59, 50),
                answered_at=at(11, 5, 2),
                ended_at=at(11, 5, 2, 5),
            ),
        )
        add(
            "c2",
            Call(
                direction=CallDirection.OUTBOUND,
                remote_number="2",
                staff_id=m["A"],
                started_at=at(11, 6),
                ended_at=at(11, 6, 2, 1),
            ),
        )
        add(
            "c3",
            Call(
                direction=CallDirection.OUTBOUND,
                remote_number="3",
                staff_id=m["B"],
                started_at=at(11, 11),
                answered_at=at(11, 11, 2, 0, 10),
                ended_at=at(11, 11, 2, 10, 10),
            ),
        )
        no, reached = AttemptOutcome.NO_ANSWER, AttemptOutcome.REACHED
        attempt("a1", "t1", "A", reached, at(11, 5, 2), call="c1")
        attempt("a2a", "t2", "A", no, at(11, 9))
        attempt("a2b", "t2", "A", reached, at(11, 10))
        for day in (9, 10, 11):
            attempt(f"a3{day}", "t3", "A", no, at(11, day, 3))
        attempt("a9", "t9", "B", no, at(11, 20))
        attempt("a5", "t5", "B", reached, at(11, 11, 2, 0, 10))
        attempt("a6", "t6", "B", AttemptOutcome.REFUSED, at(11, 12))
        attempt("a10", "t10", "A", reached, at(12, 3))

        def record(
            key, task_key, staff, when, score, attempt_key=None, template="general_discharge"
        ):
            answers = dict(zip(_LINKS, SATISFACTION.get(task_key, ()), strict=False))
            scores = {
                column: _WEIGHTS.get(code)
                for column, code in zip(_COLUMNS, SATISFACTION.get(task_key, ()), strict=False)
            }
            patient = s.get(FollowupTask, m[task_key]).patient_id if task_key in m.ids else m["P3"]
            add(
                key,
                FollowupRecord(
                    task_id=m.ids.get(task_key),
                    patient_id=patient,
                    attempt_id=m[attempt_key] if attempt_key else None,
                    template_code=template,
                    template_version="1",
                    answers=answers,
                    recovery_score=score,
                    staff_id=m[staff],
                    completed_at=when,
                    **scores,
                ),
            )

        record("r1", "t1", "A", at(11, 5, 2, 7), 80.0, attempt_key="a1")
        record("r2", "t2", "A", at(11, 10), 60.0)
        record("r5", "t5", "B", at(11, 11, 3), 70.0, template="nrs")
        record("r10", "t10", "A", at(12, 3), 90.0)
        record("r3", "(inbound)", "A", at(12, 1), 50.0)  # P3 called in: a record without a task

        def feedback(record_key, dept, kind, status, when):
            row = s.get(FollowupRecord, m[record_key])
            s.add(
                FeedbackEntry(
                    record_id=row.id,
                    patient_id=row.patient_id,
                    department_id=m[dept],
                    kind=kind,
                    text="…",
                    status=status,
                    created_at=when,
                )
            )

        feedback("r1", "CARD", FeedbackKind.PRAISE, FeedbackStatus.OPEN, at(11, 5))
        feedback("r2", "CARD", FeedbackKind.COMPLAINT, FeedbackStatus.OPEN, at(11, 10))
        feedback("r2", "CARD", FeedbackKind.SUGGESTION, FeedbackStatus.OPEN, at(11, 10))
        feedback("r5", "ORTH", FeedbackKind.COMPLAINT, FeedbackStatus.CLOSED, at(11, 28))
    return m


@contextmanager
def synced_month(folder: Path) -> Iterator[tuple[Database, CentralFigures, Month]]:
    """The month made on a workstation and synced to a scratch central server (the facts
    table filled there by its own triggers, as sync applies the rows)."""
    with central_database() as config:
        db = workstation(folder, "ward")
        month = build_month(db)
        settle(db, config)
        central = CentralFigures(config)
        try:
            yield db, central, month
        finally:
            central.dispose()
            db.dispose()
