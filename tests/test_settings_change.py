"""Settings saved from the window: the hospital's need an administrator, a person's own
preferences do not, and each change is in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desk.db import audit
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.permissions import PermissionDenied, Principal
from agent_desk.services.settings_change import SettingsService
from agent_desk.settings import Settings

NURSE = Principal.of("nurse1", [Role.NURSE])


def _service(db: Database, tmp_path: Path) -> SettingsService:
    return SettingsService(db, Settings(tmp_path / "settings.json"))


def test_a_nurse_cannot_change_a_hospital_setting(db: Database, tmp_path: Path) -> None:
    service = _service(db, tmp_path)
    with pytest.raises(PermissionDenied):
        service.change(NURSE, "phone.area_code", "021")
    assert Settings(tmp_path / "settings.json").get("phone.area_code") == ""


def test_a_nurse_chooses_her_own_language_audited(db: Database, tmp_path: Path) -> None:
    _service(db, tmp_path).change(NURSE, "ui.language", "en")
    assert Settings(tmp_path / "settings.json").get("ui.language") == "en"
    with db.read() as session:
        assert audit.recent(session)[0] == ("nurse1", AuditAction.CONFIG_CHANGED, "ui.language")


def test_an_admin_changes_a_hospital_setting(db: Database, tmp_path: Path) -> None:
    admin = Principal.of("admin", [Role.ADMIN])
    assert _service(db, tmp_path).change(admin, "phone.area_code", "021") == "021"
