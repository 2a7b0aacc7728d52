"""A scripted GSM modem: answers Gammu's AT commands on the modem end of a socat PTY.

The peer of the SMS tests and of `agent-desk bench sms`. Run as its own process
(``python -m agent_desk.bench.sms_at_modem PTY STATE_DIR [--fault KIND] [--delay S]``) so
that it outlives a gateway that is killed. Every PDU the workstation sends with ``AT+CMGS``
is appended to ``STATE_DIR/sent.jsonl`` (one JSON object a line: the hex PDU and its
message reference) before the modem answers, so the test decodes what went over the line.
``STATE_DIR/commands.log`` keeps every command, for a failing test to show.

Faults play the modem's bad days: ``pin`` (the SIM asks for its PIN until AT+CPIN gives
``PIN_OK``), ``no-network`` (not registered; AT+CMGS fails with +CMS ERROR: 331),
``sim-full`` (AT+CMGS fails with +CMS ERROR: 322, memory full), ``reject`` (the network
refuses every message: +CMS ERROR: 38).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

PIN_OK = "1234"
CTRL_Z = b"\x1a"
ESC = b"\x1b"


class ScriptedModem:
    def __init__(self, fd: int, state: Path, fault: str, delay_s: float) -> None:
        self.fd, self.state, self.fault, self.delay_s = fd, state, fault, delay_s
        self.echo = True
        self.pin_needed = fault == "pin"
        self.reference = 0
        self.pdu_length: int | None = None
        self.buffer = b""
        self.log = (state / "commands.log").open("a", encoding="utf-8")

    def write(self, text: str) -> None:
        os.write(self.fd, text.encode("ascii"))

    def reply(self, *lines: str, final: str = "OK") -> None:
        out = "".join(f"\r\n{line}\r\n" for line in lines)
        self.write(out + f"\r\n{final}\r\n")

    def serve(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                return  # socat went away: the device vanished
            if not chunk:
                return
            self.buffer += chunk
            self._drain()

    def _drain(self) -> None:
        while True:
            if self.pdu_length is not None:
                end = min(
                    (i for i in (self.buffer.find(CTRL_Z), self.buffer.find(ESC)) if i >= 0),
                    default=-1,
                )
                if end < 0:
                    return
                pdu, terminator = self.buffer[:end], self.buffer[end : end + 1]
                self.buffer = self.buffer[end + 1 :]
                self.pdu_length = None
                if self.echo:
                    os.write(self.fd, pdu + terminator)
                if terminator == CTRL_Z:
                    self._sent(pdu.decode("ascii").strip())
                else:
                    self.reply()
                continue
            end = self.buffer.find(b"\r")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 1 :]
            self.buffer = self.buffer.lstrip(b"\n")
            if self.echo:
                os.write(self.fd, line + b"\r")
            command = line.decode("ascii", "replace").strip()
            if command:
                self.log.write(command + "\n")
                self.log.flush()
                self._command(command)

    def _sent(self, pdu: str) -> None:
        if self.fault == "no-network":
            self.write("\r\n+CMS ERROR: 331\r\n")
            return
        if self.fault == "sim-full":
            self.write("\r\n+CMS ERROR: 322\r\n")
            return
        if self.fault == "reject":  # the network refuses this message (e.g. a barred number)
            self.write("\r\n+CMS ERROR: 38\r\n")
            return
        self.reference = (self.reference + 1) % 256
        with (self.state / "sent.jsonl").open("a", encoding="utf-8") as sent:
            sent.write(json.dumps({"pdu": pdu, "reference": self.reference}) + "\n")
            sent.flush()
            os.fsync(sent.fileno())
        time.sleep(self.delay_s)  # a real modem takes seconds to hand a part to the network
        self.reply(f"+CMGS: {self.reference}")

    def _command(self, command: str) -> None:  # one table of answers, in the order Gammu asks
        upper = command.upper()
        if upper in ("AT", "ATZ", "AT&F") or upper.startswith(("AT&", "ATV", "ATQ", "ATX")):
            self.reply()
        elif upper.startswith("ATE"):
            self.echo = not upper.endswith("0")
            self.reply()
        elif upper.startswith("AT+CPIN?"):
            self.reply("+CPIN: SIM PIN" if self.pin_needed else "+CPIN: READY")
        elif upper.startswith("AT+CPIN="):
            if command.split("=", 1)[1].strip('"') == PIN_OK:
                self.pin_needed = False
                self.reply()
            else:
                self.reply(final="+CME ERROR: 16")
        elif self.pin_needed and upper.startswith(("AT+CMGS", "AT+CMGL", "AT+CSQ", "AT+CPMS")):
            self.reply(final="+CME ERROR: 11")  # SIM PIN required
        elif upper.startswith("AT+CGMI"):
            self.reply("AgentDesk")
        elif upper.startswith("AT+CGMM"):
            self.reply("ScriptedModem")
        elif upper.startswith("AT+CGMR"):
            self.reply("1.0")
        elif upper.startswith(("AT+CGSN", "AT+GSN")):
            self.reply("861234567890123")
        elif upper.startswith("AT+CIMI"):
            self.reply("460001234567890")
        elif upper.startswith("AT+CSQ"):
            self.reply("+CSQ: 0,99" if self.fault == "no-network" else "+CSQ: 21,99")
        elif upper.startswith(("AT+CREG?", "AT+CGREG?")):
            state = 0 if self.fault == "no-network" else 1
            name = upper[2:].split("?")[0]  # +CREG or +CGREG
            self.reply(f'{name}: 2,{state},"1A2B","00C3D4E5",0')
        elif upper.startswith("AT+CGATT?"):
            self.reply(f"+CGATT: {0 if self.fault == 'no-network' else 1}")
        elif upper.startswith("AT+COPS=3"):
            self.reply()
        elif upper.startswith("AT+COPS?"):
            self.reply('+COPS: 0,2,"46000"')
        elif upper.startswith("AT+CSCS=?"):
            self.reply('+CSCS: ("GSM","IRA","UCS2")')
        elif upper.startswith("AT+CSCS?"):
            self.reply('+CSCS: "IRA"')
        elif upper.startswith("AT+CMGF=?"):
            self.reply("+CMGF: (0,1)")
        elif upper.startswith("AT+CMGF"):
            self.reply()
        elif upper.startswith("AT+CSCA?"):
            self.reply('+CSCA: "+8613800100500",145')
        elif upper.startswith("AT+CPMS=?"):
            self.reply('+CPMS: ("SM"),("SM"),("SM")')
        elif upper.startswith("AT+CPMS"):
            used = 30 if self.fault == "sim-full" else 0
            self.reply(f"+CPMS: {used},30,{used},30,{used},30")
        elif upper.startswith("AT+CMGS="):
            self.pdu_length = int(command.split("=", 1)[1])
            self.write("\r\n> ")
        elif upper.startswith("AT+CMGL") or upper.startswith(
            ("AT+CMEE", "AT+CNMI", "AT+CFUN", "AT+CREG=", "AT+CGREG=", "AT+CSCS=", "AT+CCWA")
        ):
            self.reply()
        else:
            self.reply(final="ERROR")  # what a plain modem says to a vendor's command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pty")
    parser.add_argument("state", type=Path)
    parser.add_argument(
        "--fault", default="", choices=("", "pin", "no-network", "sim-full", "reject")
    )
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    fd = os.open(args.pty, os.O_RDWR | os.O_NOCTTY)
    (args.state / "ready").write_text(str(os.getpid()))
    ScriptedModem(fd, args.state, args.fault, args.delay).serve()
    sys.exit(0)


if __name__ == "__main__":
    main()
