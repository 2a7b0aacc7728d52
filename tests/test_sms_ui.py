"""The 短信 screen and the modem's words in the status bar, tested without a modem."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from agent_desk.db.engine import Database
from agent_desk.domain.enums import ModemProblem
from agent_desk.paths import DataDir
from agent_desk.services.sms import SmsService
from agent_desk.settings import Settings
from agent_desk.sms.modem import ModemStatus
from agent_desk.ui.background import Background
from agent_desk.ui.sms_status import SmsModemLabel
from agent_desk.ui.sms_view import SmsDialog
from tests.builders import AGENT, Hospital
from tests.executors import Immediate

DAYTIME = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_the_screen_lists_a_queued_message_masked(
    qtbot: QtBot, db: Database, data_dir: DataDir, hospital: Hospital
) -> None:
    service = SmsService(db, Settings(data_dir.settings), lambda: DAYTIME)
    service.send(AGENT, "13800138000", "明天上午随访，请留意接听。")
    dialog = SmsDialog(service, AGENT, Background(Immediate()))
    qtbot.addWidget(dialog)
    assert dialog.queue.rowCount() == 1
    cells = [dialog.queue.item(0, c).text() for c in range(dialog.queue.columnCount())]
    assert "138****8000" in cells
    assert "王秀英" in cells
    assert cells[-1] == "明天上午随访，请留意接听。"
    assert dialog.sent.rowCount() == 0


def test_the_status_bar_says_what_is_wrong_with_the_modem(qtbot: QtBot) -> None:
    modem = SmsModemLabel()
    qtbot.addWidget(modem)
    modem.show_status(ModemStatus(ModemProblem.PIN_NEEDED, "the SIM asks for its PIN"))
    assert "PIN" in modem.text()
    modem.show_status(ModemStatus(ModemProblem.NONE, "", signal_percent=63, network="HomeNetwork"))
    assert modem.text().endswith("63%")


def test_sms_words_that_share_a_value_with_others_keep_their_own_labels(qtbot: QtBot) -> None:
    from agent_desk.domain.enums import ContactRelation, SmsDelivery, SmsState
    from agent_desk.ui.labels import label

    assert label(SmsState.FAILED) != label(SmsDelivery.FAILED)
    assert label(ContactRelation.OTHER) != label(ModemProblem.OTHER)


def test_a_campaign_is_previewed_then_sent_for_the_count_previewed(
    qtbot: QtBot, db: Database, data_dir: DataDir, hospital: Hospital, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from agent_desk.db import sms_views
    from agent_desk.domain.enums import SmsState
    from agent_desk.services.sms_campaigns import CampaignService, load_templates
    from agent_desk.ui.sms_campaign import CampaignDialog
    from tests.builders import SUPERVISOR

    service = CampaignService(db, Settings(data_dir.settings), lambda: DAYTIME)
    dialog = CampaignDialog(service, load_templates(), SUPERVISOR, Background(Immediate()))
    qtbot.addWidget(dialog)
    dialog.names.setCurrentText("health_talk")
    dialog.filter.setText("department=CARD")
    assert not dialog.send_button.isEnabled()
    dialog.preview()
    assert dialog.summary.text().startswith("1 ")
    assert dialog.samples.count() == 1 and "王秀英" in dialog.samples.item(0).text()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    dialog.send()
    with db.read() as session:
        assert sms_views.counts(session) == {SmsState.QUEUED: 1}
