"""A bounded, thread-safe PCM queue between the headset (Qt) and the call (pjmedia).

Each side runs on its own clock: the sound card's and pjmedia's. When the writer runs
ahead, the oldest audio is dropped so that the delay stays under `max_ms` instead of
growing through the call; when the reader runs ahead, it gets silence.
"""

from __future__ import annotations

import threading

SAMPLE_WIDTH = 2  # 16-bit mono


class PcmBuffer:
    def __init__(self, clock_rate: int, max_ms: int = 200) -> None:
        self._limit = clock_rate * SAMPLE_WIDTH * max_ms // 1000
        self._data = bytearray()
        self._lock = threading.Lock()
        self.dropped_bytes = 0
        self.underrun_bytes = 0

    def write(self, pcm: bytes) -> None:
        with self._lock:
            self._data += pcm
            excess = len(self._data) - self._limit
            if excess > 0:
                excess += excess % SAMPLE_WIDTH  # never split a sample
                del self._data[:excess]
                self.dropped_bytes += excess

    def read(self, n_bytes: int) -> bytes:
        """Exactly *n_bytes*: what is queued, then silence."""
        with self._lock:
            chunk = bytes(self._data[:n_bytes])
            del self._data[:n_bytes]
        missing = n_bytes - len(chunk)
        if missing:
            self.underrun_bytes += missing
            chunk += b"\0" * missing
        return chunk

    def read_available(self, max_bytes: int) -> bytes:
        """Up to *max_bytes* of what is queued, whole samples only; no padding."""
        with self._lock:
            size = min(len(self._data), max_bytes)
            size -= size % SAMPLE_WIDTH
            chunk = bytes(self._data[:size])
            del self._data[:size]
        return chunk

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class HeadsetStream:
    """The PcmStream the SIP engine pulls from and pushes to; the UI fills and drains it."""

    def __init__(self, clock_rate: int, max_ms: int = 200) -> None:
        self.clock_rate = clock_rate
        self.microphone = PcmBuffer(clock_rate, max_ms)  # agent → call
        self.speaker = PcmBuffer(clock_rate, max_ms)  # call → agent

    def read_frame(self, n_bytes: int) -> bytes:
        return self.microphone.read(n_bytes)

    def write_frame(self, pcm: bytes) -> None:
        self.speaker.write(pcm)
