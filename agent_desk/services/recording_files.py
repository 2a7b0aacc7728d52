"""A recording's bytes: WAV → FLAC (lossless), and FLAC sealed with the data key at rest.

A sealed file is MAGIC, a 12-byte nonce, then AES-256-GCM of the FLAC with the call's id as
associated data: a file swapped onto another call's name fails to open, as does any flipped
bit. The checksum (SHA-256) is of the FLAC itself, so that it is the same on every
workstation and on the central server, whichever key each copy is sealed with.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from agent_desk.data_key import data_key
from agent_desk.errors import UserError
from agent_desk.paths import DataDir
from agent_desk.secrets import SecretStoreUnavailable

# soundfile (with numpy) and cryptography are imported where a recording is encoded or
# sealed, never at start-up: the window opens without them (tests/test_startup_imports.py).

log = logging.getLogger(__name__)

MAGIC = b"ADREC1"  # agent_desk recording, format 1
NONCE_BYTES = 12
BLOCK_FRAMES = 65536  # about 4 s at 16 kHz: a long call is encoded without holding it all


class CorruptRecording(UserError):
    """The bytes are not the recording they claim to be: bad seal, bad checksum, not FLAC."""


@dataclass(frozen=True, slots=True)
class EncodedRecording:
    flac: bytes
    duration_s: float
    wav_bytes: int

    @property
    def sha256(self) -> str:
        return sha256_hex(self.flac)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_flac(wav: Path) -> EncodedRecording:
    """The WAV's audio as FLAC, sample for sample (raises soundfile.LibsndfileError or
    OSError for a file that cannot be read)."""
    import soundfile  # type: ignore[import-untyped]

    out = io.BytesIO()
    with soundfile.SoundFile(wav) as source:
        rate, channels, frames = source.samplerate, source.channels, source.frames
        with soundfile.SoundFile(
            out, "w", rate, channels, subtype="PCM_16", format="FLAC"
        ) as target:
            for block in source.blocks(BLOCK_FRAMES, dtype="int16"):
                target.write(block)
    return EncodedRecording(out.getvalue(), frames / rate if rate else 0.0, wav.stat().st_size)


def flac_seconds(flac: bytes) -> float:
    """How long a FLAC plays (raises CorruptRecording when it is not one)."""
    import soundfile

    try:
        info = soundfile.info(io.BytesIO(flac))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise CorruptRecording(f"not a FLAC recording: {error}") from error
    return float(info.frames) / info.samplerate if info.samplerate else 0.0


def seal(key: bytes, call_id: uuid.UUID, flac: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, flac, call_id.bytes)


def unseal(key: bytes, call_id: uuid.UUID, sealed: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + NONCE_BYTES + 16:
        raise CorruptRecording(f"the recording of call {call_id} is not a sealed recording")
    nonce = sealed[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[len(MAGIC) + NONCE_BYTES :], call_id.bytes)
    except InvalidTag as error:
        raise CorruptRecording(
            f"the recording of call {call_id} fails its decryption (damaged, or another key)"
        ) from error


def workstation_key(data_dir: DataDir) -> bytes | None:
    """The data key, or None where no OS keyring holds one: recordings are then kept as
    plain FLAC, which the log and the recordings table (encrypted = false) both say."""
    try:
        return data_key(data_dir)
    except SecretStoreUnavailable as error:
        log.warning("recordings are stored UNENCRYPTED: no OS keyring for the data key (%s)", error)
        return None


def file_name(call_id: uuid.UUID, encrypted: bool) -> str:
    return f"{call_id.hex}.flac.sealed" if encrypted else f"{call_id.hex}.flac"
