"""The central server as the place where the hospital-wide figures are computed.

With central.url set, the statistics are the central PostgreSQL's: every workstation's
work. The server is asked before each use (a connection and its schema, which must be
this build's, or the queries would name columns it lacks); when it does not answer, the
figures come from this workstation's copy, labelled so, and the server is left alone for
RETRY_AFTER_S so that a screen's every click does not wait for a connect timeout again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg

from agent_desk.db.engine import Database
from agent_desk.settings import Settings
from agent_desk.sync.central import (
    CentralConfig,
    central_database,
    check_schema,
    config_from_settings,
    connect,
)
from agent_desk.sync.errors import SyncError, explain_central

log = logging.getLogger(__name__)

RETRY_AFTER_S = 60.0


class CentralFigures:
    """The central database for statistics, asked before each use; thread-safe (the
    statistics screen reads on the background helper's threads)."""

    def __init__(self, config: CentralConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._database: Database | None = None
        self._down: tuple[float, SyncError] | None = None  # since when, and why

    def database(self) -> Database:
        """The central Database, or the SyncError that says in one line why not."""
        with self._lock:
            if self._down is not None:
                since, error = self._down
                if self._clock() - since < RETRY_AFTER_S:
                    raise error
            try:
                with connect(self.config) as conn:
                    try:
                        check_schema(conn, self.config.where)
                    except psycopg.Error as error:
                        raise explain_central(error, self.config.where) from error
            except SyncError as error:
                self._down = (self._clock(), error)
                log.warning("statistics from this workstation's data: %s", error)
                raise
            self._down = None
            if self._database is None:
                self._database = central_database(self.config)
            return self._database

    def failed(self, error: SyncError) -> None:
        """A query lost the server: the next ones stay local for a while."""
        with self._lock:
            self._down = (self._clock(), error)

    def dispose(self) -> None:
        with self._lock:
            if self._database is not None:
                self._database.dispose()
                self._database = None


def central_figures(settings: Settings) -> CentralFigures | None:
    """The central server of the settings, for statistics; None without central.url (a
    central setting that is wrong leaves the figures local, logged)."""
    if not settings.get("central.url"):
        return None
    try:
        return CentralFigures(config_from_settings(settings.get))
    except SyncError as error:
        log.warning("statistics from this workstation's data: %s", error)
        return None
