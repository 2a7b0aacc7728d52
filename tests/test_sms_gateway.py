"""The gateway against a scripted AT modem on a socat PTY: what goes over the line."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_desk.db import sms_outbox, sms_views
from agent_desk.db.engine import Database
from agent_desk.domain.enums import ModemProblem, SmsKind, SmsState
from agent_desk.paths import DataDir
from agent_desk.services.sms_gateway import build_gateway
from agent_desk.settings import Settings
from agent_desk.sms.gateway import SmsGateway
from tests.builders import Hospital
from tests.serial_pair import requires_socat
from tests.sms_support import ScriptedModem, scripted_modem

pytestmark = requires_socat
DAYTIME = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in the hospital
# 120 characters, signature included: more than the 70 of one UCS-2 message, so two parts.
REMINDER = (
    "【某某市人民医院】王秀英您好，心血管内科将于明天上午给您打出院随访电话，请保持电话畅通并留意接听。"
    "如您已康复良好也请告知护士，如有胸闷胸痛、气短或下肢水肿等不适请及时就医，"
    "按时服药并低盐低脂饮食，注意休息，避免劳累和情绪激动。回复TD退订。"
)


def _settings(data_dir: DataDir, modem: ScriptedModem) -> Settings:
    settings = Settings(data_dir.settings)
    settings.set("sms.port", str(modem.port))
    settings.set("sms.signature", "某某市人民医院")
    return settings


def _queue(db: Database, hospital: Hospital, text: str, kind: SmsKind = SmsKind.REMINDER) -> None:
    with db.write() as session:
        sms_outbox.queue(
            session,
            [
                sms_outbox.NewMessage(
                    kind=kind,
                    number="+8613800138000",
                    text=text,
                    created_by="test",
                    patient_id=hospital.patients["wang"],
                )
            ],
            DAYTIME,
        )


def _step_until(gateway: SmsGateway, done: object, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        gateway.step()
        if done():  # type: ignore[operator]
            return
    raise AssertionError(f"gave up after {timeout_s} s; modem status {gateway.last_status}")


def _states(db: Database) -> dict[SmsState, int]:
    with db.read() as session:
        return sms_views.counts(session)


def test_a_120_character_chinese_reminder_arrives_as_two_concatenated_parts(
    tmp_path: Path, data_dir: DataDir, db: Database, hospital: Hospital
) -> None:
    assert len(REMINDER) == 120
    with scripted_modem(tmp_path / "modem") as modem:
        gateway = build_gateway(data_dir, _settings(data_dir, modem), db, clock=lambda: DAYTIME)
        _queue(db, hospital, REMINDER)
        _step_until(gateway, lambda: _states(db).get(SmsState.SENT) == 1)
        gateway.modem.close()
    assert len(modem.pdus()) == 2
    (message,) = modem.received()
    assert message.parts == 2
    assert message.number == "+8613800138000"
    assert message.text == REMINDER
    with db.read() as session:
        (sent,) = sms_views.messages(session, [SmsState.SENT], 10)
    assert sent.parts == 2


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        ("pin", ModemProblem.PIN_NEEDED),
        ("no-network", ModemProblem.NO_NETWORK),
        ("sim-full", ModemProblem.SIM_FULL),
    ],
)
def test_the_modem_s_bad_days_are_named(
    tmp_path: Path,
    data_dir: DataDir,
    db: Database,
    hospital: Hospital,
    fault: str,
    problem: ModemProblem,
) -> None:
    with scripted_modem(tmp_path / "modem", fault=fault) as modem:
        gateway = build_gateway(data_dir, _settings(data_dir, modem), db, clock=lambda: DAYTIME)
        _queue(db, hospital, "【某某市人民医院】明天上午随访，请留意接听。")
        for _ in range(3):
            gateway.step()
            if gateway.last_status.problem is problem:
                break
        gateway.modem.close()
    assert gateway.last_status.problem is problem, gateway.last_status
    assert modem.received() == []
    # The modem's trouble, not the message's: it waits in the queue for the modem.
    assert _states(db) == {SmsState.QUEUED: 1}


def test_a_message_the_network_refuses_fails_with_gammu_s_reason(
    tmp_path: Path, data_dir: DataDir, db: Database, hospital: Hospital
) -> None:
    with scripted_modem(tmp_path / "modem", fault="reject") as modem:
        gateway = build_gateway(data_dir, _settings(data_dir, modem), db, clock=lambda: DAYTIME)
        _queue(db, hospital, "【某某市人民医院】明天上午随访，请留意接听。")
        _step_until(gateway, lambda: _states(db).get(SmsState.FAILED) == 1)
        gateway.modem.close()
    with db.read() as session:
        (failed,) = sms_views.messages(session, [SmsState.FAILED], 10)
    assert failed.failure is not None and "SendSMS" in failed.failure


def test_no_modem_on_the_port_is_said_so(
    tmp_path: Path, data_dir: DataDir, db: Database, hospital: Hospital
) -> None:
    settings = Settings(data_dir.settings)
    settings.set("sms.port", str(tmp_path / "no-such-tty"))
    gateway = build_gateway(data_dir, settings, db, clock=lambda: DAYTIME)
    _queue(db, hospital, "随访提醒")
    assert gateway.step() is False
    assert gateway.last_status.problem is ModemProblem.NO_MODEM
    assert _states(db) == {SmsState.QUEUED: 1}


def test_the_pin_from_the_keyring_unlocks_the_sim(
    tmp_path: Path, data_dir: DataDir, db: Database, hospital: Hospital
) -> None:
    from agent_desk import secrets

    secrets.set_secret("sms.pin", "1234")
    try:
        with scripted_modem(tmp_path / "modem", fault="pin") as modem:
            gateway = build_gateway(data_dir, _settings(data_dir, modem), db, clock=lambda: DAYTIME)
            _queue(db, hospital, "【某某市人民医院】明天上午随访，请留意接听。")
            _step_until(gateway, lambda: _states(db).get(SmsState.SENT) == 1)
            gateway.modem.close()
        assert 'AT+CPIN="1234"' in modem.commands()
        assert [m.text for m in modem.received()] == [
            "【某某市人民医院】明天上午随访，请留意接听。"
        ]
    finally:
        secrets.delete_secret("sms.pin")
