"""The 工单 screen: the list with its filters, the detail, reply, reroute with the
suggestion shown, callback-and-close, and the dispute's audited case record."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from agent_desk.db.engine import Database
from agent_desk.db.tickets import NewTicket
from agent_desk.domain.enums import TicketKind, TicketSource, TicketState
from agent_desk.plans.calendar import HOSPITAL_TZ
from agent_desk.services.tickets import TicketService
from agent_desk.ui.background import Background
from agent_desk.ui.tickets_view import TicketsDialog
from tests.builders import AGENT, SUPERVISOR, Hospital, nurse_of
from tests.executors import Immediate

pytestmark = pytest.mark.usefixtures("qapp")

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=HOSPITAL_TZ)


def _service(db: Database) -> TicketService:
    return TicketService(db, clock=lambda: NOW)


def _open(service: TicketService, hospital: Hospital, text: str, **fields: object) -> object:
    kind = fields.pop("kind", TicketKind.COMPLAINT)
    new = NewTicket(kind, TicketSource.CALL, text, patient_id=hospital.patients["wang"], **fields)  # type: ignore[arg-type]
    return service.open_ticket(new, AGENT)


def _dialog(qtbot, service: TicketService, principal) -> TicketsDialog:  # type: ignore[no-untyped-def]
    dialog = TicketsDialog(service, principal, Background(Immediate()))
    qtbot.addWidget(dialog)
    return dialog


def test_the_list_filters_by_kind(qtbot, db: Database, hospital: Hospital) -> None:  # type: ignore[no-untyped-def]
    service = _service(db)
    _open(service, hospital, "护士态度不好")
    _open(service, hospital, "感谢张医生", kind=TicketKind.PRAISE)
    dialog = _dialog(qtbot, service, SUPERVISOR)
    assert dialog.model.rowCount() == 2
    dialog.kind.setCurrentIndex(dialog.kind.findData(TicketKind.PRAISE))
    assert [r.text for r in dialog.model.rows] == ["感谢张医生"]


def test_a_nurse_replies_in_the_window(qtbot, db: Database, hospital: Hospital) -> None:  # type: ignore[no-untyped-def]
    service = _service(db)
    ticket = _open(service, hospital, "护士态度不好")
    dialog = _dialog(qtbot, service, nurse_of(hospital.cardiology))
    dialog.table.selectRow(0)
    assert dialog.panel.reply_box.isVisibleTo(dialog)
    assert not dialog.panel.route_box.isVisibleTo(dialog)  # a nurse does not reroute
    dialog.panel.reply_text.setPlainText("已与当事护士谈话")
    dialog.panel.reply_button.click()
    assert service.detail(ticket, SUPERVISOR).row.state is TicketState.REPLIED  # type: ignore[arg-type]
    assert dialog.panel.detail is not None and dialog.panel.detail.reply == "已与当事护士谈话"


def test_the_suggestion_is_shown_and_applied_only_on_a_click(
    qtbot,
    db: Database,
    hospital: Hospital,  # type: ignore[no-untyped-def]
) -> None:
    service = _service(db)
    for text in ("骨折术后伤口疼痛", "骨科换药不及时", "石膏太紧"):
        _open(service, hospital, text, department_id=hospital.orthopaedics)
    ticket = _open(service, hospital, "骨折伤口换药太慢")  # routed to cardiology (the visit)
    dialog = _dialog(qtbot, service, SUPERVISOR)
    dialog.table.selectRow(0)  # the newest
    panel = dialog.panel
    assert "骨科" in panel.suggestion.text()
    if os.environ.get("AGENT_DESK_SCREENSHOTS"):
        dialog.grab().save(os.environ["AGENT_DESK_SCREENSHOTS"])
    assert service.detail(ticket, SUPERVISOR).row.department_id == hospital.cardiology  # type: ignore[arg-type]
    panel.use_suggestion.click()
    panel.route_button.click()
    assert service.detail(ticket, SUPERVISOR).row.department_id == hospital.orthopaedics  # type: ignore[arg-type]


def test_callback_and_close(qtbot, db: Database, hospital: Hospital) -> None:  # type: ignore[no-untyped-def]
    service = _service(db)
    ticket = _open(service, hospital, "护士态度不好")
    service.reply(ticket, "已整改", nurse_of(hospital.cardiology))  # type: ignore[arg-type]
    dialog = _dialog(qtbot, service, AGENT)
    dialog.table.selectRow(0)
    assert dialog.panel.callback_box.isVisibleTo(dialog)
    assert not dialog.panel.close_button.isVisibleTo(dialog)  # a complaint needs the callback
    dialog.panel.callback_note.setText("患者满意")
    dialog.panel.callback_button.click()
    assert service.detail(ticket, SUPERVISOR).row.state is TicketState.CLOSED  # type: ignore[arg-type]


def test_the_overdue_filter(qtbot, db: Database, hospital: Hospital) -> None:  # type: ignore[no-untyped-def]
    service = _service(db)
    _open(service, hospital, "护士态度不好")
    later = TicketService(db, clock=lambda: datetime(2026, 12, 11, 9, tzinfo=HOSPITAL_TZ))
    _open(later, hospital, "停车难")
    dialog = _dialog(qtbot, later, SUPERVISOR)
    dialog.overdue.setChecked(True)
    assert [r.text for r in dialog.model.rows] == ["护士态度不好"]
