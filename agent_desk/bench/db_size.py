"""What the workstation's database costs on disk: bytes per patient, and against CSV.

The CSV is the floor a hospital can picture: every row of every table written out as
text, with no index. The database's size over it says what the indexes, the page layout
and the id encoding cost.
"""

from __future__ import annotations

import csv
from pathlib import Path

from agent_desk.db.sqlcipher import LocalFile


class _ByteCounter:
    """A file-like sink that only counts the UTF-8 bytes written to it."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)


def _readable(value: object) -> object:
    return value.hex() if isinstance(value, bytes) else value


def database_bytes(path: Path) -> int:
    """The database as it sits on disk, with its write-ahead log."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def csv_bytes(file: LocalFile) -> int:
    """The bytes of every table's rows written as CSV (a header line each, no index)."""
    connection = file.connect(read_only=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        sink = _ByteCounter()
        writer = csv.writer(sink)
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            writer.writerow(column[0] for column in cursor.description)
            while rows := cursor.fetchmany(10_000):
                # Ids (16 bytes in SQLite) as the 32 hex digits a person reads and the CSV
                # held before: the floor stays what it was.
                writer.writerows([_readable(value) for value in row] for row in rows)
        return sink.bytes
    finally:
        connection.close()


def size_figures(file: LocalFile, patients: int) -> dict[str, float]:
    """db_bytes_per_patient and db_vs_csv, with the sizes behind them."""
    connection = file.connect()
    try:
        # What a closed database holds: the log folded back into the file.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    on_disk = database_bytes(file.path)
    as_csv = csv_bytes(file)
    return {
        "db_bytes": float(on_disk),
        "csv_bytes": float(as_csv),
        "db_bytes_per_patient": round(on_disk / max(patients, 1)),
        "db_vs_csv": round(on_disk / max(as_csv, 1), 2),
    }
