"""The ring tone's library is loaded after start, so the first call's card is not late."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from agent_desk.db.engine import Database
from agent_desk.domain.enums import CallDirection
from agent_desk.settings import Settings
from agent_desk.telephony.events import CallRinging, CallSnapshot, CallSource
from agent_desk.ui import call_controller
from agent_desk.ui.main_window import MainWindow
from agent_desk.ui.telephony_setup import wire_calls
from tests.builders import Hospital
from tests.test_ui import window  # noqa: F401 (the shared window fixture)

pytestmark = pytest.mark.usefixtures("qapp")


def test_after_the_warm_up_the_first_ring_loads_no_library(
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,  # noqa: F811
    db: Database,
    hospital: Hospital,
    tmp_path: Path,
) -> None:
    loads: list[str] = []

    @contextmanager
    def counted() -> Iterator[None]:
        loads.append("load")
        yield

    monkeypatch.setattr(call_controller, "loading_qt_library", counted)
    telephony = wire_calls(window, db, Settings(tmp_path / "settings.json"), window.user)
    controller = telephony.controller
    controller.warm_up()
    assert loads == ["load"]
    controller.warm_up()  # once only
    call = CallSnapshot("c1", CallSource.SIP, CallDirection.INBOUND, "13800138000")
    controller.handle(CallRinging(call=call))
    assert window.card.card is not None and window.card.card.id == hospital.patients["wang"]
    assert loads == ["load"]  # the ring found the tone ready
    telephony.stop()
