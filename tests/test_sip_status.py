"""The registration in the status bar: what it says, and 重新注册 while not registered."""

from __future__ import annotations

import pytest

from agent_desk.telephony.events import RegistrationChanged, RegistrationState
from agent_desk.ui.sip_status import SipLineStatus

pytestmark = pytest.mark.usefixtures("qapp")


def test_a_refusal_says_why_and_when_it_is_tried_again(qtbot) -> None:
    status = SipLineStatus()
    qtbot.addWidget(status)
    status.show_event(
        RegistrationChanged(
            state=RegistrationState.FAILED, status_code=403, reason="Forbidden", retry_in_s=20
        )
    )
    assert status.label.text() == "Not registered: refused by the PBX (trying again in 20 s)"
    assert status.retry_button.isVisibleTo(status)
    with qtbot.waitSignal(status.register_again):
        status.retry_button.click()


def test_once_registered_nothing_is_offered(qtbot) -> None:
    status = SipLineStatus()
    qtbot.addWidget(status)
    status.show_event(RegistrationChanged(state=RegistrationState.FAILED, status_code=408))
    status.show_event(RegistrationChanged(state=RegistrationState.REGISTERED, status_code=200))
    assert status.label.text() == "Registered with the PBX"
    assert not status.retry_button.isVisibleTo(status)
