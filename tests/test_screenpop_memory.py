"""A shift of calls must not grow the window: what each pop puts on screen goes again."""

from __future__ import annotations

import gc

import pytest

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget

from agent_desk.db.engine import Database
from agent_desk.domain.enums import CallDirection
from agent_desk.telephony.events import CallEnded, CallRinging, CallSnapshot, CallSource, EndReason
from agent_desk.ui.call_controller import CallController
from agent_desk.ui.form_view import FormView
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.new_caller import NewCallerDialog
from agent_desk.ui.patient_chooser import PatientChooser
from tests.test_ui import controller_for, window  # noqa: F401 (the shared window fixture)

pytestmark = pytest.mark.usefixtures("qapp")


def _alive(kind: type[QWidget]) -> int:
    """Widgets of *kind* that still exist once Qt has run the deletions it was asked for
    (the whole suite's: compare with the count before the calls)."""
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return sum(1 for widget in QApplication.allWidgets() if isinstance(widget, kind))


def _ring_and_end(controller: CallController, call_id: str, number: str) -> None:
    call = CallSnapshot(call_id, CallSource.SIP, CallDirection.INBOUND, number)
    controller.handle(CallRinging(call=call))
    controller.handle(CallEnded(call=call, reason=EndReason.HANGUP_REMOTE))


def test_each_callers_form_goes_when_the_next_caller_pops(
    qtbot,
    window: MainWindow,  # noqa: F811
    db: Database,
) -> None:
    controller = controller_for(window, db)
    before = _alive(FormView)  # earlier tests' windows may still hold theirs
    for n in range(3):
        _ring_and_end(controller, f"c{n}", "+86 139-1234-5678")
        qtbot.waitUntil(lambda: window.followup.view is not None)  # built after the paint
    assert _alive(FormView) == before + 1  # the last caller's, on screen
    window.card.clear()
    assert _alive(FormView) == before


def test_a_chooser_or_new_caller_dialog_closed_by_the_agent_is_deleted(
    window: MainWindow,  # noqa: F811
    db: Database,
) -> None:
    controller = controller_for(window, db)
    earlier = set(QApplication.topLevelWidgets())  # other tests' windows may still exist
    before = {kind: _alive(kind) for kind in (PatientChooser, NewCallerDialog)}
    for n in range(3):
        _ring_and_end(controller, f"shared{n}", "010 8765 4321")  # two patients share it
        _ring_and_end(controller, f"unknown{n}", "131 2222 3333")  # nobody has it
    for kind in (PatientChooser, NewCallerDialog):
        dialogs = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w not in earlier
        ]
        assert len(dialogs) == 3
        for dialog in dialogs:
            dialog.reject()  # the agent closes it
        assert _alive(kind) == before[kind]
