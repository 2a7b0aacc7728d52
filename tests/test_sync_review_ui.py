"""The sync review dialog, against real refusals from the real central PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTableWidget

from agent_desk.db.engine import Database
from agent_desk.db.models import FollowupTask, Patient
from agent_desk.db.sync_local import SyncIssue, add_issue
from agent_desk.domain.enums import SyncIssueKind, SyncOp
from agent_desk.sync.central import CentralConfig
from agent_desk.sync.conflicts import open_issues
from agent_desk.ui.sync_review import SyncReviewDialog
from tests.builders import SUPERVISOR
from tests.test_sync_support import add_patient, add_task, settle, workstation

pytestmark = pytest.mark.usefixtures("qapp")


def _conflict(tmp_path: Path, central: CentralConfig) -> Database:
    """Two workstations edit one patient; the second to sync gets the conflict."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    patient_id = add_patient(a, "D1", "王秀英")
    settle(a, central)
    settle(b, central)
    for db, name, id_number in ((a, "王秀兰", "11010119900307123X"), (b, "王淑英", None)):
        with db.write() as session:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            patient.name, patient.id_number = name, id_number
        settle(db, central)
    return b


def _refused_record_number(tmp_path: Path, central: CentralConfig) -> Database:
    """b registers, offline, a record number a has already sent up: b's patient and task
    are refused, and a's patient cannot come down beside b's."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    settle(b, central)  # past the first full download: later rows come with their values
    add_patient(a, "D1", "王秀英")
    settle(a, central)
    add_task(b, add_patient(b, "D1", "李桂兰"))
    settle(b, central)
    return b


def _dialog(qtbot, db: Database) -> SyncReviewDialog:
    dialog = SyncReviewDialog(db, SUPERVISOR)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _rows(table: QTableWidget) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(row, column).text() for column in range(table.columnCount()))
        for row in range(table.rowCount())
    ]


def _select(dialog: SyncReviewDialog, kind: SyncIssueKind, table_name: str) -> None:
    for row in range(dialog.issues.rowCount()):
        dialog.issues.selectRow(row)
        issue = dialog.selected_issue()
        if issue is not None and issue.kind is kind and issue.table_name == table_name:
            return
    raise AssertionError(f"no {kind} issue on {table_name}")


@pytest.mark.postgres
def test_a_conflict_is_listed_by_what_it_is_about(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    dialog = _dialog(qtbot, _conflict(tmp_path, central))
    [(detected, what, problem, message)] = _rows(dialog.issues)
    assert (what, problem) == ("Patient", "Conflict")
    assert len(detected) == len("2026-11-23 08:00") and message


@pytest.mark.postgres
def test_only_the_differing_fields_are_compared_and_identifiers_are_masked(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    dialog = _dialog(qtbot, _conflict(tmp_path, central))
    assert _rows(dialog.comparison) == [
        ("name", "王淑英", "王秀兰"),
        ("id_number", "—", "110101********123X"),
    ]


@pytest.mark.postgres
def test_keeping_the_servers_version_empties_the_list(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    db = _conflict(tmp_path, central)
    dialog = _dialog(qtbot, db)
    with qtbot.waitSignal(dialog.resolved, timeout=1000):
        dialog.keep_server.click()
    assert open_issues(db) == [] and dialog.issues.rowCount() == 0
    assert dialog.pages.currentWidget() is dialog.empty
    assert not dialog.keep_server.isEnabled() and not dialog.send_again.isEnabled()


@pytest.mark.postgres
def test_a_row_that_could_not_come_down_cannot_be_sent_again(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    dialog = _dialog(qtbot, _refused_record_number(tmp_path, central))
    _select(dialog, SyncIssueKind.PULL_FAILED, "patients")
    assert dialog.keep_server.isEnabled() and not dialog.send_again.isEnabled()
    _select(dialog, SyncIssueKind.REJECTED, "patients")
    assert dialog.send_again.isEnabled()


@pytest.mark.postgres
def test_a_row_from_the_server_is_shown_in_words(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    dialog = _dialog(qtbot, _refused_record_number(tmp_path, central))
    _select(dialog, SyncIssueKind.PULL_FAILED, "patients")
    rows = _rows(dialog.comparison)
    assert ("sex", "—", "Female") in rows and ("consent_call", "—", "Yes") in rows
    assert "tags" not in [field for field, *_ in rows]  # empty on the server: nothing to show


@pytest.mark.postgres
def test_an_impossible_choice_is_explained_and_nothing_changes(
    qtbot, tmp_path: Path, central: CentralConfig
) -> None:
    db = _refused_record_number(tmp_path, central)
    with db.write() as session:
        for task in session.query(FollowupTask):
            session.delete(task)  # the refused task is gone: it cannot be sent again
    dialog = _dialog(qtbot, db)
    _select(dialog, SyncIssueKind.REJECTED, "followup_tasks")
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    with qtbot.assertNotEmitted(dialog.resolved):
        dialog.send_again.click()
    assert shown == ["the local row is gone: nothing to send again"]
    assert len(open_issues(db)) == 3 and dialog.issues.rowCount() == 3


def test_phone_numbers_are_masked_and_names_shown_to_choose_between(qtbot, db: Database) -> None:
    with db.write() as session:  # as push records a refused edit of a contact's number
        add_issue(
            session,
            SyncIssue(
                SyncIssueKind.CONFLICT,
                "patient_contacts",
                uuid.uuid4(),
                "stale version",
                op=SyncOp.UPDATE,
                local_payload={"e164": "+8613800138000", "contact_name": "李建国", "version": 1},
                server_payload={"e164": "+8613911112222", "contact_name": "李建军", "version": 2},
            ),
            datetime(2026, 11, 23, 8, tzinfo=UTC),
        )
    dialog = _dialog(qtbot, db)
    assert _rows(dialog.comparison) == [
        ("contact_name", "李建国", "李建军"),
        ("e164", "138****8000", "139****2222"),
    ]


def test_a_row_that_failed_the_first_download_says_no_values_were_kept(qtbot, db: Database) -> None:
    with db.write() as session:  # as the first full download records a row it cannot take
        add_issue(
            session,
            SyncIssue(
                SyncIssueKind.PULL_FAILED,
                "patients",
                uuid.uuid4(),
                "the server's row does not fit this database (UNIQUE constraint failed)",
                op=SyncOp.INSERT,
            ),
            datetime(2026, 11, 23, 8, tzinfo=UTC),
        )
    dialog = _dialog(qtbot, db)
    assert dialog.comparison.rowCount() == 0
    assert "No field values were kept" in dialog.summary.text()
    assert not dialog.send_again.isEnabled()


def test_insurance_number_and_address_are_masked(qtbot, db: Database) -> None:
    with db.write() as session:  # a refused edit of a patient's identifiers
        add_issue(
            session,
            SyncIssue(
                SyncIssueKind.CONFLICT,
                "patients",
                uuid.uuid4(),
                "stale version",
                op=SyncOp.UPDATE,
                local_payload={
                    "insurance_no": "1101934536797968",
                    "address": "北京市顺义区复兴路7号",
                },
                server_payload={
                    "insurance_no": "1101000000001234",
                    "address": "北京市东城区西大街1号",
                },
            ),
            datetime(2026, 11, 23, 8, tzinfo=UTC),
        )
    rows = _rows(_dialog(qtbot, db).comparison)
    assert sorted(rows) == [
        ("address", "北京市顺义区****", "北京市东城区****"),
        ("insurance_no", "1101********7968", "1101********1234"),
    ]
