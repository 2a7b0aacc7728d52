"""The recordings folder: a call's WAV kept as sealed FLAC, read back checked, and fetched
from the central server when this workstation has no good copy.

Nothing here decides who may listen: that is the library's (services/recordings.py). A
copy that fails its checksum or its decryption, or that is gone from the disk, is flagged
(RecordingLocation.CORRUPT / MISSING) and reported as RecordingUnavailable, never a crash;
when the central server has the recording, a good copy is fetched in its place.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.db import recording_blobs
from agent_desk.db import recordings as held_recordings
from agent_desk.db.engine import Database
from agent_desk.db.recordings import HeldRecording
from agent_desk.domain.enums import RecordingCodec, RecordingLocation, RecordingStatus
from agent_desk.errors import UserError
from agent_desk.paths import DataDir, private_folder, write_atomically
from agent_desk.services.recording_files import (
    CorruptRecording,
    encode_flac,
    file_name,
    seal,
    sha256_hex,
    unseal,
    workstation_key,
)
from agent_desk.settings import Settings
from agent_desk.sync.errors import SyncError, explain_central

if TYPE_CHECKING:  # the central stack (psycopg) loads only where a server is configured
    from agent_desk.db.sync_central import PgConnection
    from agent_desk.sync.central import CentralConfig

log = logging.getLogger(__name__)


class RecordingUnavailable(UserError):
    """The recording cannot be played here now; str() says why in one line."""

    def __init__(self, message: str, location: RecordingLocation | None = None) -> None:
        super().__init__(message)
        self.location = location


class RecordingStore:
    def __init__(
        self, db: Database, data_dir: DataDir, central: CentralConfig | None = None
    ) -> None:
        self._db = db
        self._data_dir = data_dir
        self.central = central  # None: this workstation works alone

    @property
    def folder(self) -> Path:
        return self._data_dir.recordings

    def path(self, held: HeldRecording) -> Path:
        return self.folder / held.file_name

    # --- after a call ------------------------------------------------------------------

    def keep(self, call_id: uuid.UUID, wav: Path) -> HeldRecording | None:
        """Turn the call's finished WAV into a sealed FLAC, record it, delete the WAV.

        Any failure leaves the WAV where it is (logged): a recording is never lost to a
        failed conversion, and the call itself is long over."""
        with self._db.read() as session:
            facts = held_recordings.call_facts(session, call_id)
        if facts is None:
            log.error("recording %s kept as WAV: no call %s in the call log", wav, call_id)
            return None
        import soundfile  # type: ignore[import-untyped]  # with numpy: not at start-up

        try:
            encoded = encode_flac(wav)
        except (soundfile.LibsndfileError, RuntimeError, OSError) as error:
            log.error("recording %s kept as WAV: it cannot be read as audio (%s)", wav, error)
            return None
        key = workstation_key(self._data_dir)
        held = HeldRecording(
            call_id=call_id,
            started_at=facts.started_at,
            duration_s=encoded.duration_s,
            bytes=len(encoded.flac),
            sha256=encoded.sha256,
            codec=RecordingCodec.FLAC,
            encrypted=key is not None,
            file_name=file_name(call_id, key is not None),
            location=RecordingLocation.LOCAL,
            uploaded_at=None,
        )
        stored = seal(key, call_id, encoded.flac) if key is not None else encoded.flac
        try:
            self._write(held, stored)
        except OSError as error:
            log.error("recording %s kept as WAV: cannot write %s (%s)", wav, held.file_name, error)
            return None
        try:
            wav.unlink()
        except OSError as error:
            log.error("the WAV %s of a stored recording cannot be deleted: %s", wav, error)
        return held

    def _write(self, held: HeldRecording, stored: bytes) -> None:
        private_folder(self.folder)
        write_atomically(self.path(held), stored)
        with self._db.write() as session:
            held_recordings.keep(session, held)
            held_recordings.mark_recording(
                session, held.call_id, RecordingStatus.RECORDED, str(self.path(held))
            )

    # --- reading -----------------------------------------------------------------------

    def held(self, call_id: uuid.UUID) -> HeldRecording | None:
        with self._db.read() as session:
            return held_recordings.held(session, call_id)

    def read(self, call_id: uuid.UUID) -> tuple[HeldRecording, bytes]:
        """The recording's FLAC, checked: from this disk, else fetched from the central
        server (and kept here, sealed, for next time)."""
        held = self.held(call_id)
        if held is not None and held.location not in (
            RecordingLocation.MISSING,
            RecordingLocation.CORRUPT,
        ):
            try:
                return held, self.read_local(held)
            except RecordingUnavailable as problem:
                if self.central is None or problem.location is None:
                    raise
                log.warning("%s; fetching the central copy", problem)
        return self.fetch(call_id, flagged=held)

    def read_local(self, held: HeldRecording) -> bytes:
        """This disk's copy, decrypted and checked; a bad one is flagged, then raised."""
        try:
            raw = self.path(held).read_bytes()
        except FileNotFoundError:
            raise self._flag(held, RecordingLocation.MISSING, "is missing from this disk") from None
        if held.encrypted:
            key = workstation_key(self._data_dir)
            if key is None:
                raise RecordingUnavailable(
                    "the recording is encrypted and the OS keyring holding its key is not available"
                )
            try:
                raw = unseal(key, held.call_id, raw)
            except CorruptRecording:
                raise self._flag(held, RecordingLocation.CORRUPT, "fails its decryption") from None
        if sha256_hex(raw) != held.sha256:
            raise self._flag(held, RecordingLocation.CORRUPT, "fails its checksum")
        return raw

    def _flag(
        self, held: HeldRecording, location: RecordingLocation, why: str
    ) -> RecordingUnavailable:
        log.error("the recording of call %s %s: flagged %s", held.call_id, why, location.value)
        with self._db.write() as session:
            held_recordings.set_location(session, held.call_id, location)
        return RecordingUnavailable(f"the recording of call {held.call_id} {why}", location)

    def check(self, call_id: uuid.UUID) -> RecordingLocation | None:
        """Read this disk's copy through (flagging a bad one); its location after."""
        held = self.held(call_id)
        if held is None:
            return None
        with contextlib.suppress(RecordingUnavailable):
            self.read_local(held)
        after = self.held(call_id)
        return None if after is None else after.location

    # --- the central copy --------------------------------------------------------------

    @contextmanager
    def central_connection(self) -> Iterator[PgConnection]:
        if self.central is None:
            raise RecordingUnavailable(
                "this recording was made on another workstation, and no central server is "
                "configured to fetch it from"
            )
        import psycopg  # here: a workstation without a central server never loads it

        from agent_desk.sync.central import connect

        where = self.central.where
        with connect(self.central) as conn:
            try:
                yield conn
            except psycopg.Error as error:
                raise explain_central(error, where) from error

    def fetch(
        self, call_id: uuid.UUID, flagged: HeldRecording | None = None
    ) -> tuple[HeldRecording, bytes]:
        """Copy the recording down from the central server, check it, keep it sealed."""
        with self.central_connection() as conn:
            facts = recording_blobs.complete_facts(conn, call_id)
            if facts is None:
                raise RecordingUnavailable(
                    f"the recording of call {call_id} is not on the central server (yet)",
                    None if flagged is None else flagged.location,
                )
            flac = b"".join(recording_blobs.read_chunks(conn, call_id))
        if sha256_hex(flac) != facts.sha256 or len(flac) != facts.bytes:
            raise RecordingUnavailable(
                f"the central copy of the recording of call {call_id} fails its checksum",
                RecordingLocation.CORRUPT,
            )
        key = workstation_key(self._data_dir)
        made_here = flagged is not None and flagged.uploaded_at is not None
        held = HeldRecording(
            call_id=call_id,
            started_at=facts.started_at,
            duration_s=facts.duration_s,
            bytes=facts.bytes,
            sha256=facts.sha256,
            codec=facts.codec,
            encrypted=key is not None,
            file_name=file_name(call_id, key is not None),
            # A copy made here and repaired from the server is still one the server has.
            location=RecordingLocation.UPLOADED if made_here else RecordingLocation.FETCHED,
            uploaded_at=None if flagged is None else flagged.uploaded_at,
        )
        private_folder(self.folder)
        write_atomically(self.path(held), seal(key, call_id, flac) if key is not None else flac)
        with self._db.write() as session:
            held_recordings.keep(session, held)
        return held, flac

    def delete_file(self, held: HeldRecording) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(held).unlink()


def open_store(db: Database, data_dir: DataDir, settings: Settings) -> RecordingStore:
    """The store as the settings set it up: with the central server when one is configured
    (a central setting that is wrong leaves the store local, logged)."""
    central: CentralConfig | None = None
    if settings.get("central.url"):
        from agent_desk.sync.central import config_from_settings

        try:
            central = config_from_settings(settings.get)
        except SyncError as error:
            log.warning("recordings stay on this workstation: %s", error)
    return RecordingStore(db, data_dir, central)
