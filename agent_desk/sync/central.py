"""The central PostgreSQL: how to reach it, and `agent-desk central init|status`.

The URL names the server and database (postgresql://user@host:5432/agent_desk). It never
holds the password: that comes from the OS keyring (secret "central.password"), so that
no settings file or log line ever carries it. TLS options are passed to libpq as they are.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from agent_desk.db import sync_central
from agent_desk.db.engine import Database, make_engine
from agent_desk.db.migrate import MIGRATIONS_DIR, SCHEMA_HEAD, SchemaTooNew, ensure_schema
from agent_desk.db.sync_central import ClientSeen, PgConnection, ServerInfo
from agent_desk.db.sync_local import FeedCursor
from agent_desk.sync.errors import (
    CentralConfigError,
    CentralSchemaMismatch,
    SyncError,
    explain_central,
)

log = logging.getLogger(__name__)

CENTRAL_KEYRING_ENTRY = "central.password"
MIN_SERVER_VERSION = 130000  # pg_current_xact_id() and pg_snapshot_xmin() came in 13
SSL_MODES = ("", "disable", "allow", "prefer", "require", "verify-ca", "verify-full")


@dataclass(frozen=True)
class CentralConfig:
    """Where the central server is and how to talk to it (the password only in memory)."""

    url: str
    sslmode: str = ""
    sslrootcert: str = ""
    sslcert: str = ""
    sslkey: str = ""
    connect_timeout_s: int = 5
    password: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parsed = self.parsed_url
        if parsed.password:
            raise CentralConfigError(
                "the central URL must not contain the password: remove it, and store it with "
                "'agent-desk secret set central.password'"
            )
        if self.sslmode not in SSL_MODES:
            raise CentralConfigError(
                f"central.sslmode must be one of {', '.join(m for m in SSL_MODES if m)}"
            )

    @property
    def parsed_url(self) -> URL:
        if not self.url:
            raise CentralConfigError(
                "no central server configured: agent-desk config set central.url "
                "postgresql://USER@HOST:5432/DATABASE"
            )
        try:
            parsed = make_url(self.url)
        except ArgumentError as exc:
            raise CentralConfigError(f"central URL {self.url!r} is not a URL: {exc}") from exc
        if parsed.get_backend_name() != "postgresql":
            raise CentralConfigError(
                f"central URL {self.url!r} is not a PostgreSQL URL (postgresql://…)"
            )
        return parsed

    @property
    def where(self) -> str:
        """The server and database, for messages (never the password)."""
        parsed = self.parsed_url
        host = parsed.host or "localhost"
        return f"{host}:{parsed.port or 5432}/{parsed.database or ''}"

    def connect_kwargs(self) -> dict[str, Any]:
        parsed = self.parsed_url
        kwargs: dict[str, Any] = {
            key: value
            for key, value in {
                "host": parsed.host,
                "port": parsed.port,
                "dbname": parsed.database,
                "user": parsed.username,
                "password": self.password,
                "sslmode": self.sslmode,
                "sslrootcert": self.sslrootcert,
                "sslcert": self.sslcert,
                "sslkey": self.sslkey,
            }.items()
            if value
        }
        kwargs.update({k: v for k, v in parsed.query.items() if isinstance(v, str)})
        kwargs["connect_timeout"] = self.connect_timeout_s
        return kwargs

    def engine_url(self) -> URL:
        """A SQLAlchemy URL carrying the password and the TLS options as well, for code that
        hands one string to another process (the claim benchmark's agents). Its str() hides
        the password; render_as_string(hide_password=False) is for that hand-over only."""
        options = {
            key: str(value)
            for key, value in self.connect_kwargs().items()
            if key not in ("host", "port", "dbname", "user", "password")
        }
        return self.parsed_url.set(
            drivername="postgresql+psycopg", password=self.password, query=options
        )

    def with_password(self, password: str | None) -> CentralConfig:
        return replace(self, password=password)


def config_from_settings(get: Callable[[str], Any], url: str | None = None) -> CentralConfig:
    """The central settings (central.url, central.ssl*) and the keyring's password.

    *get* is Settings.get; *url* overrides central.url (`--url` on the command line).
    """
    from agent_desk.secrets import SecretStoreUnavailable, get_secret

    config = CentralConfig(
        url=url if url is not None else str(get("central.url") or ""),
        sslmode=str(get("central.sslmode") or ""),
        sslrootcert=str(get("central.sslrootcert") or ""),
        sslcert=str(get("central.sslcert") or ""),
        sslkey=str(get("central.sslkey") or ""),
    )
    try:
        password = get_secret(CENTRAL_KEYRING_ENTRY)
    except SecretStoreUnavailable as exc:
        # Servers with trust, peer or certificate authentication need no password, so
        # this is only a warning; a server that wants one says so in its own error.
        log.warning("%s", exc)
        password = None
    return config.with_password(password)


def connect(config: CentralConfig, *, autocommit: bool = True) -> PgConnection:
    """A connection to the central server, or a SyncError that says what is wrong.

    Autocommit by default: sync opens its transactions explicitly (conn.transaction()),
    so that no connection sits idle inside one and holds the feed's xmin back."""
    try:
        return psycopg.connect(
            autocommit=autocommit,
            application_name="agent_desk",
            **config.connect_kwargs(),
        )
    except psycopg.Error as exc:
        raise explain_central(exc, config.where) from exc


def central_database(config: CentralConfig, **engine_options: Any) -> Database:
    """The central database as SQLAlchemy sees it (migrations, the work queue, the audit
    check, the hospital-wide statistics), with the keyring's password, the TLS options and
    the connect timeout of *config*; no connection is made until needed; dispose() it."""
    engine = make_engine(
        config.parsed_url.set(drivername="postgresql+psycopg"),
        connect_args={
            k: v
            for k, v in config.connect_kwargs().items()
            if k not in ("host", "port", "dbname", "user")
        },
        **engine_options,
    )
    return Database(engine)


@cache
def known_revisions() -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(alembic_config)
    return frozenset(revision.revision for revision in script.walk_revisions())


def check_schema(conn: PgConnection, where: str) -> ServerInfo:
    """Refuse a central schema this build cannot sync with; the server's identity otherwise."""
    revision = sync_central.schema_revision(conn)
    if revision is None:
        raise CentralSchemaMismatch(
            f"the central database {where} is not initialised: run 'agent-desk central init' once"
        )
    if revision != SCHEMA_HEAD:
        if revision in known_revisions():
            raise CentralSchemaMismatch(
                f"the central database {where} has the older schema {revision}: run "
                f"'agent-desk central init' to upgrade it to {SCHEMA_HEAD}"
            )
        raise CentralSchemaMismatch(
            f"the central database {where} has schema {revision}, newer than this "
            f"agent_desk ({SCHEMA_HEAD}): install the newer version on this workstation"
        )
    return sync_central.server_info(conn)


def workstation_name() -> str:
    return socket.gethostname() or "workstation"


# --- central init / status -------------------------------------------------------------


@dataclass(frozen=True)
class InitReport:
    where: str
    revision_before: str | None
    revision: str
    server_id: uuid.UUID

    def summary(self) -> str:
        if self.revision_before == self.revision:
            return f"central database {self.where} is up to date (schema {self.revision})"
        before = self.revision_before or "empty"
        return (
            f"central database {self.where} migrated from {before} to schema {self.revision} "
            f"(server id {self.server_id})"
        )


def central_init(config: CentralConfig) -> InitReport:
    """Create or upgrade the central schema with the workstation's own Alembic migrations."""
    with connect(config) as conn:
        if conn.info.server_version < MIN_SERVER_VERSION:
            raise CentralConfigError(
                f"the central server {config.where} runs PostgreSQL "
                f"{conn.info.server_version // 10000}; agent_desk needs 13 or newer"
            )
        before = sync_central.schema_revision(conn)
    engine = central_database(config).engine
    try:
        ensure_schema(engine)
    except SchemaTooNew as exc:
        raise CentralSchemaMismatch(
            f"the central database {config.where} has schema {exc}, newer than this "
            f"agent_desk ({SCHEMA_HEAD}): upgrade this workstation before running init"
        ) from exc
    except DBAPIError as exc:
        raise explain_central(exc.orig or exc, config.where) from exc
    finally:
        engine.dispose()
    with connect(config) as conn:
        info = check_schema(conn, config.where)
    return InitReport(config.where, before, SCHEMA_HEAD, info.server_id)


@dataclass(frozen=True)
class CentralStatus:
    where: str
    revision: str
    server_id: uuid.UUID
    horizon: FeedCursor
    feed_rows: int
    oldest_change: datetime | None
    newest_change: datetime | None
    applied_mutations: int
    clients: list[ClientSeen]

    def lines(self) -> list[str]:
        out = [
            f"central database  {self.where}",
            f"schema            {self.revision}",
            f"server id         {self.server_id}",
            f"change feed       {self.feed_rows:,} rows"
            + (
                f" ({self.oldest_change:%Y-%m-%d %H:%M} … {self.newest_change:%Y-%m-%d %H:%M} UTC)"
                if self.oldest_change and self.newest_change
                else ""
            ),
            f"uploads judged    {self.applied_mutations:,}",
            f"workstations      {len(self.clients)}",
        ]
        out += [
            f"  {c.name}  {c.client_id}  last seen {c.last_seen:%Y-%m-%d %H:%M:%S} UTC"
            for c in self.clients
        ]
        return out


def central_status(config: CentralConfig) -> CentralStatus:
    with connect(config) as conn:
        try:
            info = check_schema(conn, config.where)
            stats = sync_central.feed_stats(conn)
            clients = sync_central.clients_seen(conn)
        except psycopg.Error as exc:
            raise explain_central(exc, config.where) from exc
    return CentralStatus(
        config.where,
        SCHEMA_HEAD,
        info.server_id,
        info.horizon,
        stats.rows,
        stats.oldest,
        stats.newest,
        stats.applied_mutations,
        clients,
    )


def prune_change_log(config: CentralConfig, older_than: timedelta) -> tuple[int, FeedCursor]:
    """Drop feed rows older than *older_than*; workstations behind the new horizon resync."""
    from agent_desk.db.base import utcnow

    cutoff = (utcnow() - older_than).replace(tzinfo=None)
    with connect(config) as conn:
        try:
            check_schema(conn, config.where)
            with conn.transaction():
                return sync_central.prune_change_log(conn, cutoff)
        except psycopg.Error as exc:
            raise explain_central(exc, config.where) from exc


__all__ = [
    "CENTRAL_KEYRING_ENTRY",
    "CentralConfig",
    "CentralStatus",
    "InitReport",
    "SyncError",
    "central_database",
    "central_init",
    "central_status",
    "check_schema",
    "config_from_settings",
    "connect",
    "prune_change_log",
]
