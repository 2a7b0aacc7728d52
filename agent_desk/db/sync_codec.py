"""Rows on the wire: one JSON shape for both directions, and its local and central forms.

The wire form of a row is what PostgreSQL's to_json() makes of it, so that the change
log's payloads need no rewriting: UUIDs as canonical strings, times as naive UTC in ISO
8601, dates as ISO dates, booleans and numbers as JSON, enums as their values, JSON
columns nested. Captured local changes are encoded the same way.

Three conversions hang off each column type:
- python → wire, when a local change is captured;
- wire → SQLite storage, when a pulled row is written locally. It goes through
  SQLAlchemy's own bind processors, so a pulled row is stored byte for byte as if the
  ORM had written it, but for ids: those stay 32 hex digits, the form PostgreSQL renders
  them in for the download, and the statements of db/sync_local.py turn them into the
  16 bytes SQLite keeps (db.base.Id) with unhex();
- wire → PostgreSQL parameter, when an upload is applied centrally (text that the server
  casts by the column's type; JSON columns serialised).
Plus the reverse of the second for the initial download: SQL expressions that make
PostgreSQL render each column directly in SQLite's storage form, so a million rows go from
one database to the other without a Python object per value.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Float, Uuid
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import sqlite

from agent_desk.db.base import UTCDateTime
from agent_desk.db.sync_tables import BOOKKEEPING_COLUMNS, SyncedTable

Wire = dict[str, Any]
Convert = Callable[[Any], Any]

_SQLITE = sqlite.dialect()


def _identity(value: Any) -> Any:
    return value


def _datetime_to_wire(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _wire_to_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _enum_to_wire(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _python_to_wire(column: Column[Any]) -> Convert:
    kind = column.type
    if isinstance(kind, Uuid):
        return str
    if isinstance(kind, UTCDateTime):
        return _datetime_to_wire
    if isinstance(kind, Date):
        return date.isoformat
    if isinstance(kind, SAEnum):
        return _enum_to_wire
    return _identity


def _wire_to_python(column: Column[Any]) -> Convert:
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID
    if isinstance(kind, UTCDateTime):
        return _wire_to_datetime
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, Float):
        return float
    return _identity


def _wire_to_pg(column: Column[Any]) -> Convert:
    if isinstance(column.type, JSON):
        return lambda value: json.dumps(value, ensure_ascii=False)
    return _identity


def _nullable(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


@cache
def _encoders(table: SyncedTable) -> tuple[tuple[str, str, Convert], ...]:
    return tuple((c.name, c.key, _nullable(_python_to_wire(c))) for c in table.columns)


def to_wire(table: SyncedTable, row: Any) -> Wire:
    """The wire form of an ORM object's current column values."""
    return {name: encode(getattr(row, key)) for name, key, encode in _encoders(table)}


@cache
def _storers(table: SyncedTable) -> tuple[tuple[str, Convert], ...]:
    storers = []
    for column in table.columns:
        if is_id(column):
            storers.append((column.name, _nullable(_uuid_hex)))
            continue
        to_python = _wire_to_python(column)
        process = column.type.dialect_impl(_SQLITE).bind_processor(_SQLITE)
        if process is None:
            storers.append((column.name, _nullable(to_python)))
        else:
            storers.append((column.name, _compose(to_python, process)))
    return tuple(storers)


def is_id(column: Column[Any]) -> bool:
    """Whether *column* holds a UUID (32 hex digits in the sync's storage form)."""
    return isinstance(column.type, Uuid)


def _uuid_hex(value: Any) -> str:
    return uuid.UUID(value).hex


def _compose(first: Convert, second: Convert) -> Convert:
    return lambda value: None if value is None else second(first(value))


def to_sqlite(table: SyncedTable, payload: Wire) -> tuple[Any, ...]:
    """A wire row as SQLite parameters, in table column order; missing columns are NULL."""
    return tuple(store(payload.get(name)) for name, store in _storers(table))


def to_python(table: SyncedTable, payload: Wire) -> dict[str, Any]:
    """A wire row as the Python values the ORM holds (for merging a row into a session)."""
    return {
        c.key: _nullable(_wire_to_python(c))(payload[c.name])
        for c in table.columns
        if c.name in payload
    }


def same_content(table: SyncedTable, mine: Wire, theirs: Wire) -> bool:
    """Whether two wire rows say the same, bookkeeping aside. Compared as Python values:
    PostgreSQL and the capture spell the same time differently (fractions of a second)."""
    ours, others = to_python(table, mine), to_python(table, theirs)
    return all(
        others.get(key) == value for key, value in ours.items() if key not in BOOKKEEPING_COLUMNS
    )


@cache
def _pg_converters(table: SyncedTable) -> dict[str, Convert]:
    return {c.name: _nullable(_wire_to_pg(c)) for c in table.columns}


def to_pg(table: SyncedTable, payload: Wire, names: tuple[str, ...]) -> list[Any]:
    """Parameters for PostgreSQL, for the columns *names*, in that order."""
    convert = _pg_converters(table)
    return [convert[name](payload.get(name)) for name in names]


def _pg_storage_expression(column: Column[Any]) -> str:
    name = f'"{column.name}"'
    kind = column.type
    if isinstance(kind, Uuid):
        return f"replace({name}::text, '-', '')"
    if isinstance(kind, UTCDateTime):
        return f"to_char({name}, 'YYYY-MM-DD HH24:MI:SS.US')"
    if isinstance(kind, Date):
        return f"to_char({name}, 'YYYY-MM-DD')"
    if isinstance(kind, Boolean):
        return f"{name}::int"
    if isinstance(kind, JSON):
        return f"{name}::text"
    return name


def pg_sqlite_select_list(table: SyncedTable) -> str:
    """A SELECT list that renders every column as SQLite stores it (see module docstring)."""
    return ", ".join(_pg_storage_expression(column) for column in table.columns)
