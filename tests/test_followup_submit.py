"""Submitting a form: record, attempt and task state, feedback and alerts in one transaction."""

from __future__ import annotations

import pytest

from agent_desk.db.engine import Database
from agent_desk.db.models import (
    FeedbackEntry,
    FollowupAlert,
    FollowupAttempt,
    FollowupRecord,
    FollowupTask,
)
from agent_desk.domain.enums import AttemptOutcome, FeedbackKind, Role, TaskStatus
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.forms import FormState, load_template
from agent_desk.services.alerts import AlertService
from agent_desk.services.followup import (
    FollowupService,
    FormIncomplete,
    FormSubmission,
    TaskNotOpen,
)
from tests.builders import AGENT, SUPERVISOR, Hospital, nurse_of

CALM = "not_at_all"


def _phq9(item9: str) -> FormState:
    answers = {f"phq9_{n}": CALM for n in range(1, 9)} | {"phq9_9": item9}
    return FormState(load_template("phq9"), answers)


def _general(complaint: str) -> FormState:
    state = FormState(load_template("general"))
    for link_id, value in {
        "gd_respondent": "patient",
        "gd_recovery": "improved",
        "gd_medication": "as_prescribed",
        "gd_wound": "healed",
        "gd_symptoms": "none",
        "gd_revisit_known": True,
        "gd_revisit_help": False,
        "gd_guidance_given": True,
        "gd_guidance_understood": "fully",
        "gd_sat_doctors": "very_satisfied",
        "gd_sat_nurses": "satisfied",
        "gd_sat_environment": "neutral",
        "gd_sat_cost": "dissatisfied",
        "gd_sat_overall": "satisfied",
        "gd_complaint": complaint,
    }.items():
        assert state.set_answer(link_id, value) is None, link_id
    return state


def _all(db: Database, model: type) -> list:
    with db.read() as session:
        return session.query(model).all()


def _new_records(db: Database) -> list[FollowupRecord]:
    """Records other than the one the hand-made hospital starts with."""
    return [
        r
        for r in _all(db, FollowupRecord)
        if r.template_code != "general_discharge" or r.recovery_score != 82.0
    ]


def test_submit_stores_record_attempt_and_closes_the_task(db: Database, hospital: Hospital) -> None:
    task_id = hospital.tasks["wang_due"]
    result = FollowupService(db).submit(
        FormSubmission(_general(""), hospital.patients["wang"], task_id, None), AGENT
    )
    [record] = _new_records(db)
    assert (record.id, record.template_code, record.template_version) == (
        result.record_id,
        "general_discharge",
        "1",
    )
    assert record.recovery_score is not None
    with db.read() as session:
        assert session.get(FollowupTask, task_id).status is TaskStatus.DONE
        attempt = session.get(FollowupAttempt, record.attempt_id)
        assert attempt.outcome is AttemptOutcome.REACHED


def test_submit_stores_the_satisfaction_scores_beside_the_answers(
    db: Database, hospital: Hospital
) -> None:
    # What the statistics read: the itemWeight of each dimension's answer (5 … 1).
    FollowupService(db).submit(
        FormSubmission(_general(""), hospital.patients["wang"], hospital.tasks["wang_due"], None),
        AGENT,
    )
    [record] = _new_records(db)
    assert (
        record.satisfaction_doctors,
        record.satisfaction_nurses,
        record.satisfaction_environment,
        record.satisfaction_cost,
        record.satisfaction_overall,
    ) == (5.0, 4.0, 3.0, 2.0, 4.0)


def test_phq9_item9_alerts_the_supervisor_even_with_a_low_total(
    db: Database, hospital: Hospital
) -> None:
    FollowupService(db).submit(
        FormSubmission(
            _phq9("several_days"), hospital.patients["wang"], hospital.tasks["wang_due"], None
        ),
        AGENT,
    )
    [alert] = _all(db, FollowupAlert)
    assert alert.notify_role is Role.SUPERVISOR
    [record] = _new_records(db)
    assert record.scores["values"]["phq9_total"] == 1


def test_a_complaint_is_stored_for_the_department_of_the_task(
    db: Database, hospital: Hospital
) -> None:
    FollowupService(db).submit(
        FormSubmission(
            _general("夜间病房太吵，护士呼叫不应"),
            hospital.patients["li_a"],
            hospital.tasks["li_overdue"],
            None,
        ),
        AGENT,
    )
    [item] = _all(db, FeedbackEntry)
    assert (item.kind, item.department_id) == (FeedbackKind.COMPLAINT, hospital.orthopaedics)
    assert item.text == "夜间病房太吵，护士呼叫不应"


def test_a_closed_task_refuses_and_nothing_is_half_written(
    db: Database, hospital: Hospital
) -> None:
    with pytest.raises(TaskNotOpen):
        FollowupService(db).submit(
            FormSubmission(
                _phq9("several_days"), hospital.patients["li_b"], hospital.tasks["li_b_done"], None
            ),
            AGENT,
        )
    assert _new_records(db) == []
    assert _all(db, FollowupAlert) == []


def test_a_nurse_cannot_submit_a_form_for_another_departments_task(
    db: Database, hospital: Hospital
) -> None:
    form = FormSubmission(
        _general(""), hospital.patients["li_a"], hospital.tasks["li_overdue"], None
    )
    with pytest.raises(PermissionDenied):
        FollowupService(db).submit(form, nurse_of(hospital.cardiology))
    assert _new_records(db) == []


def test_a_plain_admin_cannot_fill_forms(db: Database, hospital: Hospital) -> None:
    form = FormSubmission(_general(""), hospital.patients["wang"], hospital.tasks["wang_due"], None)
    with pytest.raises(PermissionDenied):
        FollowupService(db).submit(form, Principal.of("admin", [Role.ADMIN]))
    assert _new_records(db) == []


def test_an_incomplete_form_is_refused_naming_what_is_missing_and_nothing_is_written(
    db: Database, hospital: Hospital
) -> None:
    state = _general("")
    state.clear("gd_recovery")
    attempts = len(_all(db, FollowupAttempt))
    with pytest.raises(FormIncomplete) as refused:
        FollowupService(db).submit(
            FormSubmission(state, hospital.patients["wang"], hospital.tasks["wang_due"], None),
            AGENT,
        )
    assert [problem.link_id for problem in refused.value.problems] == ["gd_recovery"]
    assert _new_records(db) == []
    assert len(_all(db, FollowupAttempt)) == attempts


def test_the_alert_is_for_supervisors_and_administrators_only(
    db: Database, hospital: Hospital
) -> None:
    FollowupService(db).submit(
        FormSubmission(
            _phq9("several_days"), hospital.patients["wang"], hospital.tasks["wang_due"], None
        ),
        AGENT,
    )
    alerts = AlertService(db)
    assert len(alerts.lists(SUPERVISOR).open) == 1
    for role in (Role.NURSE, Role.AGENT, Role.ADMIN):  # not theirs to handle
        with pytest.raises(PermissionDenied):
            alerts.lists(Principal.of("someone", [role]))
    # Doctors handle the alerts sent to doctors (a blood-pressure crisis), not this one.
    assert alerts.lists(Principal.of("someone", [Role.DOCTOR])).open == []


def test_the_supervisor_sees_the_alert_in_the_window(
    qtbot, db: Database, hospital: Hospital, tmp_path
) -> None:
    from agent_desk.services.accounts import AccountService
    from agent_desk.settings import Settings
    from agent_desk.ui.app import build_main_window

    FollowupService(db).submit(
        FormSubmission(
            _phq9("several_days"), hospital.patients["wang"], hospital.tasks["wang_due"], None
        ),
        AGENT,
    )
    accounts = AccountService(db)
    accounts.create_first_admin("administrator", roles=[Role.ADMIN, Role.SUPERVISOR])
    window = build_main_window(
        db, Settings(tmp_path / "s.json"), accounts.login("admin", "administrator")
    )
    qtbot.addWidget(window)
    assert window.alert_label.text() == "Alerts: 1"
    [alert] = AlertService(db).lists(SUPERVISOR).open
    assert window.alert_label.toolTip() == alert.text
