"""A modem on a socat PTY pair: the `modem_pop` benchmark, and the harness the tests share.

`SocatPair` links two pseudo-terminals: the workstation opens ``app`` as it would a USB modem,
and `ModemPlayer` sits on ``modem``, answering AT commands and printing caller-ID like one.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final

from agent_desk.telephony.events import ModemState
from agent_desk.telephony.modem import ModemConfig, ModemEngine

if TYPE_CHECKING:  # the PTY pair and the player serve the tests without Qt
    from agent_desk.bench.screen_pop_desk import ScreenPopDesk

# Each benchmark call waits this long to end before the next; short, to keep 200 calls quick.
_BENCH_RING_GAP_S: Final = 0.03


class SocatMissing(RuntimeError):
    pass


class SocatPair:
    """Two linked PTYs under *folder*; stop() makes the device vanish, start() brings it back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.modem_path = folder / "modem"
        self.app_path = folder / "app"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout_s: float = 5.0) -> None:
        socat = shutil.which("socat")
        if socat is None:
            raise SocatMissing(
                "socat is not installed; the modem is played on a socat PTY pair "
                "(Debian: apt-get install socat)"
            )
        # A socat killed outright leaves its links behind; they must not pass for new ones.
        self.modem_path.unlink(missing_ok=True)
        self.app_path.unlink(missing_ok=True)
        self._log = open(self.folder / "socat.log", "ab")  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            [
                socat,
                "-d",
                "-d",
                f"pty,raw,echo=0,link={self.modem_path}",
                f"pty,raw,echo=0,link={self.app_path}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline = time.monotonic() + timeout_s
        while not (self.modem_path.exists() and self.app_path.exists()):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"socat made no PTY pair; see {self.folder / 'socat.log'}")
            time.sleep(0.005)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> SocatPair:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class ModemPlayer:
    """Plays a Hayes modem on the far end: echoes and answers AT commands, prints what it's told.

    *replies* maps a command to "OK", "ERROR" or None (no answer at all); others get OK.
    """

    def __init__(self, path: Path, replies: Mapping[str, str | None] | None = None) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self._replies = dict(replies or {})
        self._commands: list[str] = []
        self._changed = threading.Condition()
        self._write_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="modem-player", daemon=True)
        self._thread.start()

    @property
    def commands(self) -> list[str]:
        with self._changed:
            return list(self._commands)

    def send(self, data: bytes) -> None:
        with self._write_lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]

    def send_lines(self, *lines: str) -> None:
        """Lines as a modem prints them, each framed by CRLF, in one write (one burst)."""
        self.send("".join(f"\r\n{line}\r\n" for line in lines).encode())

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(2)
        os.close(self._fd)

    def _serve(self) -> None:
        pending = b""
        while not self._stopping.is_set():
            ready, _, _ = select.select([self._fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._fd, 1024)
            except OSError:
                return  # socat went away: the device has vanished
            pending += data
            *commands, pending = pending.split(b"\r")
            for raw in commands:
                self._answer(raw.strip().decode("ascii", errors="replace"))

    def _answer(self, command: str) -> None:
        if not command:
            return
        with self._changed:
            self._commands.append(command)
            self._changed.notify_all()
        reply = self._replies.get(command, "OK")
        out = f"{command}\r"  # real modems echo until told ATE0
        if reply is not None:
            out += f"\r\n{reply}\r\n"
        try:
            self.send(out.encode())
        except OSError:
            return  # vanished while answering


def measure_modem_pop(
    numbers: Sequence[str],
    desk: ScreenPopDesk,
    calls: int = 200,
    *,
    with_name: bool = False,
    timeout_s: float = 5.0,
) -> list[float]:
    """Milliseconds from writing each caller-ID block until the card is on *desk*'s screen.

    One call after another, numbers taken in turn, each through the workstation's bridge
    and controller. By default a block is DATE, TIME and NMBR, as exchanges in China send
    it: with no NAME to close it, each pop includes the engine's quiet gap
    (ModemConfig.block_gap_s). *with_name* adds a NAME line, which pops at once.
    """
    if not numbers:
        raise ValueError("no numbers to call from")
    latencies: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="modem-bench-") as scratch,
        SocatPair(Path(scratch)) as pair,
    ):
        player = ModemPlayer(pair.modem_path)
        config = ModemConfig(str(pair.app_path), ring_gap_s=_BENCH_RING_GAP_S)
        engine = ModemEngine(config, desk.post)
        engine.start()
        try:
            if not desk.run_until(
                lambda: any(s.state is ModemState.READY for s in desk.modem_states), timeout_s
            ):
                raise RuntimeError("the modem engine did not become ready")
            for index in range(calls):
                lines = ["DATE = 1122", "TIME = 1405", f"NMBR = {numbers[index % len(numbers)]}"]
                if with_name:
                    lines.append("NAME = ZHANG SAN")
                latencies.append(_pop_one(desk, player, lines, timeout_s, f"call {index + 1}"))
        finally:
            engine.stop()
            player.close()
    return latencies


def _pop_one(
    desk: ScreenPopDesk, player: ModemPlayer, lines: list[str], timeout_s: float, name: str
) -> float:
    """Milliseconds from writing *lines* until the card is on screen; returns once the call
    has ended (no rings follow), so that each block starts a call of its own."""
    popped, ended = desk.popped, desk.ended
    started_ns = time.perf_counter_ns()
    player.send_lines(*lines)
    if not desk.run_until(lambda: desk.popped > popped, timeout_s):
        raise RuntimeError(f"{name} did not pop within {timeout_s} s")
    latency = (desk.pops()[-1].shown_ns - started_ns) / 1e6
    if not desk.run_until(lambda: desk.ended > ended, timeout_s):
        raise RuntimeError(f"{name} did not end")
    return latency
