"""A new workstation's first download: server rows go into its empty tables as plain
inserts, on a connection of their own set up for a bulk load (db/sync_local.py writes the
rows of every later pull, merged with what the workstation holds)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_desk.db.sqlcipher import driver
from agent_desk.db.sync_local import storage_marks
from agent_desk.db.sync_tables import SyncedTable
from agent_desk.db.tuned_connection import TunedConnection
from agent_desk.foreground import in_turns


@cache
def insert_sql(table: SyncedTable) -> str:
    """The plain INSERT of a server row (SQLite storage form, table column order)."""
    names = table.column_names
    columns = ", ".join(f'"{name}"' for name in names)
    return f'INSERT INTO "{table.name}" ({columns}) VALUES ({storage_marks(table)})'


def takes_plain_inserts(session: Session, table: SyncedTable) -> bool:
    """Whether server rows can go into *table* as plain inserts: it is empty and no change
    to it waits to go up, so there is nothing for an upsert to merge with or leave alone
    (a new workstation's first download: most of the rows it will ever pull)."""
    found = session.connection().exec_driver_sql(
        f'SELECT EXISTS (SELECT 1 FROM "{table.name}") OR EXISTS (SELECT 1 FROM sync_outbox '
        "WHERE status = 'pending' AND table_name = ?)",
        (table.name,),
    )
    return not found.scalar()


class SnapshotWriter(TunedConnection):
    """Plain inserts of server rows into empty tables, on a connection of their own set up
    for a bulk load (as bulk_load.BulkLoad is) and put back afterwards.

    Each batch is its own short transaction (a phone call's writes wait for at most one).
    synchronous=NORMAL: the batches are not flushed one by one; a power cut may lose the
    last of them, never damage the file, and the download saves its cursor last, with an
    fsync, so lost batches are downloaded again. The large page cache keeps the randomly
    filled indexes (names) in memory while a million rows go in, and checkpoints come every
    64 MiB of log instead of every 4 MiB: a page that every batch touches (an index's
    right edge) is copied into the file once per checkpoint, not once per batch."""

    PRAGMAS: ClassVar[dict[str, int]] = {
        "synchronous": 1,
        "cache_size": -262_144,
        "wal_autocheckpoint": 16_384,
    }

    def insert(self, table: SyncedTable, rows: Sequence[Sequence[Any]]) -> bool:
        """Insert rows (SQLite storage form, table column order) in one transaction; False,
        with nothing of them written, when a constraint refuses one."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for chunk in in_turns(rows):  # a call's pop goes first (agent_desk.foreground)
                self._conn.executemany(insert_sql(table), chunk)
        except driver.IntegrityError:
            self._rollback()
            return False
        except driver.OperationalError as exc:
            self._rollback()
            # As the engine's connections raise it, so the sync names a full disk alike.
            raise OperationalError(insert_sql(table), None, exc) from exc
        except BaseException:
            self._rollback()
            raise
        self._conn.execute("COMMIT")
        return True

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk): a second
        # ROLLBACK would fail and hide the error that the caller must see.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
