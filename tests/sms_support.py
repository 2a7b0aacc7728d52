"""The two real peers of the SMS tests: a scripted AT modem on a socat PTY, Gammu's dummy phone.

The scripted modem (agent_desk/bench/sms_at_modem.py, which the benchmark drives too) runs
as its own process on the modem end of a socat pair, so that it outlives a gateway a test
kills; what it was sent is read back from its sent.jsonl and decoded with Gammu's decoder.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import gammu  # type: ignore[import-untyped]

from agent_desk.sms.modem import ModemConfig
from agent_desk.sms.pdu import Decoded, decode_submitted
from tests.serial_pair import SocatPair


@dataclass
class ScriptedModem:
    port: Path
    state: Path
    process: subprocess.Popen[bytes]

    @property
    def config(self) -> ModemConfig:
        return ModemConfig(port=str(self.port), connection="at115200")

    def pdus(self) -> list[str]:
        path = self.state / "sent.jsonl"
        if not path.exists():
            return []
        return [json.loads(line)["pdu"] for line in path.read_text().splitlines() if line]

    def received(self) -> list[Decoded]:
        """Every message the modem was handed, its parts joined."""
        return decode_submitted(self.pdus())

    def commands(self) -> str:
        path = self.state / "commands.log"
        return path.read_text() if path.exists() else ""


@contextmanager
def scripted_modem(folder: Path, fault: str = "", delay_s: float = 0.0) -> Iterator[ScriptedModem]:
    folder.mkdir(parents=True, exist_ok=True)
    pair = SocatPair(folder)
    pair.start()
    args = [
        sys.executable,
        "-m",
        "agent_desk.bench.sms_at_modem",
        str(pair.modem_path),
        str(folder),
    ]
    if fault:
        args += ["--fault", fault]
    if delay_s:
        args += ["--delay", str(delay_s)]
    process = subprocess.Popen(args)
    try:
        # A wait for readiness, not a timing check: a loaded machine imports slowly.
        deadline = time.monotonic() + 90
        while not (folder / "ready").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the scripted modem did not start")
            time.sleep(0.01)
        yield ScriptedModem(pair.app_path, folder, process)
    finally:
        process.terminate()
        process.wait(timeout=5)
        pair.stop()


@dataclass
class DummyPhone:
    """Gammu's dummy phone: a folder Gammu reads and writes as if it were a phone."""

    folder: Path

    @property
    def config(self) -> ModemConfig:
        return ModemConfig(port=str(self.folder), connection="none", model="dummy")

    def _machine(self) -> gammu.StateMachine:
        machine = gammu.StateMachine()
        machine.SetConfig(0, self.config.gammu_config())
        machine.Init()
        return machine

    def deliver(self, number: str, text: str, smsc: str = "+8613800100500") -> int:
        """Put a message from *number* in the phone's inbox (multipart when long)."""
        machine = self._machine()
        parts = gammu.EncodeSMS(
            {
                "Class": -1,
                "Unicode": True,
                "Entries": [{"ID": "ConcatenatedTextLong", "Buffer": text}],
            }
        )
        for part in parts:
            part.update(
                {
                    "Number": number,
                    "Folder": 1,
                    "State": "UnRead",
                    "Type": "Deliver",
                    "SMSC": {"Number": smsc},
                    "DateTime": datetime.now(UTC),
                }
            )
            machine.AddSMS(part)
        machine.Terminate()
        return len(parts)

    def report(self, number: str, reference: int, delivered: bool, smsc: str) -> None:
        """A delivery report, as a message centre sends one (perhaps another than ours)."""
        machine = self._machine()
        machine.AddSMS(
            {
                "Number": number,
                "Folder": 1,
                "State": "UnRead",
                "Type": "Status_Report",
                "SMSC": {"Number": smsc},
                "MessageReference": reference,
                "DeliveryStatus": 0 if delivered else 0x41,
                "Text": "",
                "Coding": "Default_No_Compression",
            }
        )
        machine.Terminate()

    def inbox_size(self) -> int:
        machine = self._machine()
        try:
            return int(machine.GetSMSStatus()["SIMUsed"])
        finally:
            machine.Terminate()


def dummy_phone(folder: Path) -> DummyPhone:
    folder.mkdir(parents=True, exist_ok=True)
    return DummyPhone(folder)
