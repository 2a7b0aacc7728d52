"""Qt's messages go to the log, except while a Qt library loads: then no Python may run
inside the dynamic loader (agent_desk.ui.qt_messages says why: a hang for good)."""

from __future__ import annotations

import logging

import pytest

from PySide6.QtCore import qInstallMessageHandler, qWarning

from agent_desk.ui.qt_messages import loading_qt_library, log_qt_messages


@pytest.fixture
def logged_qt_messages():
    previous = qInstallMessageHandler(None)  # whatever an earlier test left, put back after
    log_qt_messages()
    yield
    qInstallMessageHandler(previous)


@pytest.mark.usefixtures("logged_qt_messages")
def test_qt_warnings_reach_the_log_but_not_while_a_library_loads(caplog, capfd) -> None:
    with caplog.at_level(logging.INFO, logger="qt"):
        qWarning("no sound server")
        with loading_qt_library():
            qWarning("found FFmpeg 7")
        qWarning("no sound server again")
    logged = [record.getMessage() for record in caplog.records]
    assert logged == ["no sound server", "no sound server again"]
    assert "found FFmpeg 7" in capfd.readouterr().err  # Qt's own handler wrote it
