"""Alert handling is hospital-wide: escalated on one workstation, handled on another."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from agent_desk.db.models import FollowupAlert
from agent_desk.domain.enums import AlertSeverity, Role
from agent_desk.domain.permissions import Principal
from agent_desk.services.alerts import AlertService
from agent_desk.sync.central import CentralConfig
from tests.builders import SUPERVISOR
from tests.test_sync_support import add_patient, settle, workstation

pytestmark = pytest.mark.postgres


def test_an_alert_escalated_on_one_workstation_is_handled_on_another(
    tmp_path: Path, central: CentralConfig, server: Engine
) -> None:
    ward, office = workstation(tmp_path, "ward"), workstation(tmp_path, "office")
    patient_id = add_patient(ward, "D1")
    AlertService(ward).escalate(
        patient_id,
        "phq9_item9",
        AlertSeverity.CRITICAL,
        "PHQ-9 第9题阳性",
        Principal.of("nurse1", [Role.NURSE]),
    )
    settle(ward, central)
    settle(office, central)
    [alert] = AlertService(office).lists(SUPERVISOR).open
    assert alert.escalated_by == "nurse1"
    AlertService(office).acknowledge(alert.id, Principal.of("zhang", [Role.SUPERVISOR]), "已联系")
    settle(office, central)
    with server.connect() as connection:
        handler = connection.scalar(select(FollowupAlert.acknowledged_by))
    assert handler == "zhang"
    settle(ward, central)
    [handled] = AlertService(ward).lists(SUPERVISOR).handled
    assert handled.acknowledged_by == "zhang" and "已联系" in handled.notes
