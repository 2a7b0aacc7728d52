"""`agent-desk sms`: send, campaign, status, and a gateway killed mid-campaign."""

from __future__ import annotations

import io
import json
import os
import signal
import time
from collections import Counter
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_desk.db import sms_outbox, sms_views
from agent_desk.db.engine import Database
from agent_desk.domain.enums import SmsKind, SmsState
from agent_desk.paths import DataDir
from agent_desk.settings import Settings
from tests.builders import Hospital
from tests.cli_login import add_account, run
from tests.serial_pair import requires_socat
from tests.sms_support import scripted_modem
from tests.test_backup_processes import finished, signed_in


def _out(data_dir: DataDir, *args: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = run(data_dir, *args)
    return status, buffer.getvalue()


def test_send_then_status_shows_it_queued(data_dir: DataDir, hospital: Hospital) -> None:
    add_account(data_dir)
    status, out = _out(data_dir, "sms", "send", "138 0013 8000", "明天上午随访，请留意接听")
    assert status == 0 and "138****8000" in out
    status, out = _out(data_dir, "sms", "status", "--json")
    assert json.loads(out)["outbox"] == {"queued": 1}


def test_a_campaign_dry_run_previews_and_queues_nothing(
    data_dir: DataDir, db: Database, hospital: Hospital
) -> None:
    add_account(data_dir)
    Settings(data_dir.settings).set("sms.signature", "某某市人民医院")
    status, out = _out(
        data_dir,
        "sms",
        "campaign",
        "--template",
        "health_talk",
        "--filter",
        "department=CARD",
        "--dry-run",
    )
    assert status == 0
    assert out.startswith("1 patients would get")
    assert "【某某市人民医院】王秀英您好，心血管内科将于本周六" in out
    with db.read() as session:
        assert sms_views.counts(session) == {}
    status, out = _out(
        data_dir, "sms", "campaign", "--template", "health_talk", "--filter", "department=CARD"
    )
    assert status == 0 and "1 queued" in out
    with db.read() as session:
        assert sms_views.counts(session) == {SmsState.QUEUED: 1}


def test_a_campaign_needs_a_supervisor(data_dir: DataDir, hospital: Hospital) -> None:
    add_account(data_dir)
    add_account(data_dir, "nurse1", roles=("nurse",), departments=("CARD",))
    assert run(data_dir, "sms", "campaign", "--template", "health_talk", user="nurse1") == 1


CAMPAIGN = 8


@requires_socat
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_gateway_killed_mid_campaign_sends_nothing_twice(
    tmp_path: Path, data_dir: DataDir, db: Database
) -> None:
    add_account(data_dir)
    numbers = [f"+861390000{n:04d}" for n in range(CAMPAIGN)]
    with db.write() as session:
        sms_outbox.queue(
            session,
            [
                sms_outbox.NewMessage(
                    kind=SmsKind.CAMPAIGN,
                    number=number,
                    text=f"【医院】第{i}条群发短信",
                    created_by="test",
                )
                for i, number in enumerate(numbers)
            ],
            datetime.now(UTC),
        )
    with scripted_modem(tmp_path / "modem", delay_s=0.4) as modem:
        settings = Settings(data_dir.settings)
        settings.set("sms.port", str(modem.port))
        settings.set("sms.quiet_hours", "00:00-00:00")  # whatever the hour the test runs at
        gateway = signed_in(data_dir, "sms", "gateway")
        deadline = time.monotonic() + 60
        while len(modem.pdus()) < 3:
            assert gateway.poll() is None and time.monotonic() < deadline, modem.commands()
            time.sleep(0.02)
        gateway.send_signal(signal.SIGKILL)
        gateway.wait(timeout=10)
        rerun = finished(data_dir, "sms", "gateway", "--once")
        assert rerun.returncode == 0, rerun.stderr
        received = Counter(message.number for message in modem.received())
    assert max(received.values()) == 1  # nothing twice
    with db.read() as session:
        counts = sms_views.counts(session)
    assert counts.get(SmsState.SENT, 0) + counts.get(SmsState.UNCERTAIN, 0) == CAMPAIGN
    assert counts.get(SmsState.UNCERTAIN, 0) <= 1
    assert len(received) >= CAMPAIGN - 1


def test_a_message_sent_by_hand_is_in_the_audit_log_masked(
    data_dir: DataDir, db: Database, hospital: Hospital
) -> None:
    from agent_desk.db.audit_log import AuditFilter
    from agent_desk.domain.enums import AuditAction
    from agent_desk.services.audit_log import AuditLogService
    from tests.builders import SUPERVISOR

    add_account(data_dir)
    assert run(data_dir, "sms", "send", "13800138000", "明天上午随访") == 0
    entries = AuditLogService(db).page(SUPERVISOR, AuditFilter(action=AuditAction.SMS_SENT))
    (sms,) = entries
    assert "138****8000" in sms.about and "D000000001" in sms.about
    assert "number=138****8000" in sms.detail
    assert "13800138000" not in sms.about + sms.detail
