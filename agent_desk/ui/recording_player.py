"""The recording player: play/pause, a position slider and speed 1.0/1.5/2.0, through Qt
Multimedia.

The FLAC is played from memory (a QBuffer handed to setSourceDevice): the decrypted
recording never touches the disk. Stopping and letting go of a source are queued to the
player's own slots, run by the event loop without the Python lock: the FFmpeg back end's
threads call into the buffer (a Python-made object, so they need that lock) while stop()
waits for them, and a stop() called from Python, holding the lock, could wait for ever.
How long was listened is the recording time that went by while playing (seeks excluded),
reported by `finished` when the recording is closed, for the audit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    Q_ARG,
    QBuffer,
    QByteArray,
    QIODevice,
    QMetaObject,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

SPEEDS = (1.0, 1.5, 2.0)
_MAX_STEP_MS = 1500  # a bigger jump of the position while playing is a seek, not listening


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class RecordingPlayer(QWidget):
    finished = Signal(float)  # seconds listened, when the recording is closed
    playing = Signal()  # the opened recording is in PlayingState for the first time

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self._buffer: QBuffer | None = None
        self._releasing = 0  # closed sources whose queued stop and release have not run
        self._listened_ms = 0
        self._last_position = 0
        self._announced = False
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setObjectName("playButton")
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("positionSlider")
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.time_label = QLabel(_clock(0))
        self.speed = QComboBox()
        self.speed.setObjectName("speedCombo")
        for rate in SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.currentIndexChanged.connect(
            lambda _i: self.player.setPlaybackRate(float(self.speed.currentData()))
        )
        row = QHBoxLayout(self)
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.time_label)
        row.addWidget(QLabel(self.tr("Speed")))
        row.addWidget(self.speed)
        self.player.durationChanged.connect(self._on_duration)
        self.player.positionChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(self._on_state)
        self.setEnabled(False)

    @property
    def is_open(self) -> bool:
        return self._buffer is not None

    @property
    def listened_s(self) -> float:
        return self._listened_ms / 1000.0

    def open(self, flac: bytes, name: str = "recording.flac") -> None:
        """Play *flac* from memory (closing what was open, which reports its listening)."""
        self.close_recording()
        if self._releasing:
            # After the queued stop and release (see the module docstring), which would
            # otherwise stop and empty the new source too.
            QTimer.singleShot(0, self, lambda: self._start(flac, name))
            return
        self._start(flac, name)

    def _start(self, flac: bytes, name: str) -> None:
        buffer = QBuffer(self)
        buffer.setData(QByteArray(flac))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self._listened_ms = self._last_position = 0
        self._announced = False
        # The URL only names the format for the decoder: nothing is read from or written to it.
        self.player.setSourceDevice(buffer, QUrl(name))
        self.player.setPlaybackRate(float(self.speed.currentData()))
        self.setEnabled(True)
        self.player.play()

    def toggle(self) -> None:
        if self.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def close_recording(self) -> None:
        """Stop, let go of the decrypted bytes, and report how long was listened."""
        if self._buffer is None:
            return
        queued = Qt.ConnectionType.QueuedConnection
        QMetaObject.invokeMethod(self.player, "stop", queued)
        QMetaObject.invokeMethod(self.player, "setSource", queued, Q_ARG("QUrl", QUrl()))
        buffer, self._buffer = self._buffer, None
        self._releasing += 1
        QTimer.singleShot(0, self, lambda: self._let_go(buffer))
        self.setEnabled(False)
        self.slider.setValue(0)
        self.time_label.setText(_clock(0))
        self.finished.emit(self.listened_s)

    def _let_go(self, buffer: QBuffer) -> None:
        """The decrypted bytes, once the player has let go of them."""
        self._releasing -= 1
        buffer.close()
        buffer.setData(QByteArray())
        buffer.deleteLater()

    def _on_duration(self, duration_ms: int) -> None:
        self.slider.setRange(0, max(0, duration_ms))

    def _on_position(self, position_ms: int) -> None:
        step = position_ms - self._last_position
        playing = self.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState
        if playing and 0 < step <= _MAX_STEP_MS * max(SPEEDS):
            self._listened_ms += step
        self._last_position = position_ms
        if not self.slider.isSliderDown():
            self.slider.setValue(position_ms)
        self.time_label.setText(f"{_clock(position_ms)} / {_clock(self.player.duration())}")

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        is_playing = state is QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(self.tr("Pause") if is_playing else self.tr("Play"))
        if is_playing and not self._announced:
            self._announced = True
            self.playing.emit()
