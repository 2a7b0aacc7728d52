"""TLS to the central server: sslmode, the root certificate and a client certificate go
through to libpq as they are, and a failure says it was TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desk.domain.statistics import FiguresSource, Grouping
from agent_desk.services.statistics import StatisticsService
from agent_desk.services.statistics_source import CentralFigures
from agent_desk.sync.central import central_init, central_status
from agent_desk.sync.cycle import sync_once
from agent_desk.sync.errors import CentralRefused
from tests.statistics_data import AS_OF, build_month
from tests.test_statistics import BOSS, NOVEMBER
from tests.test_sync_support import (
    Cluster,
    TlsFiles,
    add_patient,
    throwaway_cluster,
    workstation,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return TlsFiles.make(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def cluster(tls: TlsFiles) -> Iterator[Cluster]:
    with throwaway_cluster(tls) as started:
        yield started


def _tls_options(tls: TlsFiles) -> dict[str, str]:
    return {
        "sslmode": "verify-full",
        "sslrootcert": str(tls.ca),
        "sslcert": str(tls.client_cert),
        "sslkey": str(tls.client_key),
    }


def test_a_workstation_syncs_over_verified_tls_with_its_certificate(
    tmp_path: Path, cluster: Cluster, tls: TlsFiles
) -> None:
    central = cluster.create_database("over_tls", **_tls_options(tls))
    central_init(central)
    ws = workstation(tmp_path, "a")
    add_patient(ws, "D1")
    assert sync_once(ws, central).push.sent == 1
    assert central_status(central).applied_mutations == 1


def test_without_a_client_certificate_the_server_refuses(cluster: Cluster, tls: TlsFiles) -> None:
    central = cluster.create_database("no_client_cert", **_tls_options(tls))
    options = _tls_options(tls) | {"sslcert": "", "sslkey": ""}
    with pytest.raises(CentralRefused, match="certificate"):
        central_init(central.__class__(url=central.url, password=central.password, **options))


def test_a_server_certificate_from_another_authority_is_refused(
    tmp_path: Path, cluster: Cluster, tls: TlsFiles
) -> None:
    stranger = TlsFiles.make(tmp_path / "stranger")
    central = cluster.create_database("wrong_ca", **_tls_options(tls))
    options = _tls_options(tls) | {"sslrootcert": str(stranger.ca)}
    with pytest.raises(CentralRefused, match="TLS with the central server"):
        central_init(central.__class__(url=central.url, password=central.password, **options))


def test_hospital_wide_figures_are_read_over_tls_with_the_password(
    tmp_path: Path, cluster: Cluster, tls: TlsFiles
) -> None:
    # The statistics' engine on the server takes the same password, certificate and keys.
    central = cluster.create_database("figures_over_tls", **_tls_options(tls))
    central_init(central)
    ward = workstation(tmp_path, "ward")
    build_month(ward)
    service = StatisticsService(workstation(tmp_path, "desk"), central=CentralFigures(central))
    before = service.report(BOSS, NOVEMBER, Grouping.HOSPITAL, as_of=AS_OF)
    sync_once(ward, central)  # the ward's month goes up
    after = service.report(BOSS, NOVEMBER, Grouping.HOSPITAL, as_of=AS_OF)
    assert (before.source, before.total.due) == (FiguresSource.CENTRAL, 0)
    assert (after.source, after.total.due) == (FiguresSource.CENTRAL, 7)
