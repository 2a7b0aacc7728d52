"""The review list: a person settles what the server refused; nothing is decided by a clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from agent_desk.db import audit
from agent_desk.db.models import Patient
from agent_desk.domain.enums import AuditAction, ConflictResolution, Role, SyncIssueKind
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.conflicts import CannotResolve, open_issues, resolve_issue
from tests.test_sync_support import (
    add_patient,
    add_task,
    assert_converged,
    patient_name,
    rename_patient,
    settle,
    workstation,
)

REVIEWER = Principal.of("zhang", [Role.SUPERVISOR])  # supervisors decide reviews

pytestmark = pytest.mark.postgres

# A decision's audit event goes up with it; b's first audit event also starts its chain.
AUDITED = 2


def _conflicting_edits(tmp_path: Path, central: CentralConfig):  # type: ignore[no-untyped-def]
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    patient_id = add_patient(a, "D1", "王秀英")
    settle(a, central)
    settle(b, central)
    rename_patient(a, patient_id, "王秀兰")
    rename_patient(b, patient_id, "王淑英")
    settle(a, central)
    settle(b, central)
    [issue] = open_issues(b)
    assert issue.kind is SyncIssueKind.CONFLICT
    return a, b, patient_id, issue


def test_keeping_the_servers_row_closes_the_issue(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b, patient_id, issue = _conflicting_edits(tmp_path, central)
    resolve_issue(b, issue.id, ConflictResolution.KEEP_SERVER, REVIEWER)
    assert open_issues(b) == []
    assert settle(b, central).push.sent == AUDITED  # the decision's audit events only
    assert patient_name(b, patient_id) == ("王秀兰", 2)
    settle(a, central)  # for b's audit events
    assert_converged(server, a, b)


def test_a_nurse_cannot_decide_a_review(tmp_path: Path, central: CentralConfig) -> None:
    _a, b, _patient_id, issue = _conflicting_edits(tmp_path, central)
    with pytest.raises(PermissionDenied):
        resolve_issue(
            b, issue.id, ConflictResolution.KEEP_SERVER, Principal.of("nurse1", [Role.NURSE])
        )
    assert [found.id for found in open_issues(b)] == [issue.id]


def test_applying_the_local_change_again_makes_it_a_new_edit(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b, patient_id, issue = _conflicting_edits(tmp_path, central)
    resolve_issue(b, issue.id, ConflictResolution.REAPPLY_LOCAL, REVIEWER)
    assert settle(b, central).push.sent == 1 + AUDITED
    settle(a, central)
    assert patient_name(a, patient_id) == patient_name(b, patient_id) == ("王淑英", 3)
    assert_converged(server, a, b)


def test_a_decision_taken_in_another_window_is_not_applied_twice(
    tmp_path: Path, central: CentralConfig
) -> None:
    _a, b, patient_id, issue = _conflicting_edits(tmp_path, central)
    resolve_issue(b, issue.id, ConflictResolution.REAPPLY_LOCAL, REVIEWER)
    with pytest.raises(CannotResolve, match="decided already"):
        resolve_issue(b, issue.id, ConflictResolution.REAPPLY_LOCAL, REVIEWER)  # a stale dialog
    assert settle(b, central).push.sent == 1 + AUDITED  # the edit went up once
    assert patient_name(b, patient_id) == ("王淑英", 3)


def test_a_refused_new_patient_goes_up_once_its_record_number_is_fixed(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    theirs = add_patient(a, "D1", "王秀英")
    settle(a, central)
    mine = add_patient(b, "D1", "李桂兰")  # made offline with a number already taken
    task = add_task(b, mine)
    settle(b, central)
    kinds = {(issue.row_id, issue.kind): issue for issue in open_issues(b)}
    assert set(kinds) == {
        (mine, SyncIssueKind.REJECTED),
        (task, SyncIssueKind.REJECTED),
        (theirs, SyncIssueKind.PULL_FAILED),  # a's D1 could not come down beside b's
    }
    with b.write() as session:
        patient = session.get(Patient, mine)
        assert patient is not None
        patient.record_no = "D1-B"  # put right here; the edit waits behind the refusal
    resolve_issue(
        b, kinds[(mine, SyncIssueKind.REJECTED)].id, ConflictResolution.REAPPLY_LOCAL, REVIEWER
    )
    resolve_issue(
        b, kinds[(task, SyncIssueKind.REJECTED)].id, ConflictResolution.REAPPLY_LOCAL, REVIEWER
    )
    resolve_issue(
        b, kinds[(theirs, SyncIssueKind.PULL_FAILED)].id, ConflictResolution.KEEP_SERVER, REVIEWER
    )
    report = settle(b, central)
    assert report.push.sent == 2 + AUDITED + 2 and report.pull.resynced  # three decisions
    settle(a, central)
    assert open_issues(b) == []
    assert patient_name(b, theirs) == ("王秀英", 1)
    assert patient_name(a, mine) == ("李桂兰", 2)
    assert_converged(server, a, b)


def test_a_decision_is_audited_with_who_made_it(tmp_path: Path, central: CentralConfig) -> None:
    _a, b, patient_id, issue = _conflicting_edits(tmp_path, central)
    resolve_issue(b, issue.id, ConflictResolution.KEEP_SERVER, REVIEWER)
    with b.read() as session:
        actor, action, entity = audit.recent(session, limit=1)[0]
    assert (actor, action, entity) == ("zhang", AuditAction.REVIEW_DECIDED, str(patient_id))
