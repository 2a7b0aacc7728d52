"""Declarative base, id and timestamp conventions shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

import uuid_utils
from sqlalchemy import DateTime, Integer, MetaData, TypeDecorator, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A UUIDv7: time-ordered, so inserts stay at the right edge of every index."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC: SQLite keeps no zone, so we never let one in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Id(Uuid[uuid.UUID]):
    """A UUID column: PostgreSQL's native uuid, and in SQLite the 16 bytes themselves.

    SQLAlchemy's Uuid keeps 32 hex digits in SQLite; ids and the references to them were
    a third of a workstation's database. 16 raw bytes order as the hex did (UUIDv7 keeps
    inserts at the right edge of each index), and a TEXT-affinity column (the CHAR(32) the
    migrations declare) stores a BLOB as it is given, so the declared types stay.
    Raw SQL on SQLite passes and reads ids as `uuid.bytes` / `UUID(bytes=…)`; the sync
    keeps 32 hex digits and converts at its statements (db/sync_local.storage_id).
    """

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(as_uuid=True, native_uuid=True)

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: uuid.UUID | None) -> bytes | None:
            return None if value is None else value.bytes

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)  # type: ignore[no-untyped-call]

        def process(value: bytes | None) -> uuid.UUID | None:
            return None if value is None else uuid.UUID(bytes=value)

        return process

    def literal_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().literal_processor(dialect)  # type: ignore[no-untyped-call]

        def process(value: uuid.UUID) -> str:
            return f"X'{value.hex}'"

        return process


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), uuid.UUID: Id()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin(TimestampMixin):
    """Rows edited on several workstations: the version detects a stale update."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # SQLAlchemy bumps the version and refuses an UPDATE whose version is stale.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
