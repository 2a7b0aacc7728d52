"""A throwaway database on the real PostgreSQL server these machines run (never a mock)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import URL, make_url

ADMIN_URL = os.environ.get(
    "AGENT_DESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _admin_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database() -> Iterator[URL]:
    """Create a uniquely named database, yield its URL, drop it afterwards."""
    admin = make_url(ADMIN_URL)
    name = f"agent_desk_test_{uuid.uuid4().hex[:12]}"
    try:
        connection = psycopg.connect(_admin_dsn(admin), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {admin.render_as_string()}: {exc}")
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name)
    finally:
        with psycopg.connect(_admin_dsn(admin), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
