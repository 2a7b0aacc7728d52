"""What backup tests compare: every table of a SQLite file, as row counts and content hashes."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from agent_desk.db.open import local_file

# Written into the restored database itself, after the copy: not part of what was backed up
# (the restore's audit event, which may start the workstation's audit chain, and its place
# in the outbox, and that chain's bookkeeping: its head and the workstation's identity).
# Logins too: each command signs in, and its login event lands in whichever database is
# there at that moment.
_ADDED_BY_RESTORE = "action NOT IN ('restore', 'chain_started', 'login')"
_RESTORE_BOOKKEEPING = {"audit_chain_heads", "sync_state"}
_QUEUED_BY_RESTORE = f"row_id NOT IN (SELECT id FROM audit_events WHERE NOT ({_ADDED_BY_RESTORE}))"


def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its rows in a fixed order."""
    connection = local_file(path).connect()
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        digests = {}
        for name in sorted(set(names) - _RESTORE_BOOKKEEPING):
            where = {
                "audit_events": f" WHERE {_ADDED_BY_RESTORE}",
                "sync_outbox": f" WHERE {_QUEUED_BY_RESTORE}",
            }.get(name, "")
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{name}"{where}'))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            digests[name] = (len(rows), digest)
        return digests
    finally:
        connection.close()


def add_filler(path: Path, megabytes: int) -> None:
    """Make the database big enough that a backup takes many steps."""
    connection = local_file(path).connect()
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
        connection.execute("BEGIN")
        for _ in range(megabytes):
            connection.execute("INSERT INTO filler VALUES (randomblob(1048576))")
        connection.execute("COMMIT")
    finally:
        connection.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[None]:
    """A real file system of *size* (a tmpfs) mounted on *folder*: a disk that fills up."""
    folder.mkdir(exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
