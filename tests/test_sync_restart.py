"""A PostgreSQL cluster of our own: restarted mid-upload, stopped for a while, and a
server that wants a password (the shared server trusts everyone, so it cannot say no)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from agent_desk.domain.enums import OutboxStatus, SyncConnection
from agent_desk.sync.capture import capture_of
from agent_desk.sync.central import CENTRAL_KEYRING_ENTRY, central_init, config_from_settings
from agent_desk.sync.cycle import sync_once
from agent_desk.sync.errors import CentralRefused, CentralUnavailable
from agent_desk.sync.runner import Backoff, SyncRunner
from tests.keyring_memory import MemoryKeyring
from tests.test_sync_support import (
    Cluster,
    add_patient,
    applied_mutations,
    assert_converged,
    outbox,
    settle,
    throwaway_cluster,
    until,
    workstation,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as started:
        yield started


def test_a_server_restarted_mid_upload_loses_and_doubles_nothing(
    tmp_path: Path, cluster: Cluster
) -> None:
    central = cluster.create_database("restart_mid_upload")
    central_init(central)
    ws = workstation(tmp_path, "a")
    for n in range(1000):
        add_patient(ws, f"D{n:04}")
    batches = 0

    def restart_during_the_third() -> None:
        nonlocal batches
        batches += 1
        if batches == 3:
            cluster.restart()  # the open transaction dies with the server

    with pytest.raises(CentralUnavailable):
        sync_once(ws, central, push_batch=200, before_commit=restart_during_the_third)
    statuses = [status for _id, status in outbox(ws)]
    assert statuses.count(OutboxStatus.SENT) == 400  # two batches made it, the third did not
    settle(ws, central, push_batch=200)
    server = cluster_engine(central.url, cluster.password)
    try:
        assert len(applied_mutations(server)) == 1000
        assert_converged(server, ws)
    finally:
        server.dispose()


def test_the_runner_rides_out_a_stopped_server(tmp_path: Path, cluster: Cluster) -> None:
    central = cluster.create_database("stopped_server")
    central_init(central)
    ws = workstation(tmp_path, "a")
    runner = SyncRunner(
        ws, central, capture=capture_of(ws), interval_s=30, backoff=Backoff(0.1, cap_s=0.5)
    )
    runner.start()
    try:
        until(lambda: runner.status.online)
        cluster.stop()
        add_patient(ws, "D1")  # the commit wakes the runner: it finds the server gone
        until(lambda: runner.status.connection is SyncConnection.OFFLINE)
        for n in range(2, 6):
            add_patient(ws, f"D{n}")
        until(lambda: runner.status.pending == 5)
        cluster.start()
        until(lambda: runner.status.online and runner.status.pending == 0)
    finally:
        runner.stop()
        if not _is_running(cluster):
            cluster.start()
    server = cluster_engine(central.url, cluster.password)
    try:
        assert_converged(server, ws)
    finally:
        server.dispose()


def test_the_password_comes_from_the_keyring_and_a_wrong_one_is_named(
    tmp_path: Path, cluster: Cluster
) -> None:
    central = cluster.create_database("keyring_password")
    settings = {"central.url": central.url}
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        keyring.set_password("agent_desk", CENTRAL_KEYRING_ENTRY, "wrong")
        with pytest.raises(CentralRefused, match=r"refused the password.*secret set central"):
            central_init(config_from_settings(settings.get))
        keyring.set_password("agent_desk", CENTRAL_KEYRING_ENTRY, cluster.password)
        config = config_from_settings(settings.get)
        assert "s3cret" not in repr(config)
        central_init(config)
        ws = workstation(tmp_path, "a")
        add_patient(ws, "D1")
        assert sync_once(ws, config).push.sent == 1
    finally:
        keyring.set_keyring(previous)


def cluster_engine(url: str, password: str):  # type: ignore[no-untyped-def]
    from agent_desk.db.engine import make_engine

    return make_engine(url, connect_args={"password": password})


def _is_running(cluster: Cluster) -> bool:
    return (cluster.data / "postmaster.pid").exists()
