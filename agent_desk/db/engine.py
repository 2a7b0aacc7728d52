"""Engines and units of work.

The embedded SQLite database follows SQLAlchemy's pysqlite recipe: the driver's
own transaction handling is switched off and we emit BEGIN ourselves, so that a
writing unit of work takes the write lock up front (BEGIN IMMEDIATE) instead of
failing half way with "database is locked".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from agent_desk.db.sqlcipher import LocalFile, driver

T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
_BEGIN_OPTION = "sqlite_begin"


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine on a server database (PostgreSQL); the local file goes through
    make_local_engine, with its key."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        raise ValueError("the local SQLite database is opened with make_local_engine")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # Pinged before each use unless the caller handles a dropped connection itself (the
    # work queue: a ping is a round trip of its own on every claim).
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_local_engine(
    file: LocalFile, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any
) -> Engine:
    """An engine on the workstation's SQLite file, every connection keyed (LocalFile.connect)."""

    def connect() -> driver.Connection:
        return file.connect(create=True, timeout_s=busy_timeout_ms / 1000, check_same_thread=False)

    engine = create_engine(
        URL.create("sqlite+pysqlite", database=str(file.path)),
        module=driver,  # SQLAlchemy then knows SQLCipher's exception classes
        creator=connect,
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: driver.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """One engine and its units of work; views get dataclasses out of it, never ORM rows."""

    def __init__(self, engine: Engine, local: LocalFile | None = None) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # The SQLite file and its key, for the raw connections (phone index, backups).
        self.local = local
        reader = (
            engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"}) if self.is_sqlite else engine
        )
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(reader, expire_on_commit=False)
        self._single = sessionmaker(
            engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work that changes data: committed as a whole, or rolled back."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; never takes the SQLite write lock."""
        with self._reader() as session, session.begin():
            yield session

    @contextmanager
    def statement(self) -> Iterator[Session]:
        """A unit of work of one statement on a server, which is its own transaction: no
        BEGIN or COMMIT goes on the wire, so the statement is the only round trip."""
        if self.is_sqlite:
            raise ValueError("statement() is for a server; SQLite units of work use write()")
        with self._single() as session, session.begin():
            yield session

    def run(self, work: Callable[[Session], T], *, one_statement: bool = False) -> T:
        """*work* in one unit of work on a server whose engine lends connections without
        pinging them first (a ping is a round trip of its own, and a claim or a booking is
        one statement): a connection the server dropped while it sat in the pool fails at
        its first statement, and *work* runs once more on a new one, so it must be safe to
        run twice. *one_statement*: in a unit of statement(), else of write()."""
        unit = self.statement if one_statement else self.write
        for retry in (False, True):
            try:
                with unit() as session:
                    return work(session)
            except DBAPIError as exc:
                if exc.connection_invalidated and not retry:
                    continue
                raise
        raise AssertionError("unreachable: the second try returns or raises")

    def dispose(self) -> None:
        if self.is_sqlite:
            # SQLite's advice for long-lived databases: refresh the planner's statistics
            # where they went stale, so that imports never leave queries on a bad plan.
            with self.engine.connect() as connection:
                # Sampled statistics: a full ANALYZE of a million patients would hold up the
                # close of the window by most of a second.
                connection.exec_driver_sql("PRAGMA analysis_limit=400")
                connection.exec_driver_sql("PRAGMA optimize")
                # Kept: uncommitted, the statistics were rolled back at close, and every
                # close analysed the same tables again (a second at a million patients).
                connection.commit()
        self.engine.dispose()
