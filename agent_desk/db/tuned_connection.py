"""One raw connection of an SQLite database, its PRAGMAs set for a bulk write and put back
afterwards: the demo's bulk load (db/bulk_load.py) and a new workstation's first download
(db/sync_snapshot.py) write a million rows through it without changing what every other
connection of the engine does."""

from __future__ import annotations

from typing import ClassVar, Self

from agent_desk.db.engine import Database
from agent_desk.db.sqlcipher import driver


class TunedConnection:
    """Use it as a context manager. A transaction left open on exit is rolled back; the
    PRAGMAs are put back and a passive checkpoint runs before the connection goes back to
    the pool."""

    PRAGMAS: ClassVar[dict[str, int]] = {}

    def __init__(self, db: Database) -> None:
        self._db = db
        self._saved: dict[str, int] = {}

    def __enter__(self) -> Self:
        self._fairy = self._db.engine.raw_connection()
        conn = self._fairy.driver_connection
        assert isinstance(conn, driver.Connection)
        self._conn = conn
        try:
            for name, value in self.PRAGMAS.items():
                self._saved[name] = int(conn.execute(f"PRAGMA {name}").fetchone()[0])
                conn.execute(f"PRAGMA {name}={value}")
        except BaseException:
            self._fairy.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            for name, value in self._saved.items():
                self._conn.execute(f"PRAGMA {name}={value}")
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            self._fairy.close()
