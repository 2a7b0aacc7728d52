"""Logging in, and the first administrator account of a new installation."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from agent_desk.db import audit, login_failures, staff
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, Role
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.views import StaffView
from agent_desk.errors import UserError

FIRST_ADMIN = "admin"
# Five wrong passwords in a row lock the name for 15 minutes on this workstation: enough
# for typos, too few for guessing; the lock ends by itself, so no one is locked out for
# a shift by a colleague's mistakes.
MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=15)


class AccountLocked(UserError):
    """Too many failed logins: the account refuses every password until *until*."""

    def __init__(self, username: str, until: datetime) -> None:
        self.username = username
        self.until = until
        local = until.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        super().__init__(
            f"account {username!r} is locked after {MAX_FAILED_LOGINS} failed logins until {local}"
        )


log = logging.getLogger(__name__)


class AccountService:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    def needs_first_admin(self) -> bool:
        """True on a new installation, where nobody can log in yet."""
        with self._db.read() as session:
            return staff.count_users(session) == 0

    def create_first_admin(
        self,
        password: str,
        username: str = FIRST_ADMIN,
        roles: Sequence[Role] = (Role.ADMIN, Role.SUPERVISOR),
        departments: Sequence[str] = (),
        display_name: str | None = "管理员",
    ) -> StaffView:
        """The first account of a new installation, made by whoever sets it up: it must be
        an administrator, who then adds the others. The window's first start makes it a
        supervisor too (the default): the person setting up the centre sees its worklist,
        which a plain administrator does not (no VIEW_RECORDS)."""
        if Role.ADMIN not in roles:
            raise staff.StaffError("the first account must be an administrator (--role admin)")
        with self._db.write() as session:
            if staff.count_users(session):
                raise staff.StaffError("an account already exists; log in instead")
            return self._add(session, "setup", username, password, roles, departments, display_name)

    def add_user(
        self,
        principal: Principal,
        username: str,
        password: str,
        roles: Sequence[Role],
        departments: Sequence[str] = (),
        display_name: str | None = None,
    ) -> StaffView:
        """A new account with *roles* and *departments* (codes), the first of each primary."""
        principal.require(Permission.MANAGE_ACCOUNTS)
        with self._db.write() as session:
            return self._add(
                session, principal.username, username, password, roles, departments, display_name
            )

    def set_password(self, principal: Principal, username: str, password: str) -> None:
        principal.require(Permission.MANAGE_ACCOUNTS)
        with self._db.write() as session:
            staff.set_password(session, username, password)
            audit.record(
                session, principal.username, AuditAction.PASSWORD_CHANGED, "staff", username
            )

    def change_user(
        self,
        principal: Principal,
        username: str,
        *,
        roles: Sequence[Role] | None = None,
        departments: Sequence[str] | None = None,
        active: bool | None = None,
    ) -> StaffView:
        """New roles or departments (codes; the first of each primary), or the account
        turned off or on; audited with what it was and what it became."""
        principal.require(Permission.MANAGE_ACCOUNTS)
        if username == principal.username and (active is False or roles is not None):
            # Otherwise the last administrator can lock everyone out of account management.
            raise staff.StaffError("ask another administrator to change your own roles or account")
        with self._db.write() as session:
            before = next((u for u in staff.list_users(session) if u.username == username), None)
            user = staff.change_user(session, username, roles, departments, active)
            audit.record(
                session,
                principal.username,
                AuditAction.USER_CHANGED,
                "staff",
                user.id,
                roles_before=[r.value for r in before.roles] if before else None,
                roles=[r.value for r in user.roles],
                departments_before=[str(d) for d in before.department_ids] if before else None,
                departments=[str(d) for d in user.department_ids],
                active=user.active,
            )
            return user

    def list_users(self, principal: Principal) -> list[StaffView]:
        principal.require(Permission.MANAGE_ACCOUNTS)
        with self._db.read() as session:
            return staff.list_users(session)

    @staticmethod
    def _add(
        session: Session,
        actor: str,
        username: str,
        password: str,
        roles: Sequence[Role],
        departments: Sequence[str],
        display_name: str | None,
    ) -> StaffView:
        if not roles:
            raise staff.StaffError("an account needs a role")
        user = staff.add_user(
            session,
            username,
            password,
            roles[0],
            departments[0] if departments else None,
            display_name,
            extra_roles=roles[1:],
            extra_department_codes=departments[1:],
        )
        audit.record(
            session,
            actor,
            AuditAction.USER_ADDED,
            "staff",
            user.id,
            role=user.role.value,
            **({"roles": [r.value for r in user.roles]} if len(user.roles) > 1 else {}),
            **({"departments": list(departments)} if departments else {}),
        )
        return user

    def login(self, username: str, password: str) -> StaffView | None:
        """The account, or None for a wrong name or password. Raises AccountLocked while the
        name is locked, and on the failure that locks it. Every attempt is audited, with the
        name tried and this workstation's host name, never the password."""
        # Staff names are at most 64 characters (the column's width here and on the central
        # server); a longer name typed is logged and counted by its first 64.
        name = username.strip()[:64]
        now = self._clock()
        workstation = socket.gethostname()
        # The outcome is decided and audited in one transaction, committed before
        # AccountLocked leaves: a refusal must not roll its own audit event back.
        with self._db.write() as session:
            until = login_failures.locked_until(session, name, now)
            if until is not None:
                audit.record(
                    session,
                    name,
                    AuditAction.LOGIN_LOCKED,
                    "staff",
                    None,
                    workstation=workstation,
                    locked_until=until.isoformat(),
                )
                user = None
            else:
                user = staff.authenticate(session, username, password)
                if user is not None:
                    login_failures.clear(session, name)
                    audit.record(session, name, AuditAction.LOGIN, "staff", user.id)
                else:
                    failures, until = login_failures.add_failure(
                        session, name, now, MAX_FAILED_LOGINS, LOCK_DURATION
                    )
                    lock = {} if until is None else {"locked_until": until.isoformat()}
                    audit.record(
                        session,
                        name,
                        AuditAction.LOGIN_FAILED,
                        "staff",
                        None,
                        workstation=workstation,
                        failures=failures,
                        **lock,
                    )
        if until is not None:
            raise AccountLocked(name, until)
        return user

    def logout(self, user: StaffView) -> None:
        """The end of *user*'s session, for the audit log. At exit a database that cannot be
        written any more is logged, not raised: the window is closing either way."""
        try:
            with self._db.write() as session:
                audit.record(session, user.username, AuditAction.LOGOUT, "staff", user.id)
        except SQLAlchemyError as exc:
            log.warning("the logout of %s could not be recorded: %s", user.username, exc)
