"""An identifier is shown or exported in full only with a reason, and the reason is audited."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton, QToolButton

from agent_desk.db.engine import Database
from agent_desk.db.models import AuditEvent
from agent_desk.db.phone_index import PhoneIndex
from agent_desk.domain.disclosure import ReasonRequired
from agent_desk.domain.enums import UnmaskReason
from agent_desk.domain.masking import Identifier
from agent_desk.domain.permissions import PermissionDenied
from agent_desk.domain.phones import PhonePlan
from agent_desk.paths import DataDir
from agent_desk.services.patients import PatientService
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.unmask_dialog import UnmaskReasonDialog
from tests.builders import AGENT, Hospital, nurse_of
from tests.cli_login import add_account, run
from tests.test_ui import window  # noqa: F401 (the shared window fixture)

pytestmark = pytest.mark.usefixtures("qapp")

FULL_ID = "11010119500307123X"


def _unmask_events(db: Database) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "unmask")))


def _card_text(window: MainWindow) -> str:  # noqa: F811
    return " ".join(label.text() for label in window.card.findChildren(QLabel))


def _choose(dialog: UnmaskReasonDialog, reason: str) -> None:
    """Click the reason's round button (its indicator: the row is wider than its text)."""
    button = dialog.findChild(QRadioButton, f"reason_{reason}")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def _show_id_number(window: MainWindow, answer: Callable[[UnmaskReasonDialog], None]) -> None:  # noqa: F811
    """Click the ID number's Show button and answer the reason dialog it opens."""

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, UnmaskReasonDialog)
        try:
            answer(dialog)
        finally:
            if dialog.isVisible():  # a failed answer must not leave the window waiting forever
                dialog.reject()

    QTimer.singleShot(0, drive)
    window.card.findChild(QToolButton, "unmask_id_number").click()


@pytest.mark.parametrize("reason", [None, UnmaskReason.OTHER])
def test_the_service_refuses_an_unmask_without_a_reason(
    db: Database, hospital: Hospital, reason: UnmaskReason | None
) -> None:
    service = PatientService(db, PhonePlan(), PhoneIndex(db))
    with pytest.raises(ReasonRequired):
        service.record_unmask(
            hospital.patients["wang"],
            Identifier.ID_NUMBER,
            nurse_of(hospital.cardiology),
            reason,
            " ",
        )
    assert _unmask_events(db) == []


def test_an_agent_cannot_unmask(db: Database, hospital: Hospital) -> None:
    service = PatientService(db, PhonePlan(), PhoneIndex(db))
    with pytest.raises(PermissionDenied):
        service.record_unmask(
            hospital.patients["wang"], Identifier.ID_NUMBER, AGENT, UnmaskReason.VERIFY_IDENTITY
        )
    assert _unmask_events(db) == []


def test_a_nurse_cannot_unmask_another_departments_patient(
    db: Database, hospital: Hospital
) -> None:
    service = PatientService(db, PhonePlan(), PhoneIndex(db))
    with pytest.raises(PermissionDenied):
        service.record_unmask(
            hospital.patients["li_a"],
            Identifier.ID_NUMBER,
            nurse_of(hospital.cardiology),
            UnmaskReason.VERIFY_IDENTITY,
        )
    assert _unmask_events(db) == []


def test_the_dialog_writes_the_reason_then_shows(
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
) -> None:
    def verify_identity(dialog: UnmaskReasonDialog) -> None:
        _choose(dialog, "verify_identity")
        QTest.keyClick(dialog.note, Qt.Key.Key_Return)

    window.open_patient(hospital.patients["wang"])
    _show_id_number(window, verify_identity)
    assert FULL_ID in _card_text(window)
    [event] = _unmask_events(db)
    assert (event.actor, event.entity_id, event.detail) == (
        "admin",
        str(hospital.patients["wang"]),
        {"field": "id_number", "reason": "verify_identity"},
    )


def test_other_needs_words_and_keeps_them(
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
) -> None:
    errors: list[str] = []

    def other(dialog: UnmaskReasonDialog) -> None:
        _choose(dialog, "other")
        QTest.keyClick(dialog.note, Qt.Key.Key_Return)
        errors.append(dialog.error.text())
        QTest.keyClicks(dialog.note, "insurance audit")
        QTest.keyClick(dialog.note, Qt.Key.Key_Return)

    window.open_patient(hospital.patients["wang"])
    _show_id_number(window, other)
    assert errors == ["Choose a reason; for Other, say what it is."]
    [event] = _unmask_events(db)
    assert event.detail == {"field": "id_number", "reason": "other", "note": "insurance audit"}


def test_cancel_shows_nothing_and_writes_nothing(
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
) -> None:
    def cancel(dialog: UnmaskReasonDialog) -> None:
        _choose(dialog, "patient_request")
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    window.open_patient(hospital.patients["wang"])
    _show_id_number(window, cancel)
    assert FULL_ID not in _card_text(window)
    assert _unmask_events(db) == []


def test_an_unmasked_export_without_a_reason_is_one_line(
    data_dir: DataDir, db: Database, hospital: Hospital, monkeypatch, capsys
) -> None:
    out = data_dir.root / "patients.csv"
    add_account(data_dir)
    status = run(data_dir, "export", "patients", "--unmasked", "--out", str(out))
    assert status != 0 and not out.exists()
    assert capsys.readouterr().err == (
        "agent-desk: an unmasked export needs --reason TEXT: why the identifiers are needed\n"
    )


def test_an_unmasked_export_keeps_its_reason(
    data_dir: DataDir, db: Database, hospital: Hospital, monkeypatch, capsys
) -> None:
    args = ["export", "patients", "--format", "json", "--unmasked", "--reason", "医保稽核"]
    add_account(data_dir)
    assert run(data_dir, *args) == 0
    assert FULL_ID in json.dumps(json.loads(capsys.readouterr().out), ensure_ascii=False)
    with db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.detail == {"unmasked": True, "reason": "医保稽核"}
