"""The workstation's SQLite file as SQLCipher opens it: the one way to connect to it.

Every connection to the local database, the engine's and the raw ones (the phone index,
backups, the benchmarks, the tests), is made by LocalFile.connect, which gives the key
before anything else is read. The key is the workstation's 32-byte data key, given raw
(`x'…'`), so no key derivation runs on each connection. A LocalFile without a key is a
plain SQLite file: where the computer has no OS keyring to hold the key (see db/open.py).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desk.domain.knowledge_text import KNOWLEDGE_BIGRAMS_FUNCTION, han_bigrams
from agent_desk.paths import fsync_folder

if TYPE_CHECKING:
    # sqlcipher3 ships no type hints; it is the standard library's own pysqlite code built
    # against SQLCipher, with the same API, so it is type-checked as that.
    import sqlite3 as driver
else:
    import sqlcipher3.dbapi2 as driver

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "FileState",
    "LocalFile",
    "driver",
    "encrypt_plain_file",
    "export_copy",
]


def _null(value: None) -> None:
    return value


# sqlcipher3's binding code (pysqlite's older copy) sends every parameter that is not an
# exact int, float or str through its adapter protocol, whose last two steps look up
# __adapt__ and __conform__ by name and raise and clear an AttributeError each time:
# nearly a microsecond a NULL, and most rows bind several (a million downloaded patients
# bound six million: a third of the download's CPU). Found in the registry, the same
# values bind as they did, at the cost of a call. Process-wide, for every connection of
# this driver: all of them are made by this module.
driver.register_adapter(type(None), _null)
driver.register_adapter(bool, int)  # bound as 0 and 1 either way
driver.register_adapter(bytes, bytes)  # the same object back

PLAIN_HEADER = b"SQLite format 3\x00"
DEFAULT_TIMEOUT_S = 5.0
_ENCRYPTING_PREFIX = ".encrypting-"


class FileState(Enum):
    NEW = "new"  # missing or empty: SQLite writes the first page
    PLAIN = "plain"  # a plain SQLite file
    ENCRYPTED = "encrypted"  # anything else: SQLCipher's first page starts with a random salt


def file_state(path: Path) -> FileState:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(PLAIN_HEADER))
    except FileNotFoundError:
        return FileState.NEW
    if not header:
        return FileState.NEW
    return FileState.PLAIN if header == PLAIN_HEADER else FileState.ENCRYPTED


@dataclass(frozen=True, repr=False)
class LocalFile:
    """A SQLite file and the key that opens it (None: stored plain)."""

    path: Path
    key: bytes | None

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def beside(self, other: Path) -> LocalFile:
        """Another file (a backup, a copy) under the same key."""
        return LocalFile(other, self.key)

    def connect(
        self,
        *,
        read_only: bool = False,
        create: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        check_same_thread: bool = True,
    ) -> driver.Connection:
        """A connection in autocommit mode (the caller issues BEGIN), keyed.

        Without *create*, a missing file is an error, never a new empty database.
        """
        mode = "ro" if read_only else "rwc" if create else "rw"
        connection = driver.connect(
            f"{self.path.resolve().as_uri()}?mode={mode}",
            uri=True,
            isolation_level=None,
            timeout=timeout_s,
            check_same_thread=check_same_thread,
        )
        try:
            # SQLCipher writes its errors (a wrong key) to stderr by default; ours are
            # turned into one line for the user instead.
            connection.execute("PRAGMA cipher_log_level = NONE")
            if self.key is not None:
                connection.execute(f"PRAGMA key = {key_literal(self.key)}")
            # The knowledge base's search triggers call it, whoever writes an article.
            connection.create_function(
                KNOWLEDGE_BIGRAMS_FUNCTION, 1, han_bigrams, deterministic=True
            )
        except BaseException:
            connection.close()
            raise
        return connection

    def __repr__(self) -> str:  # never the key, in a log or a traceback
        return f"LocalFile({str(self.path)!r}, encrypted={self.encrypted})"


def key_literal(key: bytes) -> str:
    """SQLCipher's raw key syntax: the bytes are the cipher key, no passphrase derivation."""
    return f"\"x'{key.hex()}'\""


def encrypt_plain_file(path: Path, key: bytes) -> bool:
    """Replace the plain SQLite file at *path* with an encrypted copy; False when it was no
    longer plain (another process did it first).

    The copy (sqlcipher_export) goes to a hidden file beside it, is checked table by table,
    flushed, and renamed over the original: a process killed half way leaves the plain
    original as it was, and only encrypted half files behind (removed on the next try).
    Holding the write lock during the copy keeps other connections from writing to a file
    that is about to go.
    """
    locker = LocalFile(path, None).connect()
    try:
        try:
            locker.execute("BEGIN IMMEDIATE")
        except driver.DatabaseError:
            if file_state(path) is not FileState.PLAIN:
                return False  # replaced before we connected: another process encrypted it
            raise
        if file_state(path) is not FileState.PLAIN:
            return False
        # Under the write lock, so these are not another process's copy under way.
        _remove_half_files(path)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=_ENCRYPTING_PREFIX, suffix=".tmp")
        os.close(fd)  # mkstemp made it 0600: SQLite keeps the mode of the file it finds
        temp = Path(temp_name)
        try:
            # Another connection: this one holds the write lock, that one reads the last
            # committed state (WAL lets it) and writes the copy.
            export_copy(LocalFile(path, None), LocalFile(temp, key))
            _fsync(temp)
            os.replace(temp, path)
        except BaseException:
            _remove_with_sidecars(temp)
            raise
    finally:
        if locker.in_transaction:
            locker.execute("ROLLBACK")
        locker.close()
    # The plain WAL and shared memory were the old file's: the new one must not take them.
    for sidecar in _sidecars(path):
        sidecar.unlink(missing_ok=True)
    fsync_folder(path.parent)
    return True


def export_copy(source: LocalFile, target: LocalFile) -> None:
    """Write a checked copy of *source* to the new file *target*, under target's key (or
    plain). The backup API cannot do this: it copies pages between files of one key."""
    connection = source.connect()
    try:
        key = "''" if target.key is None else key_literal(target.key)  # '': plain
        connection.execute(f"ATTACH DATABASE ? AS copy KEY {key}", (str(target.path),))
        connection.execute("BEGIN")  # one snapshot of the source for the copy and its counts
        connection.execute("SELECT sqlcipher_export('copy')").fetchall()
        # SQLite's own user_version is not copied by sqlcipher_export.
        version = connection.execute("PRAGMA main.user_version").fetchone()[0]
        connection.execute(f"PRAGMA copy.user_version = {int(version)}")
        expected = _row_counts(connection)
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE copy")
    finally:
        connection.close()
    _check_copy(target, expected)


def _row_counts(connection: driver.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: connection.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0]
        for table in tables
    }


def _check_copy(copy: LocalFile, expected: dict[str, int]) -> None:
    """The copy reads under its key, passes quick_check, and holds every table with as many
    rows as the original."""
    connection = copy.connect()
    try:
        (result,) = connection.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise driver.DatabaseError(f"the copy {copy.path} failed its check: {result}")
        for table, rows in expected.items():
            if connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] != rows:
                raise driver.DatabaseError(f"the copy {copy.path} of table {table} differs")
    finally:
        connection.close()


def _remove_half_files(path: Path) -> None:
    for leftover in path.parent.glob(f"{_ENCRYPTING_PREFIX}*.tmp"):
        _remove_with_sidecars(leftover)


def _sidecars(path: Path) -> tuple[Path, Path, Path]:
    return (
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        path.with_name(path.name + "-journal"),
    )


def _remove_with_sidecars(path: Path) -> None:
    for leftover in (path, *_sidecars(path)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
