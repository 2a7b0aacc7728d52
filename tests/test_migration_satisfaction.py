"""Migration 0014 fills the satisfaction scores of the records written before it."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from agent_desk.db.engine import Database
from agent_desk.db.migrate import downgrade, ensure_schema
from agent_desk.db.models import FollowupRecord
from tests.builders import Hospital


def test_the_upgrade_scores_older_records_from_their_answers(
    db: Database, hospital: Hospital
) -> None:
    downgrade(db.engine, "0013")
    answers = {"gd_sat_doctors": "satisfied", "gd_sat_cost": "no_opinion"}
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE followup_records SET answers = :answers "
                "WHERE template_code = 'general_discharge'"
            ),
            {"answers": json.dumps(answers)},
        )
    assert ensure_schema(db.engine) is True
    with db.read() as session:
        [row] = session.execute(
            select(
                FollowupRecord.satisfaction_doctors,
                FollowupRecord.satisfaction_cost,
                FollowupRecord.satisfaction_overall,
            )
        )
    assert tuple(row) == (4.0, None, None)
