"""Shared pieces of the sync tests (this module holds no tests of its own).

A central database is a scratch database on the real PostgreSQL server, initialised with
the same migrations as the workstations; a workstation is a real SQLite file with the
outbox capture installed. A throwaway cluster (initdb, pg_ctl) stands in where a test
must restart the server or needs password authentication.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, event, select

from agent_desk.db.engine import Database, make_engine
from agent_desk.db.models import (
    Department,
    FollowupAttempt,
    FollowupTask,
    Patient,
    SyncAppliedMutation,
    SyncOutbox,
)
from agent_desk.db.open import open_local
from agent_desk.db.sync_tables import synced_tables
from agent_desk.domain.enums import AttemptOutcome, Channel, OutboxStatus, Sex
from agent_desk.sync.capture import install_capture
from agent_desk.sync.central import CentralConfig, central_init
from agent_desk.sync.cycle import SyncReport, sync_once
from tests.pg import scratch_database

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TODAY = date(2026, 11, 23)


@contextmanager
def central_database() -> Iterator[CentralConfig]:
    """A scratch central database, initialised by `central init`."""
    with scratch_database() as url:
        config = CentralConfig(url=url.set(drivername="postgresql").render_as_string(False))
        central_init(config)
        yield config


def central_engine(config: CentralConfig) -> Engine:
    return make_engine(config.url)


def settle(db: Database, config: CentralConfig, **options: Any) -> SyncReport:
    """sync_once, repeated while committed rows wait behind a transaction still running
    somewhere on the shared server (the feed's xmin), so that the test sees the feed
    caught up. Returns the first cycle's report."""
    report = sync_once(db, config, **options)
    latest = report
    deadline = time.monotonic() + 20
    while latest.pull.waiting and time.monotonic() < deadline:
        time.sleep(0.02)
        latest = sync_once(db, config)
    return report


def until(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Wait for *condition* (a background sync's effect); fails the test after *timeout_s*."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout_s} s")
        time.sleep(0.02)


def workstation(folder: Path, name: str) -> Database:
    """A workstation's database with the outbox capture installed."""
    db = open_local(folder / f"{name}.sqlite3")
    install_capture(db)
    return db


# --- making changes --------------------------------------------------------------------


def add_department(db: Database, code: str, name: str = "科室") -> uuid.UUID:
    with db.write() as session:
        department = Department(code=code, name=name)
        session.add(department)
        session.flush()
        return department.id


def add_patient(db: Database, record_no: str, name: str = "王秀英") -> uuid.UUID:
    with db.write() as session:
        patient = Patient(record_no=record_no, name=name, sex=Sex.FEMALE)
        session.add(patient)
        session.flush()
        return patient.id


def add_task(db: Database, patient_id: uuid.UUID) -> uuid.UUID:
    with db.write() as session:
        task = FollowupTask(
            patient_id=patient_id,
            plan_code="discharge_7d",
            due_date=TODAY,
            window_start=TODAY,
            window_end=TODAY,
        )
        session.add(task)
        session.flush()
        return task.id


def rename_patient(db: Database, patient_id: uuid.UUID, name: str) -> None:
    with db.write() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.name = name


def add_attempt(db: Database, task_id: uuid.UUID, patient_id: uuid.UUID) -> uuid.UUID:
    with db.write() as session:
        attempt = FollowupAttempt(
            task_id=task_id,
            patient_id=patient_id,
            channel=Channel.PHONE,
            outcome=AttemptOutcome.NO_ANSWER,
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def limit_size(db: Database, pages: int) -> None:
    """A disk that is full once the database has *pages* pages (SQLite's own limit)."""

    @event.listens_for(db.engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()


def patient_name(db: Database, patient_id: uuid.UUID) -> tuple[str, int] | None:
    with db.read() as session:
        patient = session.get(Patient, patient_id)
        return None if patient is None else (patient.name, patient.version)


# --- comparing databases -----------------------------------------------------------------


def table_rows(engine: Engine, table_name: str) -> dict[uuid.UUID, str]:
    """Every row of a synced table, by id, as comparable text (JSON with sorted keys)."""
    table = synced_tables()[table_name].table
    with engine.connect() as connection:
        rows = connection.execute(select(table)).mappings().all()
    return {row["id"]: json.dumps(dict(row), sort_keys=True, default=str) for row in rows}


def synced_state(engine: Engine) -> dict[str, dict[uuid.UUID, str]]:
    return {name: table_rows(engine, name) for name in synced_tables()}


def assert_converged(central: Engine, *workstations: Database) -> None:
    expected = synced_state(central)
    for db in workstations:
        found = synced_state(db.engine)
        for name in expected:
            assert found[name] == expected[name], f"{db.engine.url.database}: {name} differs"


def outbox(db: Database) -> list[tuple[uuid.UUID, OutboxStatus]]:
    with db.read() as session:
        rows = session.execute(
            select(SyncOutbox.mutation_id, SyncOutbox.status).order_by(SyncOutbox.seq)
        )
        return [(mutation_id, status) for mutation_id, status in rows]


def applied_mutations(central: Engine) -> dict[uuid.UUID, str]:
    with central.connect() as connection:
        rows = connection.execute(
            select(SyncAppliedMutation.mutation_id, SyncAppliedMutation.outcome)
        )
        return {mutation_id: outcome.value for mutation_id, outcome in rows}


def pg_connect(config: CentralConfig, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(autocommit=True, **config.connect_kwargs(), **kwargs)


# --- a throwaway cluster --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A PostgreSQL cluster of our own (initdb as the postgres user: initdb refuses root),
    with password authentication, that a test may restart at will."""

    root: Path
    port: int
    password: str = "s3cret-central"
    server_options: str = ""  # more -c settings (TLS)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        options += self.server_options
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "log"),
                "-o",
                options,
                "-w",
                *args,
            ],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "stop")

    def restart(self) -> None:
        self._pg_ctl("-m", "fast", "restart")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, **tls: str) -> CentralConfig:
        admin = CentralConfig(url=self.url(), password=self.password, **tls)
        with psycopg.connect(autocommit=True, **admin.connect_kwargs()) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return CentralConfig(url=self.url(name), password=self.password, **tls)


@contextmanager
def throwaway_cluster(tls: TlsFiles | None = None) -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) or no runuser to start a cluster")
    root = Path(tempfile.mkdtemp(prefix="agent_desk_pg_"))
    shutil.chown(root, "postgres")
    cluster = Cluster(root, _free_port())
    password_file = root / "password"
    password_file.write_text(cluster.password)
    shutil.chown(password_file, "postgres")
    try:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "initdb"),
                "-D",
                str(cluster.data),
                "--auth=scram-sha-256",
                "--username=postgres",
                f"--pwfile={password_file}",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        if tls is not None:
            tls.serve(cluster)
        cluster.start()
        yield cluster
    finally:
        # It may never have started, or a test may have stopped it already.
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


# --- TLS ----------------------------------------------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@dataclass
class TlsFiles:
    """A throwaway CA, a server certificate for 127.0.0.1 and a client certificate for the
    user postgres, as a hospital's IT would hand them out."""

    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def client_cert(self) -> Path:
        return self.folder / "client.crt"

    @property
    def client_key(self) -> Path:
        return self.folder / "client.key"

    @classmethod
    def make(cls, folder: Path) -> TlsFiles:
        if shutil.which("openssl") is None:
            pytest.skip("no openssl to make certificates with")
        folder.mkdir(parents=True, exist_ok=True)
        _openssl(
            "req",
            "-x509",
            "-new",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            cwd=folder,
        )
        for name, subject, extension in (
            ("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1"),
            ("client", "/CN=postgres", "extendedKeyUsage=clientAuth"),
        ):
            (folder / f"{name}.ext").write_text(extension + "\n")
            _openssl(
                "req",
                "-new",
                "-nodes",
                "-subj",
                subject,
                "-keyout",
                f"{name}.key",
                "-out",
                f"{name}.csr",
                cwd=folder,
            )
            _openssl(
                "x509",
                "-req",
                "-in",
                f"{name}.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                f"{name}.ext",
                "-out",
                f"{name}.crt",
                cwd=folder,
            )
            (folder / f"{name}.key").chmod(0o600)
        return cls(folder)

    def serve(self, cluster: Cluster) -> None:
        """TLS only, with a password and a client certificate signed by our CA."""
        for name in ("server.crt", "server.key", "ca.crt"):
            target = cluster.root / name
            shutil.copy(self.folder / name, target)
            shutil.chown(target, "postgres")
            target.chmod(0o600)
        (cluster.data / "pg_hba.conf").write_text(
            "hostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-full\n"
        )
        cluster.server_options = (
            f" -c ssl=on -c ssl_cert_file={cluster.root}/server.crt"
            f" -c ssl_key_file={cluster.root}/server.key -c ssl_ca_file={cluster.root}/ca.crt"
        )


@pytest.fixture
def central() -> Iterator[CentralConfig]:
    with central_database() as config:
        yield config


@pytest.fixture
def server(central: CentralConfig) -> Iterator[Engine]:
    engine = central_engine(central)
    yield engine
    engine.dispose()
