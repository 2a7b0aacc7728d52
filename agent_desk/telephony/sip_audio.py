"""Audio plumbing around pjsua2's conference bridge: the agent's audio source, recordings
and announcements.

Everything that holds a pjsua2 media object is created, wired and destroyed on the SIP
thread, and destroyed before `libDestroy` (which would otherwise delete the C++ side
under a live Python proxy and crash later in the garbage collector).

The headset bridge is deliberately pjsua2-free on the caller's side: the UI supplies a
`PcmStream` (plain bytes in, bytes out) and the engine wraps it in its own
`AudioMediaPort`, so no pjsua2 object ever escapes to a thread or lifetime the engine
does not control.
"""

from __future__ import annotations

import logging
import math
import struct
import time
import wave
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pjsua2 as pj  # type: ignore[import-untyped]

from agent_desk.domain.enums import RecordingStatus
from agent_desk.paths import private_file, private_folder
from agent_desk.telephony.events import RecordingConsent
from agent_desk.telephony.sip_pj import error_text, log_exception

log = logging.getLogger(__name__)

SAMPLE_WIDTH = 2  # signed 16-bit little-endian PCM, mono, everywhere in the bridge
FRAME_MS = 20


@runtime_checkable
class PcmStream(Protocol):
    """The agent's side of a call as raw PCM (16-bit LE mono at the engine's clock rate).

    Both methods run on pjmedia's clock thread every 20 ms: keep them short, never block,
    and do not call back into the engine from them.
    """

    def read_frame(self, n_bytes: int) -> bytes:
        """What the agent says: exactly *n_bytes*, or fewer (padded with silence)."""
        ...

    def write_frame(self, pcm: bytes) -> None:
        """What the agent hears."""
        ...


class ToneSource:
    """A sine tone as a PcmStream: test equipment, and a stand-in for a microphone."""

    def __init__(self, frequency_hz: float, clock_rate: int = 16000, amplitude: float = 0.3):
        self.frequency_hz = frequency_hz
        self.clock_rate = clock_rate
        self._amplitude = int(32767 * amplitude)
        self._sample_index = 0

    def read_frame(self, n_bytes: int) -> bytes:
        count = n_bytes // SAMPLE_WIDTH
        step = 2 * math.pi * self.frequency_hz / self.clock_rate
        start = self._sample_index
        samples = [int(self._amplitude * math.sin(step * (start + i))) for i in range(count)]
        self._sample_index = (start + count) % self.clock_rate  # keeps the phase continuous
        return struct.pack(f"<{count}h", *samples)

    def write_frame(self, pcm: bytes) -> None:
        """A tone has no ears: what the call sends is dropped."""


class _BridgePort(pj.AudioMediaPort):  # type: ignore[misc]
    """A conference-bridge port that forwards frames to and from a PcmStream."""

    def __init__(self, stream: PcmStream, clock_rate: int) -> None:
        super().__init__()
        self.stream = stream
        self._errors = 0
        fmt = pj.MediaFormatAudio()
        fmt.init(pj.PJMEDIA_FORMAT_PCM, clock_rate, 1, FRAME_MS * 1000, SAMPLE_WIDTH * 8)
        self.createPort("agent-audio", fmt)

    # A Python exception escaping a director callback becomes a C++ exception on the
    # clock thread, which terminates the process: hence the broad catch, logged sparingly.
    def onFrameRequested(self, frame: Any) -> None:
        try:
            size = int(frame.size)
            data = self.stream.read_frame(size)
            if len(data) < size:
                data += bytes(size - len(data))
            frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
            frame.buf = pj.ByteVector(data[:size])
        except Exception:
            self._log_error("reading the agent's audio")

    def onFrameReceived(self, frame: Any) -> None:
        try:
            # bytes(ByteVector) costs ~0.3 ms per 20 ms frame: SWIG copies element-wise.
            self.stream.write_frame(bytes(frame.buf))
        except Exception:
            self._log_error("writing the remote party's audio")

    def _log_error(self, what: str) -> None:
        self._errors += 1
        if self._errors in (1, 10, 100) or self._errors % 1000 == 0:
            log_exception(log, "audio bridge failed %s (%d times)", what, self._errors)


def open_bridge(stream: PcmStream, clock_rate: int) -> Any:
    """Wrap *stream* in a registered conference port (SIP thread only)."""
    return _BridgePort(stream, clock_rate)


def recording_path(folder: Path, call_id: str, when: datetime) -> Path:
    return folder / f"{when:%Y%m%d-%H%M%S}_{call_id}.wav"


class CallMedia:
    """The media one call owns: its recorder and announcement player.

    Nothing is recorded, and no announcement played, until the call's recording consent
    is GIVEN: the patient is known only once the screen-pop has looked the number up, and
    a refusal (不同意录音) known by then must never reach the disk. A refusal that comes
    later (an unknown caller the agent links to a refusing patient) stops the recorder and
    deletes the file. With consent, the announcement (if any) plays first and the recorder
    starts when it has finished, so the patient has heard it before a word is kept.
    `close()` at DISCONNECTED releases both and returns the finalised recording with its
    status.
    """

    def __init__(self, recording: Path | None, announcement: Path | None = None) -> None:
        self.recording = recording  # None: this line does not record (call.record off)
        self._announcement = announcement
        self._consent: RecordingConsent | None = None
        self._failed = False
        self._recorder: Any = None
        self._player: Any = None
        self._record_at: float | None = None  # monotonic time the announcement ends
        self._connected_am: Any = None
        self._ep: Any = None
        self._source: Any = None
        self.muted = False

    def connect(self, ep: Any, call_audio: Any, source: Any) -> None:
        """Wire one active call's audio: remote ⇄ agent, both → recorder once allowed.

        Safe to repeat after re-INVITEs: connecting already-connected ports is a no-op.
        """
        self._ep, self._connected_am, self._source = ep, call_audio, source
        capture = _capture(ep, source)
        call_audio.startTransmit(_sink(ep, source))
        if not self.muted:
            capture.startTransmit(call_audio)
        if self._recorder is not None:
            call_audio.startTransmit(self._recorder)
            if not self.muted:
                capture.startTransmit(self._recorder)
        self._begin_if_allowed()

    def decide(self, consent: RecordingConsent) -> None:
        """The screen-pop's word on recording this call (SIP thread)."""
        if self._consent is RecordingConsent.REFUSED:
            return  # a refusal is final for the call
        self._consent = consent
        if consent is RecordingConsent.REFUSED:
            self._discard()
        else:
            self._begin_if_allowed()

    def tick(self, now: float) -> None:
        """Start the recorder once the announcement has been heard (the engine's loop)."""
        if self._record_at is not None and now >= self._record_at:
            self._record_at = None
            self._start_recorder()

    def _begin_if_allowed(self) -> None:
        allowed = self._consent is RecordingConsent.GIVEN and self.recording is not None
        if not allowed or self._connected_am is None or self._started:
            return
        if self._announcement is not None and self._play(self._announcement):
            self._record_at = time.monotonic() + wav_seconds(self._announcement)
        else:
            self._start_recorder()

    @property
    def _started(self) -> bool:
        return self._player is not None or self._recorder is not None or self._failed

    def _start_recorder(self) -> None:
        path = self.recording
        if path is None or self._connected_am is None:
            return
        try:
            # Created owner-only first: the recorder keeps the mode of the file it finds.
            private_file(private_folder(path.parent) / path.name)
            recorder = pj.AudioMediaRecorder()
            recorder.createRecorder(str(path))
        except (OSError, pj.Error) as error:
            # The call goes on unrecorded rather than failing; CallEnded then says so.
            log.error("cannot record to %s: %s", path, error_text(error))
            self._failed = True
            return
        self._recorder = recorder
        self._connected_am.startTransmit(recorder)
        if not self.muted:
            _capture(self._ep, self._source).startTransmit(recorder)

    def _discard(self) -> None:
        """Stop the announcement and recorder, and delete what was recorded."""
        self._player = None
        self._record_at = None
        recorder, self._recorder = self._recorder, None
        if recorder is None:
            return
        del recorder
        assert self.recording is not None
        wait_wav_finalised(self.recording)
        try:
            self.recording.unlink(missing_ok=True)
        except OSError as error:
            log.error("cannot delete the refused recording %s: %s", self.recording, error)
        log.info("recording %s discarded: the patient does not consent", self.recording.name)

    def replace_source(self, ep: Any, old: Any, new: Any) -> None:
        """Move the call from one agent source to another (headset plugged in or out)."""
        call_audio = self._connected_am
        if call_audio is None:
            return
        old_port = _capture(ep, old)
        call_audio.stopTransmit(_sink(ep, old))
        old_port.stopTransmit(call_audio)
        if self._recorder is not None:
            old_port.stopTransmit(self._recorder)
        self.connect(ep, call_audio, new)

    def set_muted(self, ep: Any, source: Any, muted: bool) -> None:
        """Muting stops the agent reaching the patient and the recording alike."""
        self.muted = muted
        if self._connected_am is None:
            return
        capture = _capture(ep, source)
        targets = [self._connected_am] + ([self._recorder] if self._recorder is not None else [])
        for target in targets:
            if muted:
                capture.stopTransmit(target)
            else:
                capture.startTransmit(target)

    def _play(self, announcement: Path) -> bool:
        try:
            player = pj.AudioMediaPlayer()
            player.createPlayer(str(announcement), pj.PJMEDIA_FILE_NO_LOOP)
        except pj.Error as error:
            log.error("cannot play the announcement %s: %s", announcement, error_text(error))
            return False
        player.startTransmit(self._connected_am)
        self._player = player
        return True

    def close(self, answered: bool) -> tuple[Path | None, RecordingStatus]:
        """Release the player and recorder (SIP thread); the finalised recording, or why
        there is none."""
        self._player = None
        self._connected_am = None
        self._record_at = None
        recorder, self._recorder = self._recorder, None
        if recorder is None:
            return None, self._why_unrecorded(answered)
        del recorder  # the C++ destructor writes the WAV header
        assert self.recording is not None
        if not wait_wav_finalised(self.recording):
            log.error("recording %s was not finalised in time", self.recording)
        return self.recording, RecordingStatus.RECORDED

    def _why_unrecorded(self, answered: bool) -> RecordingStatus:
        if self._consent is RecordingConsent.REFUSED:
            return RecordingStatus.PATIENT_REFUSED
        if not answered:
            return RecordingStatus.NOT_CONNECTED
        if self.recording is None:
            return RecordingStatus.SWITCHED_OFF
        if self._failed:
            return RecordingStatus.FAILED
        if self._consent is RecordingConsent.GIVEN:
            return RecordingStatus.ENDED_DURING_ANNOUNCEMENT
        # Answered, recording on, yet nobody gave consent: the shared number's patient
        # was never confirmed.
        return RecordingStatus.CONSENT_UNCONFIRMED


def _capture(ep: Any, source: Any) -> Any:
    """The agent's voice: the bridge port, or the null device's (silent) capture side."""
    return ep.audDevManager().getCaptureDevMedia() if source is None else source


def _sink(ep: Any, source: Any) -> Any:
    return ep.audDevManager().getPlaybackDevMedia() if source is None else source


def wav_is_finalised(path: Path) -> bool:
    """True when the RIFF header's sizes match the file (pjmedia writes them on destroy)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(44)
        size = path.stat().st_size
    except OSError:
        return False
    if len(header) < 44 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        return False
    riff_size = struct.unpack_from("<I", header, 4)[0]
    return bool(riff_size == size - 8)


def wait_wav_finalised(path: Path, timeout_s: float = 0.5) -> bool:
    # pjmedia 2.15 removes conference ports asynchronously on the clock thread, so the
    # header may be written one tick after the recorder is deleted.
    deadline = time.monotonic() + timeout_s
    while not wav_is_finalised(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def wav_seconds(path: Path) -> float:
    """How long a WAV file plays; 0 when it cannot be read (pjmedia then refused it too)."""
    try:
        with wave.open(str(path), "rb") as source:
            return source.getnframes() / source.getframerate()
    except (OSError, EOFError, wave.Error) as error:
        log.warning("cannot read the length of %s: %s", path, error)
        return 0.0
