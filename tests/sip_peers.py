"""Real SIP peers for the tests: baresip as the patient's phone, sipp for scripted SIP.

Both run on loopback with ports picked free at the time; every helper cleans up after
itself. Tests skip (with the reason) only when a binary is not installed.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from agent_desk.telephony.events import TelephonyEvent

SIP_DIR = Path(__file__).parent / "sip"
E = TypeVar("E", bound=TelephonyEvent)


def require(*binaries: str) -> None:
    missing = [name for name in binaries if shutil.which(name) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian: apt-get install sip-tester baresip)")


def _bindable(port: int) -> bool:
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1, and the one above it too.

    SIP listens on UDP and TCP; baresip puts SIP/TLS on port + 1 and RTP/RTCP pairs take
    port + 1 as well, so both must be clear.
    """
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
        if port < 65535 and _bindable(port) and _bindable(port + 1):
            return port
    raise RuntimeError("no free port pair found")


# --- events ----------------------------------------------------------------------


class EventLog:
    """A thread-safe sink that tests can wait on."""

    def __init__(self) -> None:
        self.events: list[TelephonyEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: TelephonyEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, kind: type[E]) -> list[E]:
        with self._cond:
            return [event for event in self.events if isinstance(event, kind)]

    def wait_for(
        self, kind: type[E], predicate: Callable[[E], bool] = lambda _e: True, timeout: float = 10
    ) -> E:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events:
                    if isinstance(event, kind) and predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    kinds = [type(event).__name__ for event in self.events]
                    raise AssertionError(f"no {kind.__name__} within {timeout} s; saw {kinds}")
                self._cond.wait(remaining)


# --- audio -----------------------------------------------------------------------


def write_tone_wav(path: Path, frequency: float, seconds: float, rate: int = 8000) -> Path:
    count = int(rate * seconds)
    samples = [int(12000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count)]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack(f"<{count}h", *samples))
    return path


def read_wav(path: Path) -> tuple[int, list[int]]:
    """Sample rate and samples of a mono 16-bit WAV (raises if it is not finalised)."""
    with wave.open(str(path), "rb") as source:
        assert source.getnchannels() == 1 and source.getsampwidth() == 2
        rate = source.getframerate()
        data = source.readframes(source.getnframes())
    return rate, list(struct.unpack(f"<{len(data) // 2}h", data))


def loud_part(samples: list[int], rate: int, threshold: int = 2000) -> list[int]:
    """The samples between the first and last 20 ms block whose peak exceeds *threshold*."""
    block = rate // 50
    loud = [
        i
        for i in range(0, len(samples) - block, block)
        if max(abs(s) for s in samples[i : i + block]) > threshold
    ]
    if not loud:
        return []
    return samples[loud[0] : loud[-1] + block]


def dominant_hz(samples: list[int], rate: int) -> float:
    """Frequency from zero crossings per second: enough for one clean tone."""
    if len(samples) < 2:
        return 0.0
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)


class EarPiece:
    """A PcmStream standing in for the agent's headset: silent mic, recorded earpiece."""

    def __init__(self) -> None:
        self.heard = bytearray()

    def read_frame(self, n_bytes: int) -> bytes:
        return bytes(n_bytes)

    def write_frame(self, pcm: bytes) -> None:
        self.heard += pcm

    def samples(self) -> list[int]:
        return list(struct.unpack(f"<{len(self.heard) // 2}h", bytes(self.heard)))


# --- processes -------------------------------------------------------------------


class Peer:
    """A subprocess whose output is collected line by line, for waiting on."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.args = args
        self.lines: list[str] = []
        self._eof = False
        self._cond = threading.Condition()
        self.process = subprocess.Popen(
            args,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    @property
    def output(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = 10) -> re.Match[str]:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines:
                    if match := regex.search(line):
                        return match
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._eof:
                    raise AssertionError(
                        f"{self.args[0]}: no line matching {pattern!r}:\n"
                        + "\n".join(self.lines[-40:])
                    )
                self._cond.wait(remaining)

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text)
        self.process.stdin.flush()

    def wait(self, timeout: float) -> int:
        code = self.process.wait(timeout)
        self._reader.join(2)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        self._reader.join(2)


class Baresip:
    """baresip as the remote phone, driven through its stdio menu."""

    def __init__(
        self,
        folder: Path,
        *,
        user: str = "13800138000",
        display_name: str = "Zhang San",
        tone: Path | None = None,
        auto_answer: bool = False,
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.user = user
        self.display_name = display_name
        self.auto_answer = auto_answer
        # This baresip's aufile module has no player: the sndfile filter dumps what the
        # phone decodes (dump-*-dec.wav) and what it sends (dump-*-enc.wav) instead.
        self.dumps = folder / "dumps"
        self.dumps.mkdir(exist_ok=True)
        # baresip hangs up when its source file ends, so the default is a long silence.
        self.source = tone or write_tone_wav(folder / "silence.wav", 0, 30)
        self.peer: Peer | None = None
        self._configure(free_port())

    def _configure(self, port: int) -> None:
        self.port = port
        (self.folder / "config").write_text(
            f"sip_listen 127.0.0.1:{port}\n"
            f"snd_path {self.dumps}\n"
            f"audio_source aufile,{self.source}\n"
            "audio_alert aufile,/dev/null\n"
            "module_path /usr/lib/baresip/modules\n"
            "module stdio.so\nmodule g711.so\nmodule aufile.so\nmodule sndfile.so\n"
            "module_app account.so\nmodule_app menu.so\n"
        )
        answer = ";answermode=auto" if self.auto_answer else ""
        uri = f"sip:{self.user}@127.0.0.1:{port}"
        (self.folder / "accounts").write_text(f'"{self.display_name}" <{uri}>;regint=0{answer}\n')
        self.uri = uri

    @property
    def heard(self) -> Path:
        """What baresip received and decoded on its last call."""
        dumps = sorted(self.dumps.glob("dump-*-dec.wav"))
        assert dumps, f"baresip wrote no audio dump in {self.dumps}"
        return dumps[-1]

    def start(self, *commands: str) -> Baresip:
        args = ["baresip", "-f", str(self.folder)]
        for command in commands:
            args += ["-e", command]
        # Another process on a busy machine can take the port between free_port() and
        # baresip's bind: then baresip says so and stops, and a new port is tried.
        for attempt in range(3):
            self.peer = Peer(args, self.folder)
            try:
                self.peer.wait_for_line("baresip is ready")
                return self
            except AssertionError:
                lost_race = any("Address already in use" in line for line in self.peer.lines)
                self.peer.close()
                if not lost_race or attempt == 2:
                    raise
                self._configure(free_port())
        raise AssertionError("unreachable")

    def command(self, text: str) -> None:
        assert self.peer is not None
        self.peer.send(text + "\n")

    def quit(self, timeout: float = 5) -> None:
        """Quit cleanly, so that heard.wav gets its final header."""
        assert self.peer is not None
        if self.peer.process.poll() is None:
            self.command("/quit")
            self.peer.wait(timeout)

    def close(self) -> None:
        if self.peer is not None:
            self.peer.close()


@contextlib.contextmanager
def baresip(folder: Path, *commands: str, **kwargs: object) -> Iterator[Baresip]:
    phone = Baresip(folder, **kwargs)  # type: ignore[arg-type]
    try:
        yield phone.start(*commands)
    finally:
        phone.close()


class Sipp:
    """One sipp run with a scenario from tests/sip/ (or a built-in one)."""

    def __init__(
        self,
        folder: Path,
        scenario: str,
        *,
        remote: str | None = None,
        extra: list[str] | None = None,
        transport: str = "u1",
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        args = ["sipp"]
        if scenario.endswith(".xml"):
            args += ["-sf", str(SIP_DIR / scenario)]
        else:
            args += ["-sn", scenario]
        if remote:
            args.append(remote)
        args += [
            "-i",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-mp",
            str(free_port()),
            "-t",
            transport,
            "-nostdin",
            "-trace_err",
            "-timeout",
            "20s",
            "-timeout_error",
        ]
        args += extra or []
        self.folder = folder
        self.peer = Peer(args, folder)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait(self, timeout: float = 20) -> int:
        try:
            return self.peer.wait(timeout)
        finally:
            self.peer.close()

    def received(self, method: str) -> int:
        """How many *method* requests sipp has received so far (needs -trace_msg)."""
        logs = self.folder.glob("*_messages.log")
        text = "".join(path.read_text(errors="replace") for path in logs)
        return len(re.findall(rf"message received[^\n]*\n\n{method} ", text))

    def errors(self) -> str:
        logs = sorted(self.folder.glob("*_errors.log"))
        return "\n".join(path.read_text(errors="replace") for path in logs) + self.peer.output

    def close(self) -> None:
        self.peer.close()


def tone_amplitude(samples: list[int], rate: int, frequency: float) -> float:
    """Amplitude (0..1 of full scale) of one frequency in *samples* (Goertzel filter).

    Unlike zero crossings this separates two tones mixed together, e.g. both parties
    of a call in one recording.
    """
    if not samples:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * frequency / rate)
    s1 = s2 = 0.0
    for sample in samples:
        s1, s2 = sample + coeff * s1 - s2, s1
    power = max(s1 * s1 + s2 * s2 - coeff * s1 * s2, 0.0)
    return 2 * math.sqrt(power) / len(samples) / 32768
