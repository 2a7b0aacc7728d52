"""SMS goals: queue a campaign of 10,000 patients, sends per minute through the scripted AT
modem, and messages sent twice after a gateway is killed mid-campaign (goal 0).

The modem is agent_desk.bench.sms_at_modem on a socat PTY pair: Gammu drives it exactly as
it drives a USB GSM modem, but it answers at once, so sends_per_minute is what Gammu and
the outbox manage, not the 6–10 a minute a real modem and network allow.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from agent_desk.bench.core import BENCH_PRINCIPAL, prepare
from agent_desk.bench.modem_pop import SocatPair
from agent_desk.bench.options import BenchOptions, BenchUnavailable
from agent_desk.bench.stats import rounded
from agent_desk.db import sms_outbox, sms_views
from agent_desk.db.engine import Database
from agent_desk.db.open import open_local
from agent_desk.domain.enums import SmsKind, SmsState
from agent_desk.domain.sms_filter import CampaignFilter
from agent_desk.paths import DataDir
from agent_desk.services.sms_campaigns import CampaignService
from agent_desk.services.sms_gateway import build_gateway
from agent_desk.settings import Settings
from agent_desk.sms.pdu import decode_submitted

CAMPAIGN_PATIENTS = 10_000
SENDS = 30
KILL_CAMPAIGN = 12
TEMPLATE = "{姓名}您好，{科室}提醒您按时服药、定期复诊。回复TD退订"


def run_sms(options: BenchOptions) -> dict[str, float]:
    if shutil.which("socat") is None:
        raise BenchUnavailable("socat is not installed (Debian: apt-get install socat)")
    queue_s, queued = _campaign_queue(options)
    with tempfile.TemporaryDirectory(prefix="sms-bench-") as scratch:
        per_minute = _sends_per_minute(Path(scratch))
    with tempfile.TemporaryDirectory(prefix="sms-kill-") as scratch:
        duplicates, lost = _duplicates_after_kill(Path(scratch))
    return {
        "campaign_queue_10k_s": rounded(queue_s),
        "campaign_queued": float(queued),
        "sends_per_minute": rounded(per_minute),
        "duplicates_after_kill": float(duplicates),
        "uncertain_after_kill": float(lost),
    }


def _campaign_queue(options: BenchOptions) -> tuple[float, int]:
    data, db = prepare(options.folder, CAMPAIGN_PATIENTS, name="sms")
    try:
        settings = Settings(data / "settings.json")
        settings.set("sms.signature", "某某市人民医院")
        service = CampaignService(db, settings)
        started = time.perf_counter()
        result = service.send(BENCH_PRINCIPAL, "bench", TEMPLATE, CampaignFilter())
        return time.perf_counter() - started, result.queued
    finally:
        db.dispose()


def _scripted_modem(
    folder: Path, delay_s: float = 0.0
) -> tuple[SocatPair, subprocess.Popen[bytes]]:
    folder.mkdir(parents=True, exist_ok=True)
    pair = SocatPair(folder)
    pair.start()
    command = [sys.executable, "-m", "agent_desk.bench.sms_at_modem", str(pair.modem_path)]
    modem = subprocess.Popen([*command, str(folder), "--delay", str(delay_s)])
    deadline = time.monotonic() + 10
    while not (folder / "ready").exists():
        if modem.poll() is not None or time.monotonic() > deadline:
            pair.stop()
            raise BenchUnavailable("the scripted modem did not start")
        time.sleep(0.01)
    return pair, modem


def _stop(pair: SocatPair, modem: subprocess.Popen[bytes]) -> None:
    modem.terminate()
    modem.wait(timeout=5)
    pair.stop()


def _workstation(folder: Path, port: Path) -> tuple[DataDir, Database]:
    data = DataDir(folder / "data")
    data.root.mkdir()
    settings = Settings(data.settings)
    settings.set("sms.port", str(port))
    settings.set("sms.quiet_hours", "00:00-00:00")  # measured whatever the hour
    return data, open_local(data.database)


def _queue(db: Database, count: int) -> None:
    with db.write() as session:
        sms_outbox.queue(
            session,
            [
                sms_outbox.NewMessage(
                    kind=SmsKind.CAMPAIGN,
                    number=f"+86139{n:08d}",
                    text=f"【某某市人民医院】第{n}条：请按时服药、定期复诊。",
                    created_by="bench",
                )
                for n in range(count)
            ],
            datetime.now(UTC),
        )


def _sends_per_minute(folder: Path) -> float:
    pair, modem = _scripted_modem(folder / "modem")
    try:
        data, db = _workstation(folder, pair.app_path)
        _queue(db, SENDS)
        gateway = build_gateway(data, Settings(data.settings), db)
        gateway.step()  # opens the modem (Gammu's start-up is not a send) and sends one
        started = time.perf_counter()
        sent = 1
        while gateway.step():
            sent += 1
        elapsed = time.perf_counter() - started
        gateway.modem.close()
        db.dispose()
    finally:
        _stop(pair, modem)
    return (sent - 1) / elapsed * 60


def _duplicates_after_kill(folder: Path) -> tuple[int, int]:
    """SIGKILL a gateway process mid-campaign, run another to the end; count numbers that
    the modem received twice, and messages left UNCERTAIN (not resent)."""
    modem_dir = folder / "modem"
    pair, modem = _scripted_modem(modem_dir, delay_s=0.3)
    try:
        data, db = _workstation(folder, pair.app_path)
        _queue(db, KILL_CAMPAIGN)
        child = [sys.executable, "-m", "agent_desk.bench.sms_gateway_child", str(data.root)]
        first = subprocess.Popen(child)
        deadline = time.monotonic() + 60
        while _pdus(modem_dir) < 3 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.02)
        if os.name == "nt":
            first.terminate()
        else:
            first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        subprocess.run([*child, "--once"], check=True, timeout=300)
        received = Counter(m.number for m in decode_submitted(_pdu_list(modem_dir)))
        with db.read() as session:
            uncertain = sms_views.counts(session).get(SmsState.UNCERTAIN, 0)
        db.dispose()
    finally:
        _stop(pair, modem)
    return sum(count - 1 for count in received.values()), uncertain


def _pdu_list(folder: Path) -> list[str]:
    import json

    path = folder / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["pdu"] for line in path.read_text().splitlines() if line]


def _pdus(folder: Path) -> int:
    return len(_pdu_list(folder))
