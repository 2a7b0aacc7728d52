"""The agent's headset, through Qt Multimedia, as the SIP engine's audio source and sink.

The Linux wheel of pjsua2 has no sound-device support, so pjsua2 sees only a PcmStream;
Qt opens the real microphone and speaker (PulseAudio/PipeWire, WASAPI on Windows).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QIODevice, QObject
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QAudioSource, QMediaDevices

from agent_desk.telephony.pcm_buffer import SAMPLE_WIDTH, HeadsetStream, PcmBuffer

log = logging.getLogger(__name__)


class _SpeakerFeed(QIODevice):
    """Pull-mode source for QAudioSink: queued call audio, silence when there is none."""

    def __init__(self, buffer: PcmBuffer, parent: Any = None) -> None:
        super().__init__(parent)
        self._buffer = buffer

    def readData(self, maxlen: int) -> bytes:
        size = maxlen - maxlen % SAMPLE_WIDTH
        if size <= 0:
            return b""
        # Always a full read: an empty answer would make the sink stop as if at end of file.
        return self._buffer.read(size)

    def writeData(self, data: bytes | bytearray | memoryview, maxlen: int) -> int:
        return -1

    def bytesAvailable(self) -> int:
        return max(len(self._buffer), 4096) + super().bytesAvailable()

    def isSequential(self) -> bool:
        return True


def _pick(devices: list[QAudioDevice], name: str, default: QAudioDevice) -> QAudioDevice:
    for device in devices:
        if name and device.description() == name:
            return device
    return default


class Headset(QObject):
    def __init__(
        self, stream: HeadsetStream, input_name: str = "", output_name: str = "", parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.stream = stream
        self._input_name = input_name
        self._output_name = output_name
        self._source: QAudioSource | None = None
        self._mic: QIODevice | None = None
        self._sink: QAudioSink | None = None
        self._feed = _SpeakerFeed(stream.speaker, self)
        self.problem = ""

    def audio_format(self) -> QAudioFormat:
        fmt = QAudioFormat()
        fmt.setSampleRate(self.stream.clock_rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return fmt

    def start(self) -> bool:
        """Open microphone and speaker; False, with `problem` saying why, if either is missing."""
        fmt = self.audio_format()
        microphone = _pick(
            QMediaDevices.audioInputs(), self._input_name, QMediaDevices.defaultAudioInput()
        )
        speaker = _pick(
            QMediaDevices.audioOutputs(), self._output_name, QMediaDevices.defaultAudioOutput()
        )
        if microphone.isNull() or speaker.isNull():
            if microphone.isNull():
                self.problem = QCoreApplication.translate("Headset", "no microphone")
            else:
                self.problem = QCoreApplication.translate("Headset", "no speaker")
            log.warning("headset not available: %s", self.problem)
            return False
        self._feed.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(speaker, fmt, self)
        self._sink.setBufferSize(self.stream.clock_rate * SAMPLE_WIDTH // 10)  # 100 ms
        self._sink.start(self._feed)
        self._source = QAudioSource(microphone, fmt, self)
        self._mic = self._source.start()
        self._mic.readyRead.connect(self._on_microphone)
        log.info("headset: %s / %s", microphone.description(), speaker.description())
        return True

    def _on_microphone(self) -> None:
        if self._mic is not None:
            self.stream.microphone.write(bytes(self._mic.readAll().data()))

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()
        if self._sink is not None:
            self._sink.stop()
        self._feed.close()
        self._source = self._sink = self._mic = None
