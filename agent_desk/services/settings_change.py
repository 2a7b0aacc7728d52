"""A setting changed from the window: the hospital's settings need MANAGE_SETTINGS (an
administrator), a person's own preferences (language, do not disturb, auto-answer) anyone
signed in may change; every change is in the audit log, as `agent-desk config set`'s are."""

from __future__ import annotations

from typing import Any

from agent_desk.db import audit
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.settings import REGISTRY, Settings


class SettingsService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self.settings = settings

    def change(self, principal: Principal, key: str, raw: str) -> Any:
        """Check, save and audit one setting; returns its value (raises PermissionDenied,
        SettingError, writing nothing)."""
        spec = REGISTRY.get(key)
        if spec is None or not spec.personal:
            principal.require(Permission.MANAGE_SETTINGS)
        value = self.settings.set(key, raw)
        with self._db.write() as session:
            audit.record(
                session, principal.username, AuditAction.CONFIG_CHANGED, "setting", key, value=value
            )
        return value
