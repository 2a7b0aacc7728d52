"""One sync cycle (upload, then download) over a kept connection: `agent-desk sync --once`.

Upload first, so that a conflict found on the way up is settled before the download
brings the server's rows down.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Protocol

import psycopg
from sqlalchemy.exc import OperationalError

from agent_desk.db import sync_central, sync_local
from agent_desk.db.engine import Database
from agent_desk.db.sync_central import PgConnection, ServerInfo
from agent_desk.db.sync_local import SyncCounts
from agent_desk.sync.central import CentralConfig, check_schema, connect, workstation_name
from agent_desk.sync.errors import SyncError, explain_central, explain_local
from agent_desk.sync.pull import PullReport, pull
from agent_desk.sync.push import Hook, PushReport, push

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    push: PushReport
    pull: PullReport
    counts: SyncCounts
    seconds: float

    def summary(self) -> str:
        parts = [f"uploaded {self.push.sent:,}"]
        if self.push.conflicts or self.push.rejected:
            parts.append(f"{self.push.conflicts} conflicts, {self.push.rejected} refused")
        kind = "resynced" if self.pull.resynced else "downloaded"
        parts.append(f"{kind} {self.pull.applied:,}")
        parts.append(f"{self.counts.pending:,} waiting")
        if self.counts.blocked:
            parts.append(f"{self.counts.blocked:,} held back")
        if self.counts.open_issues:
            parts.append(f"{self.counts.open_issues} to review (conflicts)")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


class CentralLink:
    """A connection to the central server, checked and registered once, reused until it
    fails. Not thread-safe: one sync thread owns it."""

    def __init__(self, config: CentralConfig, client_id: uuid.UUID) -> None:
        self.config = config
        self.client_id = client_id
        self._conn: PgConnection | None = None
        self._server: ServerInfo | None = None

    def open(self) -> tuple[PgConnection, ServerInfo]:
        if self._conn is None or self._conn.closed or self._server is None:
            self.close()
            conn = connect(self.config)
            try:
                server = check_schema(conn, self.config.where)
                sync_central.register_client(conn, self.client_id, workstation_name())
            except BaseException:
                conn.close()
                raise
            self._conn, self._server = conn, server
        return self._conn, self._server

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                log.debug("closing a broken central connection", exc_info=True)
        self._conn = None
        self._server = None


def client_id(db: Database) -> uuid.UUID:
    """This workstation's id on the central server (made on first use, kept in sync_state)."""
    with db.read() as session:
        state = sync_local.read_state(session)
    if state is not None:
        return state.client_id
    with db.write() as session:
        return sync_local.ensure_state(session).client_id


def counts(db: Database) -> SyncCounts:
    with db.read() as session:
        return sync_local.counts(session)


def run_cycle(
    db: Database,
    link: CentralLink,
    *,
    push_batch: int = 1000,
    pull_batch: int = 2000,
    before_commit: Hook | None = None,
    after_commit: Hook | None = None,
) -> SyncReport:
    """Push then pull over *link*; any failure closes the link and raises a SyncError."""
    started = time.perf_counter()
    try:
        conn, server = link.open()
        pushed = push(
            db,
            conn,
            link.client_id,
            batch_size=push_batch,
            before_commit=before_commit,
            after_commit=after_commit,
        )
        pulled = pull(db, conn, server, batch_size=pull_batch)
    except SyncError:
        link.close()
        raise
    except psycopg.Error as exc:
        link.close()
        raise explain_central(exc, link.config.where) from exc
    except OperationalError as exc:
        link.close()
        local = explain_local(exc, str(db.engine.url.database))
        if local is None:
            raise
        raise local from exc
    return SyncReport(pushed, pulled, counts(db), time.perf_counter() - started)


class Cycles(Protocol):
    """Where a SyncRunner's cycles run: on its thread, or in a process of their own
    (agent_desk.sync.cycle_process)."""

    def run(self) -> SyncReport:
        """One cycle, on the sync thread; raises what run_cycle raises."""
        ...

    def stop(self) -> None:
        """From any thread, at closing time: end a cycle in progress where that is possible."""
        ...

    def close(self) -> None:
        """On the sync thread, when it ends."""
        ...


class InThreadCycles:
    """Cycles on the calling thread over a kept CentralLink (the command line, the tests)."""

    def __init__(self, db: Database, config: CentralConfig) -> None:
        self._db = db
        self._config = config
        self._link: CentralLink | None = None

    def run(self) -> SyncReport:
        if self._link is None:
            self._link = CentralLink(self._config, client_id(self._db))
        return run_cycle(self._db, self._link)

    def stop(self) -> None:
        """A cycle on the sync thread ends by itself (at its next batch)."""

    def close(self) -> None:
        if self._link is not None:
            self._link.close()


def sync_once(
    db: Database,
    config: CentralConfig,
    *,
    push_batch: int = 1000,
    pull_batch: int = 2000,
    before_commit: Hook | None = None,
    after_commit: Hook | None = None,
) -> SyncReport:
    """Upload and download once, then close the connection (the CLI's `sync --once`)."""
    link = CentralLink(config, client_id(db))
    try:
        return run_cycle(
            db,
            link,
            push_batch=push_batch,
            pull_batch=pull_batch,
            before_commit=before_commit,
            after_commit=after_commit,
        )
    finally:
        link.close()
