"""Engines and units of work.

The embedded SQLite database follows SQLAlchemy's pysqlite recipe: the driver's
own transaction handling is switched off and we emit BEGIN ourselves, so that a
writing unit of work takes the write lock up front (BEGIN IMMEDIATE) instead of
failing half way with "database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000
_BEGIN_OPTION = "sqlite_begin"


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


def make_engine(url: str | URL, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, busy_timeout_ms, **kwargs)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _make_sqlite_engine(url: URL, busy_timeout_ms: int, **kwargs: Any) -> Engine:
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}, **kwargs
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
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

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        reader = (
            engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"}) if self.is_sqlite else engine
        )
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(reader, expire_on_commit=False)

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

    def dispose(self) -> None:
        if self.is_sqlite:
            # SQLite's advice for long-lived databases: refresh the planner's statistics
            # where they went stale, so that imports never leave queries on a bad plan.
            with self.engine.connect() as connection:
                # Sampled statistics: a full ANALYZE of a million patients would hold up the
                # close of the window by most of a second.
                connection.exec_driver_sql("PRAGMA analysis_limit=400")
                connection.exec_driver_sql("PRAGMA optimize")
        self.engine.dispose()
