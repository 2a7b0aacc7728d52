"""Logging in, and the first administrator account of a new installation."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from agent_desk.db import audit, staff
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.views import StaffView

FIRST_ADMIN = "admin"

log = logging.getLogger(__name__)


class AccountService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def needs_first_admin(self) -> bool:
        """True on a new installation, where nobody can log in yet."""
        with self._db.read() as session:
            return staff.count_users(session) == 0

    def create_first_admin(self, password: str, username: str = FIRST_ADMIN) -> StaffView:
        with self._db.write() as session:
            if staff.count_users(session):
                raise staff.StaffError("an account already exists; log in instead")
            user = staff.add_user(session, username, password, Role.ADMIN, None, "管理员")
            audit.record(session, "setup", AuditAction.USER_ADDED, "staff", user.id, role="admin")
            return user

    def login(self, username: str, password: str) -> StaffView | None:
        with self._db.write() as session:
            user = staff.authenticate(session, username, password)
            action = AuditAction.LOGIN if user else AuditAction.LOGIN_FAILED
            audit.record(session, username.strip(), action, "staff", user.id if user else None)
            return user

    def logout(self, user: StaffView) -> None:
        """The end of *user*'s session, for the audit log. At exit a database that cannot be
        written any more is logged, not raised: the window is closing either way."""
        try:
            with self._db.write() as session:
                audit.record(session, user.username, AuditAction.LOGOUT, "staff", user.id)
        except SQLAlchemyError as exc:
            log.warning("the logout of %s could not be recorded: %s", user.username, exc)
